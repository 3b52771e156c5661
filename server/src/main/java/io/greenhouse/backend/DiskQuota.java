package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where containers' writable layers live and how their size is held. A store with quotas puts each
 * layer in a directory of its own on a file system that enforces and counts it (project quotas);
 * without one, layers stay in the depot and disk limits are only reported back.
 */
public interface DiskQuota {

    /** Whether limits are enforced, and a sentence saying how, or why not. */
    Status status();

    /**
     * Gives the container a writable-layer directory at {@code layer} (the path the root filesystem
     * provider writes its upper and work directories under): a link into the quota store, or
     * nothing at all when there is no store. On failure nothing is left.
     */
    void place(String handle, Path layer);

    /** Holds the container's writable layer to these hard limits; 0 means none. */
    void limit(String handle, Path layer, long bytes, long inodes);

    /** What the writable layer uses, from the store's accounting; empty when there is none. */
    Optional<DiskUsage> usage(String handle, Path layer);

    /** Removes the layer's directory and its limits; safe when nothing (or part) was made. */
    void release(String handle, Path layer);

    /** Bytes free on the file system holding writable layers (the depot's when there is no store). */
    long freeBytes();

    record Status(boolean enforcing, String detail) {
    }

    /** No store: the writable layer stays in the depot, limits are reported back, not held. */
    static DiskQuota reportOnly(String reason, Path depot) {
        return new ReportOnlyQuota(reason, depot);
    }
}
