package io.greenhouse.cgroups;

import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ResourceUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cgroup file formats of both versions, from fixture text shaped like what the kernel writes. */
class CgroupUsageMeterTest {

    static final String V2_MEMORY_STAT = """
            anon 4317184
            file 12288000
            kernel 516096
            kernel_stack 32768
            pagetables 61440
            sock 0
            shmem 0
            file_mapped 0
            file_dirty 0
            file_writeback 0
            swapcached 4096
            anon_thp 0
            inactive_anon 4308992
            active_anon 8192
            inactive_file 8192000
            active_file 4096000
            unevictable 0
            pgfault 2211
            pgmajfault 3
            """;

    static final String V2_CPU_STAT = """
            usage_usec 123456
            user_usec 100000
            system_usec 23456
            nr_periods 0
            nr_throttled 0
            throttled_usec 0
            """;

    @Test
    void readsCgroupV2MemoryCpuAndPids() {
        ResourceUsage u = CgroupUsageMeter.fromV2Files(V2_MEMORY_STAT, V2_CPU_STAT, "7\n", "128\n");
        assertEquals(4317184L, u.memoryStats().get("anon"));
        assertEquals(3L, u.memoryStats().get("pgmajfault"));
        // anon + file + swapcached - inactive_file
        assertEquals(4317184L + 12288000L + 4096L - 8192000L, u.memoryUsageTowardLimit());
        assertEquals(123_456_000L, u.cpuUsageNanos());
        assertEquals(100_000_000L, u.cpuUserNanos());
        assertEquals(23_456_000L, u.cpuSystemNanos());
        assertEquals(7, u.pidsCurrent());
        assertEquals(128, u.pidsMax());
    }

    @Test
    void unlimitedPidsAreReportedAsZero() {
        assertEquals(0, CgroupUsageMeter.fromV2Files("", "", "1", "max\n").pidsMax());
    }

    @Test
    void usageTowardLimitNeverGoesNegative() {
        assertEquals(0, CgroupStats.v2UsageTowardLimit(CgroupStats.flatKeyed("anon 10\ninactive_file 4096\n")));
        assertEquals(0, CgroupStats.v1UsageTowardLimit(CgroupStats.flatKeyed("total_rss 10\ntotal_inactive_file 4096\n")));
    }

    @Test
    void v1UsageCountsRssCacheAndSwapLessInactiveFile() {
        var stat = CgroupStats.flatKeyed("""
                cache 49152
                rss 45056
                total_cache 1000000
                total_rss 500000
                total_swap 20000
                total_inactive_file 300000
                hierarchical_memory_limit 9223372036854771712
                """);
        assertEquals(1_000_000 + 500_000 + 20_000 - 300_000, CgroupStats.v1UsageTowardLimit(stat));
    }

    @Test
    void countersBeyondLongRangeAreClampedNotNegative() {
        assertEquals(Long.MAX_VALUE, CgroupStats.flatKeyed("hierarchical_memsw_limit 18446744073709551615").get(
                "hierarchical_memsw_limit"));
    }

    @Test
    void readsTheUnifiedHierarchyUnderParentAndHandle(@TempDir Path root) throws IOException {
        Path cgroup = Files.createDirectories(root.resolve("cell/box"));
        Files.writeString(cgroup.resolve("memory.stat"), V2_MEMORY_STAT);
        Files.writeString(cgroup.resolve("cpu.stat"), V2_CPU_STAT);
        Files.writeString(cgroup.resolve("pids.current"), "3\n");
        Files.writeString(cgroup.resolve("pids.max"), "max\n");
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        ResourceUsage u = new CgroupUsageMeter(root, "cell").usage("box");
        assertEquals(3, u.pidsCurrent());
        assertEquals(123_456_000L, u.cpuUsageNanos());
    }

    @Test
    void readsV1ControllersAndConvertsCpuTicks(@TempDir Path root) throws IOException {
        Files.writeString(Files.createDirectories(root.resolve("memory/cell/box")).resolve("memory.stat"),
                "total_rss 4096\ntotal_cache 0\n");
        Path cpuacct = Files.createDirectories(root.resolve("cpuacct/cell/box"));
        Files.writeString(cpuacct.resolve("cpuacct.usage"), "10826128\n");
        Files.writeString(cpuacct.resolve("cpuacct.stat"), "user 3\nsystem 1\n");
        Path pids = Files.createDirectories(root.resolve("pids/cell/box"));
        Files.writeString(pids.resolve("pids.current"), "2\n");
        Files.writeString(pids.resolve("pids.max"), "50\n");
        ResourceUsage u = new CgroupUsageMeter(root, "cell").usage("box");
        assertEquals(10_826_128L, u.cpuUsageNanos());
        assertEquals(30_000_000L, u.cpuUserNanos());
        assertEquals(10_000_000L, u.cpuSystemNanos());
        assertEquals(4096, u.memoryUsageTowardLimit());
        assertEquals(50, u.pidsMax());
    }

    @Test
    void aMissingCgroupIsAGardenErrorNamingTheContainer(@TempDir Path root) {
        GardenException e = assertThrows(GardenException.class, () -> new CgroupUsageMeter(root, "cell").usage("gone"));
        assertTrue(e.getMessage().contains("gone"), e.getMessage());
    }
}
