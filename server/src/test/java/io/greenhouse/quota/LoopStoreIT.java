package io.greenhouse.quota;

import io.greenhouse.backend.DiskQuota;
import io.greenhouse.backend.DiskUsage;
import io.greenhouse.linux.HostCommand;
import io.greenhouse.linux.MountTable;
import io.greenhouse.linux.BtrfsQuotas;
import io.greenhouse.linux.ProjectQuotas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The quota store on a real loop-mounted XFS: made when missing, mounted with prjquota, project ids
 * on real directories; where the kernel can hold quotas, a writer past the limit fails and space
 * comes back after a delete. Every mount and loop device it makes is gone afterwards.
 */
class LoopStoreIT {
    private static final long SIZE = 320L << 20; // mkfs.xfs wants at least 300 MiB
    private Path work;
    private Path image;
    private Path mountPoint;

    @BeforeEach
    void workDirectory() throws IOException {
        Path base = Path.of(System.getProperty("greenhouse.test.work", "/var/tmp/greenhouse-it"));
        Files.createDirectories(base);
        work = Files.createTempDirectory(base, "loopstore-");
        image = work.resolve("layers.img");
        mountPoint = work.resolve("layers");
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (MountTable.isMountPoint(mountPoint)) {
            HostCommand.Result r = HostCommand.run(List.of("umount", mountPoint.toString()), Duration.ofSeconds(30));
            assertTrue(r.ok(), r.message());
        }
        assertFalse(MountTable.isMountPoint(mountPoint));
        // btrfs closes its device a moment after the unmount, and only then is the loop device cleared
        String loops = loopDevicesOf(image);
        for (int i = 0; i < 50 && !loops.isEmpty(); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loops = loopDevicesOf(image);
        }
        assertEquals("", loops, "no loop device left over the image");
        try (Stream<Path> walk = Files.walk(work)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String loopDevicesOf(Path file) {
        return HostCommand.run(List.of("losetup", "-j", file.toString()), Duration.ofSeconds(10)).stdout().strip();
    }

    private LoopStore store() {
        return new LoopStore(new DiskStoreSettings(image, mountPoint, SIZE, "xfs"), new ProjectQuotas(), new BtrfsQuotas(),
                work, Path.of("/proc/config.gz"));
    }

    @Test
    void theStoreIsMadeWhenMissingAndSaysWhetherItHoldsLimits() throws IOException {
        DiskQuota quota = store().open();
        assertTrue(Files.isRegularFile(image), "the image file is made");
        assertTrue(Files.size(image) == SIZE);
        DiskQuota.Status status = quota.status();
        if (status.enforcing()) {
            assertTrue(MountTable.isMountPoint(mountPoint));
            assertTrue(status.detail().startsWith("project quotas on xfs"), status.detail());
        } else {
            // this kernel cannot: nothing stays mounted, and the reason is given
            assertFalse(MountTable.isMountPoint(mountPoint));
            assertTrue(status.detail().startsWith("report-only: mounting " + image + " with prjquota failed"),
                    status.detail());
            if (zcatContains("# CONFIG_XFS_QUOTA is not set")) {
                assertTrue(status.detail().endsWith("(this kernel is built without CONFIG_XFS_QUOTA)"),
                        status.detail());
            }
        }
        // a second start finds the image and does not format it again
        long made = Files.getLastModifiedTime(image).toMillis();
        store().open();
        assertEquals(made, Files.getLastModifiedTime(image).toMillis());
    }

    @Test
    void projectIdsAreTheDirectoriesOwnAndInherited() throws IOException {
        store().open();
        if (!MountTable.isMountPoint(mountPoint)) {
            // without quotas XFS still keeps project ids: mount it plain to check the ioctls
            HostCommand.Result r = HostCommand.run(List.of("mount", "-o", "loop", image.toString(),
                    mountPoint.toString()), Duration.ofSeconds(30));
            assertTrue(r.ok(), r.message());
        }
        ProjectQuotas quotas = new ProjectQuotas();
        Path layer = Files.createDirectory(mountPoint.resolve("c1"));
        assertEquals(0, quotas.projectId(layer));
        quotas.assign(layer, 4711);
        assertEquals(4711, quotas.projectId(layer));
        Path child = Files.createDirectories(layer.resolve("upper/etc"));
        assertEquals(4711, quotas.projectId(child), "new directories inherit the project");
    }

    @Test
    void aWriterPastTheLimitFailsAndSpaceComesBackAfterADelete() throws IOException {
        DiskQuota quota = store().open();
        assumeTrue(quota.status().enforcing(), "no project quotas here: " + quota.status().detail());
        Path link = work.resolve("depot/c1/overlay");
        quota.place("c1", link);
        assertTrue(Files.isSymbolicLink(link));
        quota.limit("c1", link, 1 << 20, 100);
        Path upper = Files.createDirectories(link.resolve("upper"));
        byte[] mib = new byte[1 << 20];
        FileSystemException full = assertThrows(FileSystemException.class, () -> {
            try (OutputStream out = Files.newOutputStream(upper.resolve("big"))) {
                out.write(mib);
                out.write(mib);
                out.flush();
            }
        });
        assertTrue(String.valueOf(full.getMessage()).contains("quota") || String.valueOf(full.getMessage())
                .contains("space"), full.getMessage());
        DiskUsage used = quota.usage("c1", link).orElseThrow();
        assertTrue(used.exclusiveBytes() <= 1 << 20 && used.exclusiveBytes() > 0, "used " + used);
        Files.delete(upper.resolve("big"));
        assertTrue(quota.usage("c1", link).orElseThrow().exclusiveBytes() < 64 << 10);
        Files.write(upper.resolve("small"), new byte[512 << 10]);
        quota.release("c1", link);
        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(mountPoint.resolve("c1")));
    }

    private LoopStore autoStore() {
        return new LoopStore(new DiskStoreSettings(image, mountPoint, SIZE, "auto"), new ProjectQuotas(),
                new BtrfsQuotas(), work, Path.of("/proc/config.gz"));
    }

    /** auto: XFS where project quotas mount, else btrfs with qgroups, saying why. */
    @Test
    void autoChoosesXfsProjectQuotasWhereTheKernelHasThemElseBtrfs() throws IOException {
        DiskQuota quota = autoStore().open();
        assertTrue(quota.status().enforcing(), quota.status().detail());
        assertTrue(MountTable.isMountPoint(mountPoint));
        String type = Files.getFileStore(mountPoint).type();
        if (type.equals("btrfs")) {
            assertTrue(quota.status().detail().contains("btrfs because XFS project quotas are not possible here"),
                    quota.status().detail());
        } else {
            assertEquals("xfs", type);
        }
        // a restart finds the mounted store of the same kind
        assertEquals(quota.status().enforcing(), autoStore().open().status().enforcing());
    }

    /** An empty XFS store left by an earlier run on a kernel without XFS quotas becomes btrfs under auto. */
    @Test
    void anEmptyXfsStoreThatCannotHoldQuotasIsRemadeAsBtrfs() throws IOException {
        DiskQuota xfs = store().open();
        assumeTrue(!xfs.status().enforcing(), "this kernel has XFS quotas");
        assertFalse(MountTable.isMountPoint(mountPoint));
        DiskQuota quota = autoStore().open();
        assertTrue(quota.status().enforcing(), quota.status().detail());
        assertEquals("btrfs", Files.getFileStore(mountPoint).type());
        assertEquals(SIZE, Files.size(image), "the same image file");
    }

    private static boolean zcatContains(String line) {
        HostCommand.Result r = HostCommand.run(List.of("sh", "-c", "zcat /proc/config.gz 2>/dev/null | grep -qx '"
                + line + "'"), Duration.ofSeconds(10));
        return r.ok();
    }
}
