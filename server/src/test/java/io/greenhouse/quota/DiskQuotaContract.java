package io.greenhouse.quota;

import io.greenhouse.backend.DiskQuota;
import io.greenhouse.backend.DiskUsage;
import io.greenhouse.linux.BtrfsQuotas;
import io.greenhouse.linux.HostCommand;
import io.greenhouse.linux.MountTable;
import io.greenhouse.linux.ProjectQuotas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every enforcing {@link DiskQuota} does on a real loop-mounted store (run by
 * {@code BtrfsQuotaStoreIT} and {@code ProjectQuotaStoreIT}, each where its kernel support exists):
 * the layer is linked into the store, a writer past the byte limit fails and space comes back after a
 * delete, a limit of 0 lifts it, usage comes from the store's accounting, release leaves nothing.
 * Accounting may lag writes by a commit (btrfs), so usage is polled for a few seconds.
 */
abstract class DiskQuotaContract {
    private static final int MIB = 1 << 20;
    protected Path work;
    protected Path image;
    protected Path mountPoint;
    protected DiskQuota quota;

    /** The store's file system as greenhouse.disk.store.filesystem names it. */
    protected abstract String filesystem();

    /** Image size; mkfs.xfs wants at least 300 MiB. */
    protected long size() {
        return 320L << 20;
    }

    @BeforeEach
    void openStore() throws IOException {
        Path base = Path.of(System.getProperty("greenhouse.test.work", "/var/tmp/greenhouse-it"));
        Files.createDirectories(base);
        work = Files.createTempDirectory(base, "quota-" + filesystem() + "-");
        image = work.resolve("layers.img");
        mountPoint = work.resolve("layers");
        quota = new LoopStore(new DiskStoreSettings(image, mountPoint, size(), filesystem()), new ProjectQuotas(),
                new BtrfsQuotas(), work, Path.of("/proc/config.gz")).open();
        assumeTrue(quota.status().enforcing(), () -> filesystem() + " cannot hold limits here: "
                + quota.status().detail());
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (MountTable.isMountPoint(mountPoint)) {
            HostCommand.Result r = HostCommand.run(List.of("umount", mountPoint.toString()), Duration.ofSeconds(30));
            assertTrue(r.ok(), r.message());
        }
        assertFalse(MountTable.isMountPoint(mountPoint));
        // btrfs closes its device a moment after the unmount, and only then is the loop device cleared
        String loops = "";
        for (int i = 0; i < 50; i++) {
            loops = HostCommand.run(List.of("losetup", "-j", image.toString()), Duration.ofSeconds(10)).stdout().strip();
            if (loops.isEmpty()) {
                break;
            }
            sleepBriefly();
        }
        assertEquals("", loops, "no loop device left over the image");
        try (Stream<Path> walk = Files.walk(work)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path layer(String handle) {
        return work.resolve("depot").resolve(handle).resolve("overlay");
    }

    private static void write(Path file, int mebibytes) throws IOException {
        byte[] mib = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mebibytes; i++) {
                out.write(mib);
            }
            out.flush();
        }
    }

    /** The layer's exclusive bytes once they satisfy {@code wanted} (accounting may lag by a commit). */
    private long eventuallyUsed(String handle, LongPredicate wanted) throws InterruptedException {
        long used = -1;
        for (int i = 0; i < 30; i++) {
            used = quota.usage(handle, layer(handle)).orElseThrow().exclusiveBytes();
            if (wanted.test(used)) {
                return used;
            }
            Thread.sleep(100);
        }
        return used;
    }

    @Test
    void theLayerIsALinkIntoTheStore() throws IOException {
        Path link = layer("c1");
        quota.place("c1", link);
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(mountPoint.resolve("c1"), Files.readSymbolicLink(link));
        assertTrue(Files.isDirectory(Files.createDirectories(link.resolve("upper"))));
        assertTrue(quota.usage("c1", link).orElseThrow().exclusiveBytes() < 256 << 10, "an empty layer uses little");
        assertTrue(quota.freeBytes() > 0 && quota.freeBytes() <= size());
        quota.release("c1", link);
    }

    @Test
    void aWriterPastTheLimitFailsAndSpaceComesBackAfterADelete() throws IOException, InterruptedException {
        Path link = layer("c1");
        quota.place("c1", link);
        quota.limit("c1", link, 4L * MIB, 0);
        Path upper = Files.createDirectories(link.resolve("upper"));
        IOException full = assertThrows(IOException.class, () -> write(upper.resolve("big"), 8));
        assertTrue(String.valueOf(full.getMessage()).contains("quota") || String.valueOf(full.getMessage())
                .contains("space"), full.getMessage());
        long used = eventuallyUsed("c1", u -> u > 2L * MIB);
        assertTrue(used <= 4L * MIB && used > 2L * MIB, "used " + used);
        Files.delete(upper.resolve("big"));
        assertTrue(eventuallyUsed("c1", u -> u < 256 << 10) < 256 << 10, "space comes back after the delete");
        assertDoesNotThrow(() -> write(upper.resolve("small"), 3));
        quota.release("c1", link);
    }

    @Test
    void usageComesFromTheStoresAccounting() throws IOException, InterruptedException {
        Path link = layer("c1");
        quota.place("c1", link);
        Path upper = Files.createDirectories(link.resolve("upper"));
        write(upper.resolve("five"), 5);
        long used = eventuallyUsed("c1", u -> u >= 5L * MIB);
        assertTrue(used >= 5L * MIB && used < 6L * MIB, "used " + used);
        // another layer's writes are not this one's
        Path other = layer("c2");
        quota.place("c2", other);
        assertTrue(quota.usage("c2", other).orElseThrow().exclusiveBytes() < 256 << 10);
        quota.release("c1", link);
        quota.release("c2", other);
    }

    @Test
    void aLimitOfZeroLiftsIt() throws IOException {
        Path link = layer("c1");
        quota.place("c1", link);
        quota.limit("c1", link, MIB, 0);
        Path upper = Files.createDirectories(link.resolve("upper"));
        assertThrows(IOException.class, () -> write(upper.resolve("big"), 2));
        Files.delete(upper.resolve("big"));
        quota.limit("c1", link, 0, 0);
        assertDoesNotThrow(() -> write(upper.resolve("big"), 4));
        quota.release("c1", link);
    }

    @Test
    void releaseLeavesNothingAndIsSafeWhenNothingWasMade() throws IOException {
        Path link = layer("c1");
        quota.place("c1", link);
        write(Files.createDirectories(link.resolve("upper/dir")).resolve("file"), 1);
        quota.release("c1", link);
        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(mountPoint.resolve("c1"), LinkOption.NOFOLLOW_LINKS));
        assertDoesNotThrow(() -> quota.release("c1", link), "twice");
        assertDoesNotThrow(() -> quota.release("never-made", layer("never-made")));
        assertEquals(DiskUsage.NONE, quota.usage("c1", link).orElseThrow());
        // the handle can be used again
        quota.place("c1", link);
        assertTrue(quota.usage("c1", link).orElseThrow().exclusiveBytes() < 256 << 10);
        quota.release("c1", link);
    }
}
