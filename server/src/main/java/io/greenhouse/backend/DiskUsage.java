package io.greenhouse.backend;

/**
 * Disk used by a container's root filesystem.
 *
 * @param totalBytes      everything the container sees: image plus its own writes
 * @param totalInodes     files and directories it sees
 * @param exclusiveBytes  what the container wrote itself
 * @param exclusiveInodes files and directories it created or changed
 */
public record DiskUsage(long totalBytes, long totalInodes, long exclusiveBytes, long exclusiveInodes) {
    public static final DiskUsage NONE = new DiskUsage(0, 0, 0, 0);
}
