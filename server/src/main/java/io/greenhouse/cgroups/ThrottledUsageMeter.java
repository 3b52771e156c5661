package io.greenhouse.cgroups;

import io.greenhouse.backend.ResourceUsage;
import io.greenhouse.backend.UsageMeter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * With CPU throttling on, a container's CPU time is what its good cgroup counted plus what its bad
 * cgroup counted while it was punished (Guardian adds the two the same way); the rest of the usage
 * is the good cgroup's.
 */
public final class ThrottledUsageMeter implements UsageMeter {
    private final UsageMeter good;
    private final CpuCgroups cgroups;

    public ThrottledUsageMeter(UsageMeter good, CpuCgroups cgroups) {
        this.good = good;
        this.cgroups = cgroups;
    }

    @Override
    public ResourceUsage usage(String handle) {
        ResourceUsage usage = good.usage(handle);
        Path bad = cgroups.bad(handle);
        if (handle.contains("/") || !Files.isDirectory(bad)) {
            return usage;
        }
        long[] cpu;
        try {
            cpu = cgroups.unified() ? v2(bad) : v1(bad);
        } catch (IOException gone) {
            return usage; // removed meanwhile: it counted nothing we could still read
        }
        return new ResourceUsage(usage.memoryStats(), usage.memoryUsageTowardLimit(),
                usage.cpuUsageNanos() + cpu[0], usage.cpuUserNanos() + cpu[1], usage.cpuSystemNanos() + cpu[2],
                usage.pidsCurrent(), usage.pidsMax());
    }

    /**
     * v1: where cpu is co-mounted with cpuacct (cpu,cpuacct) the bad cgroup counts the punished time;
     * where cpuacct is a hierarchy of its own the processes never left the container's cpuacct cgroup,
     * which counted everything already.
     */
    private static long[] v1(Path bad) throws IOException {
        if (!Files.exists(bad.resolve("cpuacct.usage"))) {
            return new long[3];
        }
        Map<String, Long> ticks = CgroupStats.flatKeyed(Files.readString(bad.resolve("cpuacct.stat")));
        return new long[] {CgroupStats.single(Files.readString(bad.resolve("cpuacct.usage"))),
                CgroupStats.v1TicksToNanos(CgroupStats.get(ticks, "user")),
                CgroupStats.v1TicksToNanos(CgroupStats.get(ticks, "system"))};
    }

    private static long[] v2(Path bad) throws IOException {
        Map<String, Long> stat = CgroupStats.flatKeyed(Files.readString(bad.resolve("cpu.stat")));
        return new long[] {CgroupStats.v2MicrosToNanos(CgroupStats.get(stat, "usage_usec")),
                CgroupStats.v2MicrosToNanos(CgroupStats.get(stat, "user_usec")),
                CgroupStats.v2MicrosToNanos(CgroupStats.get(stat, "system_usec"))};
    }
}
