package io.greenhouse.backend;

import java.time.Duration;

/**
 * A container's resource usage at one moment, as Garden reports it.
 *
 * @param usage          what the container's cgroup says: memory, CPU time, pids
 * @param disk           bytes and inodes of its root filesystem
 * @param age            time since the container was created
 * @param cpuEntitlement CPU nanoseconds the container was entitled to over its age, by its shares
 */
public record ContainerMetrics(ResourceUsage usage, DiskUsage disk, Duration age, long cpuEntitlement) {
}
