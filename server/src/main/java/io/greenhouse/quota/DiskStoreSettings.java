package io.greenhouse.quota;

import java.nio.file.Path;

/**
 * The quota store of writable layers.
 *
 * @param image      the file system's image file, made when missing
 * @param mountPoint where it is mounted; the layers are its directories
 * @param sizeBytes  the image's size (sparse); 0: no store, disk limits reported only
 * @param filesystem {@code auto} (XFS with project quotas where the kernel has them, else btrfs with
 *                   qgroups), {@code xfs} (grootfs's choice), {@code ext4} or {@code btrfs}
 */
public record DiskStoreSettings(Path image, Path mountPoint, long sizeBytes, String filesystem) {
    public DiskStoreSettings {
        if (!java.util.List.of("auto", "xfs", "ext4", "btrfs").contains(filesystem)) {
            throw new IllegalArgumentException("greenhouse.disk.store.filesystem must be auto, xfs, ext4 or btrfs, not "
                    + filesystem);
        }
    }

    String quotaOption() {
        return "prjquota";
    }
}
