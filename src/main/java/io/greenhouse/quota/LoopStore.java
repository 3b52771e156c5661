package io.greenhouse.quota;

import io.greenhouse.backend.DiskQuota;
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

    public LoopStore(DiskStoreSettings settings, ProjectQuotas quotas, Path depot, Path kernelConfig) {
        this.settings = settings;
        this.quotas = quotas;
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
                if (!Files.exists(settings.image())) {
                    format();
                }
                HostCommand.Result mounted = HostCommand.run(List.of("mount", "-o", "loop," + settings.quotaOption(),
                        settings.image().toString(), dir.toString()), COMMAND_TIMEOUT);
                if (!mounted.ok()) {
                    return reportOnly("mounting " + settings.image() + " with " + settings.quotaOption() + " failed: "
                            + mounted.message() + kernelHint());
                }
            }
            // the store holds only writable layers: a probe on the default project shows quotas are on
            try {
                quotas.usage(dir, 0);
            } catch (RuntimeException e) {
                return reportOnly(dir + " is mounted without project quotas: " + e.getMessage() + kernelHint());
            }
        } catch (IOException | RuntimeException e) {
            return reportOnly("the quota store " + dir + " cannot be made: " + e.getMessage());
        }
        String description = settings.filesystem() + " " + settings.image() + " (" + settings.sizeBytes()
                + " bytes) at " + dir;
        LOG.info(() -> "disk limits enforced by project quotas on " + description);
        return new ProjectQuotaStore(dir, quotas, description);
    }

    private void format() throws IOException {
        Files.createDirectories(settings.image().toAbsolutePath().getParent());
        Path tmp = settings.image().resolveSibling(settings.image().getFileName() + ".tmp");
        try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
            // sparse: blocks are taken as layers are written
            f.setLength(settings.sizeBytes());
        }
        List<String> mkfs = settings.filesystem().equals("ext4")
                ? List.of("mkfs.ext4", "-q", "-F", "-O", "quota,project", "-E", "quotatype=prjquota", tmp.toString())
                : List.of("mkfs.xfs", "-q", "-f", tmp.toString());
        HostCommand.Result made = HostCommand.run(mkfs, COMMAND_TIMEOUT);
        if (!made.ok()) {
            Files.deleteIfExists(tmp);
            throw new IllegalStateException(String.join(" ", mkfs) + ": " + made.message());
        }
        // only a complete file system gets the image's name: a crash leaves nothing to mount
        Files.move(tmp, settings.image(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        LOG.info(() -> "made the " + settings.filesystem() + " quota store " + settings.image());
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
        String reason = text.replaceAll("\\s+", " ").strip();
        LOG.warning(() -> "disk limits are NOT enforced, only reported: " + reason);
        return DiskQuota.reportOnly(reason, depot);
    }
}
