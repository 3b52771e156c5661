package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A quota store in memory: which layers are placed, their limits and a usage a test sets. */
final class FakeDiskQuota implements DiskQuota {
    final Map<String, Path> placed = new ConcurrentHashMap<>();
    final Map<String, long[]> limits = new ConcurrentHashMap<>();
    final Map<String, DiskUsage> usage = new ConcurrentHashMap<>();
    RuntimeException placeFailure;
    long free = 1L << 40;

    @Override
    public Status status() {
        return new Status(true, "fake project quotas");
    }

    @Override
    public void place(String handle, Path layer) {
        if (placeFailure != null) {
            throw placeFailure;
        }
        placed.put(handle, layer);
    }

    @Override
    public void limit(String handle, Path layer, long bytes, long inodes) {
        if (!placed.containsKey(handle)) {
            throw new IllegalStateException("limit before place: " + handle);
        }
        limits.put(handle, new long[] {bytes, inodes});
    }

    @Override
    public Optional<DiskUsage> usage(String handle, Path layer) {
        return Optional.ofNullable(usage.get(handle));
    }

    @Override
    public void release(String handle, Path layer) {
        placed.remove(handle);
        limits.remove(handle);
    }

    @Override
    public long freeBytes() {
        return free;
    }
}
