package io.greenhouse.backend;

/**
 * Container-wide limits. Zero means "not set". Disk and bandwidth limits are recorded and reported
 * back as Guardian does; memory, CPU and pids are enforced through cgroups by the runtime.
 */
public record ResourceLimits(
        long memoryBytes,
        long cpuShares,
        long cpuWeight,
        long pidsMax,
        DiskLimits disk,
        long bandwidthRate,
        long bandwidthBurst) {

    public static final ResourceLimits NONE = new ResourceLimits(0, 0, 0, 0, DiskLimits.NONE, 0, 0);

    public ResourceLimits {
        disk = disk == null ? DiskLimits.NONE : disk;
    }

    /** Garden's CPU weight supersedes the older share count; both mean cgroup cpu shares. */
    public long effectiveCpuShares() {
        return cpuWeight > 0 ? cpuWeight : cpuShares;
    }

    public record DiskLimits(long inodeSoft, long inodeHard, long byteSoft, long byteHard, boolean exclusive) {
        public static final DiskLimits NONE = new DiskLimits(0, 0, 0, 0, false);
    }
}
