package io.greenhouse.quota;

import io.greenhouse.backend.DiskQuota;
import io.greenhouse.linux.BtrfsQuotas;
import io.greenhouse.linux.HostCommand;
import io.greenhouse.linux.MountTable;
import io.greenhouse.linux.ProjectQuotas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;

/**
 * The writable layers' file system: a sparse image file of the configured size, made (XFS, or ext4
 * with the project feature) when missing and loop-mounted with project quotas at cell start; it
 * stays mounted when the server stops, as running containers' overlays sit on it. Where no quota
 * is possible (the kernel lacks it, no loop device, the size is 0), the cell reports disk limits
 * without holding them and says why.
 */
public final class LoopStore {
    private static final Logger LOG = Logger.getLogger(LoopStore.class.getName());
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final DiskStoreSettings settings;
    private final ProjectQuotas quotas;
    private final Path depot;
    private final Path kernelConfig;
    private final BtrfsQuotas btrfs;
    /** Why the store is btrfs when XFS was tried first (auto); empty otherwise. */
    private String fallbackNote = "";

    public LoopStore(DiskStoreSettings settings, ProjectQuotas quotas, BtrfsQuotas btrfs, Path depot,
                     Path kernelConfig) {
        this.settings = settings;
        this.quotas = quotas;
        this.btrfs = btrfs;
        this.depot = depot;
        this.kernelConfig = kernelConfig;
    }

    /** The mounted store, or report-only with the reason. */
    public DiskQuota open() {
        if (settings.sizeBytes() <= 0) {
            return reportOnly("no quota store (greenhouse.disk.store.size is 0)");
        }
        Path dir = settings.mountPoint();
        try {
            Files.createDirectories(dir);
            if (!MountTable.isMountPoint(dir)) {
                String failure = mountStore();
                if (failure != null) {
                    return reportOnly(failure);
                }
            }
            return mounted(dir);
        } catch (IOException | RuntimeException e) {
            return reportOnly("the quota store " + dir + " cannot be made: " + e.getMessage());
        }
    }

    /** The store on its mounted file system: btrfs qgroups, or project quotas when they are on. */
    private DiskQuota mounted(Path dir) throws IOException {
        String type = Files.getFileStore(dir).type();
        String description = type + " " + settings.image() + " (" + settings.sizeBytes() + " bytes) at " + dir
                + (fallbackNote.isEmpty() ? "" : "; " + fallbackNote);
        if (type.equals("btrfs")) {
            if (!btrfs.quotasEnabled(dir)) {
                btrfs.enableQuotas(dir);
            }
            LOG.info(() -> "disk limits enforced by btrfs qgroups on " + description);
            return new BtrfsQuotaStore(dir, btrfs, description);
        }
        // the store holds only writable layers: a probe on the default project shows quotas are on
        try {
            quotas.usage(dir, 0);
        } catch (RuntimeException e) {
            return reportOnly(dir + " is mounted without project quotas: " + e.getMessage() + kernelHint());
        }
        LOG.info(() -> "disk limits enforced by project quotas on " + description);
        return new ProjectQuotaStore(dir, quotas, description);
    }

    /** Mounts the image, made when missing; null once mounted, else why not. */
    private String mountStore() throws IOException {
        Path image = settings.image();
        boolean auto = settings.filesystem().equals("auto");
        if (!Files.exists(image)) {
            make(auto ? "xfs" : settings.filesystem(), auto);
        }
        String type = ImageType.of(image);
        if (type.equals("btrfs")) {
            HostCommand.Result r = mount(image, "loop");
            return r.ok() ? null : "mounting " + image + " (btrfs) failed: " + r.message();
        }
        HostCommand.Result r = mount(image, "loop," + settings.quotaOption());
        if (r.ok()) {
            return null;
        }
        String why = "mounting " + image + " with " + settings.quotaOption() + " failed: " + r.message() + kernelHint();
        if (auto && holdsNoLayers(image)) {
            // an empty store made where project quotas cannot be (an earlier run on this kernel): btrfs instead
            mkfs(image, "btrfs");
            fallbackNote = "btrfs because " + oneLine(why);
            LOG.info(() -> "remade the empty quota store " + image + " as btrfs: " + oneLine(why));
            HostCommand.Result again = mount(image, "loop");
            return again.ok() ? null : "mounting " + image + " (btrfs) failed: " + again.message();
        }
        return why;
    }

