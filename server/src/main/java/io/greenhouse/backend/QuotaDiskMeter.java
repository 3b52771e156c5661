package io.greenhouse.backend;

import java.nio.file.Path;

/**
 * Disk metrics from the quota store's accounting: the writable layer's bytes and inodes as the
 * file system counts them (no tree walk), plus the image's size for the totals. Without a store, the
 * fallback meter (which walks the layer) answers.
 */
public final class QuotaDiskMeter implements DiskMeter {
    private final DiskQuota quota;
    private final RootfsProvider rootfs;
    private final DiskMeter fallback;

    public QuotaDiskMeter(DiskQuota quota, RootfsProvider rootfs, DiskMeter fallback) {
        this.quota = quota;
        this.rootfs = rootfs;
        this.fallback = fallback;
    }

    @Override
    public DiskUsage usage(Container container) {
        return measure(container.handle(), container.directory(), container.record().spec().image());
    }

    @Override
    public DiskUsage usage(String handle, Path containerDirectory) {
        return measure(handle, containerDirectory, ImageRef.DEFAULT);
    }

    private DiskUsage measure(String handle, Path containerDirectory, ImageRef image) {
        return quota.usage(handle, containerDirectory.resolve(RootfsProvider.WRITABLE_LAYER))
                .map(layer -> {
                    DiskUsage size = rootfs.imageSize(image, containerDirectory);
                    return new DiskUsage(size.totalBytes() + layer.exclusiveBytes(),
                            size.totalInodes() + layer.exclusiveInodes(), layer.exclusiveBytes(),
                            layer.exclusiveInodes());
                })
                .orElseGet(() -> fallback.usage(handle, containerDirectory));
    }
}
