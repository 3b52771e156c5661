package io.greenhouse.cgroups;

import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ResourceUsage;
import io.greenhouse.backend.UsageMeter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a container's usage straight from its cgroup, at PARENT/HANDLE under the cgroup mount (the
 * cgroupsPath the bundle gives runC). Works on the unified hierarchy (cgroup v2, what production
 * runs) and on the per-controller v1 hierarchies; which one is decided once, from the mount.
 */
public final class CgroupUsageMeter implements UsageMeter {
    private final Path root;
    private final String parent;
    private final boolean unified;

    public CgroupUsageMeter(Path root, String parent) {
        this(root, parent, isUnified(root));
    }

    public CgroupUsageMeter(Path root, String parent, boolean unified) {
        this.root = root;
        this.parent = parent;
        this.unified = unified;
    }

    /** True when the cgroup mount is the v2 unified hierarchy (not v1, nor v1 with a v2 side mount). */
    public static boolean isUnified(Path root) {
        return Files.exists(root.resolve("cgroup.controllers"));
    }

    @Override
    public ResourceUsage usage(String handle) {
        try {
            return unified ? v2(root.resolve(parent).resolve(handle)) : v1(handle);
        } catch (NoSuchFileException gone) {
            throw new GardenException("container " + handle + " has no cgroup (is its init still running?): "
                    + gone.getFile());
        } catch (IOException e) {
            throw new GardenException("reading cgroup of " + handle + ": " + e.getMessage(), e);
        }
    }

    private ResourceUsage v1(String handle) throws IOException {
        Map<String, Long> memory = CgroupStats.flatKeyed(read(controller("memory", handle), "memory.stat"));
        Path cpuacct = controller("cpuacct", handle);
        Map<String, Long> cpuTicks = CgroupStats.flatKeyed(read(cpuacct, "cpuacct.stat"));
        Path pids = controller("pids", handle);
        return new ResourceUsage(memory,
                CgroupStats.v1UsageTowardLimit(memory),
                CgroupStats.single(read(cpuacct, "cpuacct.usage")),
                CgroupStats.v1TicksToNanos(CgroupStats.get(cpuTicks, "user")),
                CgroupStats.v1TicksToNanos(CgroupStats.get(cpuTicks, "system")),
                CgroupStats.single(read(pids, "pids.current")),
                CgroupStats.limit(read(pids, "pids.max")));
    }

    static ResourceUsage v2(Path cgroup) throws IOException {
        return fromV2Files(read(cgroup, "memory.stat"), read(cgroup, "cpu.stat"),
                read(cgroup, "pids.current"), read(cgroup, "pids.max"));
    }

    /** Usage from the text of a v2 cgroup's memory.stat, cpu.stat, pids.current and pids.max. */
    static ResourceUsage fromV2Files(String memoryStat, String cpuStat, String pidsCurrent, String pidsMax) {
        Map<String, Long> memory = CgroupStats.flatKeyed(memoryStat);
        Map<String, Long> cpu = CgroupStats.flatKeyed(cpuStat);
        return new ResourceUsage(memory,
                CgroupStats.v2UsageTowardLimit(memory),
                CgroupStats.v2MicrosToNanos(CgroupStats.get(cpu, "usage_usec")),
                CgroupStats.v2MicrosToNanos(CgroupStats.get(cpu, "user_usec")),
                CgroupStats.v2MicrosToNanos(CgroupStats.get(cpu, "system_usec")),
                CgroupStats.single(pidsCurrent),
                CgroupStats.limit(pidsMax));
    }

    private Path controller(String name, String handle) {
        return root.resolve(name).resolve(parent).resolve(handle);
    }

    private static String read(Path directory, String file) throws IOException {
        return Files.readString(directory.resolve(file));
    }
}