    /**
     * Makes the image file under a temporary name, renamed into place only when complete (a crash
     * leaves nothing to mount). For {@code auto}, an XFS image is mounted with project quotas once as a
     * probe; where the kernel cannot, the image becomes btrfs.
     */
    private void make(String filesystem, boolean probe) throws IOException {
        Path image = settings.image();
        Files.createDirectories(image.toAbsolutePath().getParent());
        Path tmp = image.resolveSibling(image.getFileName() + ".tmp");
        try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
            // sparse: blocks are taken as layers are written
            f.setLength(settings.sizeBytes());
        }
        String made = filesystem;
        try {
            mkfs(tmp, filesystem);
            if (probe) {
                HostCommand.Result r = mount(tmp, "loop," + settings.quotaOption());
                if (r.ok()) {
                    unmount(settings.mountPoint());
                } else {
                    String why = "XFS project quotas are not possible here (mounting with " + settings.quotaOption()
                            + " failed: " + r.message() + kernelHint() + ")";
                    fallbackNote = "btrfs because " + oneLine(why);
                    LOG.info(() -> oneLine(why) + ": the quota store is btrfs with qgroups");
                    mkfs(tmp, "btrfs");
                    made = "btrfs";
                }
            }
        } catch (RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, image, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        String fs = made;
        LOG.info(() -> "made the " + fs + " quota store " + image);
    }

    private static void mkfs(Path file, String filesystem) {
        List<String> mkfs = switch (filesystem) {
            case "ext4" -> List.of("mkfs.ext4", "-q", "-F", "-O", "quota,project", "-E", "quotatype=prjquota",
                    file.toString());
            case "btrfs" -> List.of("mkfs.btrfs", "-q", "-f", file.toString());
            default -> List.of("mkfs.xfs", "-q", "-f", file.toString());
        };
        HostCommand.Result made = HostCommand.run(mkfs, COMMAND_TIMEOUT);
        if (!made.ok()) {
            throw new IllegalStateException(String.join(" ", mkfs) + ": " + made.message());
        }
    }

    private HostCommand.Result mount(Path image, String options) {
        return HostCommand.run(List.of("mount", "-o", options, image.toString(), settings.mountPoint().toString()),
                COMMAND_TIMEOUT);
    }

    private static void unmount(Path dir) {
        HostCommand.Result r = HostCommand.run(List.of("umount", dir.toString()), COMMAND_TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException("umount " + dir + ": " + r.message());
        }
    }

    /** Whether the image's file system, mounted plain for a look, has nothing in it yet. */
    private boolean holdsNoLayers(Path image) throws IOException {
        if (!mount(image, "loop").ok()) {
            return false;
        }
        try (var entries = Files.list(settings.mountPoint())) {
            return entries.noneMatch(p -> !p.getFileName().toString().equals("lost+found"));
        } finally {
            unmount(settings.mountPoint());
        }
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    /** Names the kernel option that is missing, when the kernel publishes its configuration. */
    String kernelHint() {
        String option = settings.filesystem().equals("ext4") ? "CONFIG_QFMT_V2" : "CONFIG_XFS_QUOTA";
        if (!Files.isReadable(kernelConfig)) {
            return "";
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(kernelConfig))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            String config = out.toString(StandardCharsets.UTF_8);
            if (config.contains("# " + option + " is not set")) {
                return " (this kernel is built without " + option + ")";
            }
        } catch (IOException ignored) {
            // no hint then
        }
        return "";
    }

    private DiskQuota reportOnly(String text) {
        // mount(8) speaks in several lines; health details and log lines want one
        String reason = oneLine(text);
        LOG.warning(() -> "disk limits are NOT enforced, only reported: " + reason);
        return DiskQuota.reportOnly(reason, depot);
    }
}
