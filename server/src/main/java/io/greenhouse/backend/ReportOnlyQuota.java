package io.greenhouse.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;

/** Disk limits without a quota store: recorded and reported, with a warning per limited container. */
final class ReportOnlyQuota implements DiskQuota {
    private static final Logger LOG = Logger.getLogger(ReportOnlyQuota.class.getName());
    private final String reason;
    private final Path depot;

    ReportOnlyQuota(String reason, Path depot) {
        this.reason = reason;
        this.depot = depot;
    }

    @Override
    public Status status() {
        return new Status(false, "report-only: " + reason);
    }

    @Override
    public void place(String handle, Path layer) {
        // the root filesystem provider makes the layer in the depot itself
    }

    @Override
    public void limit(String handle, Path layer, long bytes, long inodes) {
        LOG.warning(() -> "disk limits of " + handle + " (" + bytes + " bytes, " + inodes
                + " inodes) are reported, not enforced: " + reason);
    }

    @Override
    public Optional<DiskUsage> usage(String handle, Path layer) {
        return Optional.empty();
    }

    @Override
    public void release(String handle, Path layer) {
        // nothing of its own
    }

    @Override
    public long freeBytes() {
        try {
            return Files.getFileStore(depot).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }
}
