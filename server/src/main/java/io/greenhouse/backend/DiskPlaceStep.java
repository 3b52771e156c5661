package io.greenhouse.backend;

import java.nio.file.Path;

/**
 * Puts the container's writable layer where its size can be held (a directory of its own in the
 * quota store), before the root filesystem is made over it.
 */
final class DiskPlaceStep implements CreateStep {
    private final DiskQuota quota;

    DiskPlaceStep(DiskQuota quota) {
        this.quota = quota;
    }

    static Path layer(Assembly container) {
        return container.directory().resolve(RootfsProvider.WRITABLE_LAYER);
    }

    @Override
    public String name() {
        return "disk-place";
    }

    @Override
    public void make(Assembly container) {
        quota.place(container.handle(), layer(container));
    }

    @Override
    public void unmake(Assembly container) {
        quota.release(container.handle(), layer(container));
    }

    @Override
    public void restore(Assembly container) {
        // the layer's directory and its limits live in the store's file system; the rootfs step
        // finds out whether the overlay over it is still mounted
    }
}
