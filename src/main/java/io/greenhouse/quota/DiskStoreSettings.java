package io.greenhouse.quota;

import java.nio.file.Path;

/**
 * The quota store of writable layers.
 *
 * @param image      the file system's image file, made when missing
 * @param mountPoint where it is mounted; the layers are its directories
 * @param sizeBytes  the image's size (sparse); 0: no store, disk limits reported only
 * @param filesystem {@code xfs} (grootfs's choice) or {@code ext4}
 */
public record DiskStoreSettings(Path image, Path mountPoint, long sizeBytes, String filesystem) {
    public DiskStoreSettings {
        if (!filesystem.equals("xfs") && !filesystem.equals("ext4")) {
            throw new IllegalArgumentException("greenhouse.disk.store.filesystem must be xfs or ext4, not " + filesystem);
        }
    }

    String quotaOption() {
        return "prjquota";
    }
}
