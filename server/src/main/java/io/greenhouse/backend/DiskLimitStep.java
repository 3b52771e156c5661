package io.greenhouse.backend;

/**
 * Holds the writable layer to the spec's {@code disk_limits}, once the root filesystem (and so the
 * image's size) is known. Scope exclusive limits the layer itself; scope total limits image plus
 * layer, as Guardian does, so the layer gets what the image leaves of the limit.
 */
final class DiskLimitStep implements CreateStep {
    private final DiskQuota quota;
    private final RootfsProvider rootfs;

    DiskLimitStep(DiskQuota quota, RootfsProvider rootfs) {
        this.quota = quota;
        this.rootfs = rootfs;
    }

    @Override
    public String name() {
        return "disk-limit";
    }

    @Override
    public void make(Assembly container) {
        ResourceLimits.DiskLimits limits = container.spec().limits().disk();
        if (limits.byteHard() <= 0 && limits.inodeHard() <= 0) {
            return;
        }
        long bytes = limits.byteHard();
        long inodes = limits.inodeHard();
        if (!limits.exclusive()) {
            DiskUsage image = rootfs.imageSize(container.spec().image(), container.directory());
            bytes = layerShare(bytes, image.totalBytes(), "bytes", container.handle());
            inodes = layerShare(inodes, image.totalInodes(), "inodes", container.handle());
        }
        quota.limit(container.handle(), DiskPlaceStep.layer(container), bytes, inodes);
    }

    /** What a total limit leaves the layer once the image is counted; refused when the image alone is over it. */
    static long layerShare(long limit, long image, String unit, String handle) {
        if (limit <= 0) {
            return 0;
        }
        if (image >= limit) {
            throw new GardenException("disk limit of " + handle + ": the image alone uses " + image + " " + unit
                    + ", the limit (scope total) is " + limit);
        }
        return limit - image;
    }

    @Override
    public void unmake(Assembly container) {
        // the limit goes with the layer's directory (disk-place)
    }

    @Override
    public void restore(Assembly container) {
        // the limit is the store file system's, it outlives the server
    }
}
