package io.greenhouse.cgroups;

import io.greenhouse.backend.ResourceUsage;
import io.greenhouse.backend.UsageMeter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThrottledUsageMeterTest {
    @TempDir
    Path root;
    final UsageMeter good = h -> new ResourceUsage(Map.of("rss", 1L), 1, 1_000, 600, 400, 3, 0);

    @Test
    void v1CoMountedCpuacctAddsWhatTheBadCgroupCounted() throws IOException {
        CpuCgroups cgroups = new CpuCgroups(root, "cell", false);
        Path bad = Files.createDirectories(cgroups.bad("web"));
        Files.writeString(bad.resolve("cpuacct.usage"), "50000000\n");
        Files.writeString(bad.resolve("cpuacct.stat"), "user 4\nsystem 1\n");
        ResourceUsage u = new ThrottledUsageMeter(good, cgroups).usage("web");
        assertEquals(50_001_000, u.cpuUsageNanos());
        assertEquals(40_000_600, u.cpuUserNanos());
        assertEquals(10_000_400, u.cpuSystemNanos());
        assertEquals(3, u.pidsCurrent());
    }

    @Test
    void v1SeparateCpuacctHierarchyAlreadyCountedEverything() throws IOException {
        CpuCgroups cgroups = new CpuCgroups(root, "cell", false);
        Files.createDirectories(cgroups.bad("web"));
        assertEquals(1_000, new ThrottledUsageMeter(good, cgroups).usage("web").cpuUsageNanos());
    }

    @Test
    void v2AddsTheBadCgroupsCpuStat() throws IOException {
        CpuCgroups cgroups = new CpuCgroups(root, "cell", true);
        Path bad = Files.createDirectories(cgroups.bad("web"));
        Files.writeString(bad.resolve("cpu.stat"), "usage_usec 20\nuser_usec 15\nsystem_usec 5\nnr_periods 0\n");
        ResourceUsage u = new ThrottledUsageMeter(good, cgroups).usage("web");
        assertEquals(21_000, u.cpuUsageNanos());
        assertEquals(15_600, u.cpuUserNanos());
        assertEquals(5_400, u.cpuSystemNanos());
    }

    @Test
    void neverPunishedAndPeaCgroupsAreTheGoodCgroupsAlone() {
        CpuCgroups cgroups = new CpuCgroups(root, "cell", true);
        ThrottledUsageMeter meter = new ThrottledUsageMeter(good, cgroups);
        assertEquals(1_000, meter.usage("web").cpuUsageNanos());
        assertEquals(1_000, meter.usage("web/pea-1").cpuUsageNanos());
    }
}
