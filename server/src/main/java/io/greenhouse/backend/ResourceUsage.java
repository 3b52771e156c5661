package io.greenhouse.backend;

import java.util.Map;

/**
 * Usage read from a container's cgroup.
 *
 * @param memoryStats           the cgroup's memory.stat entries by their kernel names
 * @param memoryUsageTowardLimit memory counted the way the limit is enforced (minus reclaimable
 *                              inactive page cache), as Guardian computes it
 * @param cpuUsageNanos         CPU time, user and system together
 * @param cpuUserNanos          user CPU time
 * @param cpuSystemNanos        system CPU time
 * @param pidsCurrent           tasks in the cgroup now
 * @param pidsMax               the pid limit, zero when unlimited
 */
public record ResourceUsage(
        Map<String, Long> memoryStats,
        long memoryUsageTowardLimit,
        long cpuUsageNanos,
        long cpuUserNanos,
        long cpuSystemNanos,
        long pidsCurrent,
        long pidsMax) {

    public ResourceUsage {
        memoryStats = Map.copyOf(memoryStats);
    }
}
