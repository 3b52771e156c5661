package io.greenhouse.backend;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricsCollectorTest {

    private static ResourceLimits cpu(long shares, long weight) {
        return new ResourceLimits(0, shares, weight, 0, ResourceLimits.DiskLimits.NONE, 0, 0);
    }

    @Test
    void entitlementIsSharesTimesPercentPerShareOverTheContainersAge() {
        // 1024 shares at 0.5% of a CPU each = 5.12 CPUs; over 2 s that is 10.24 CPU-seconds
        assertEquals(10_240_000_000L, MetricsCollector.entitlement(1024, 0.5, Duration.ofSeconds(2)));
    }

    @Test
    void noCpuLimitMeansNoShares() {
        assertEquals(0, MetricsCollector.shares(ResourceLimits.NONE));
        assertEquals(0, MetricsCollector.entitlement(0, 0.5, Duration.ofHours(1)));
    }

    @Test
    void sharesAreWhatTheRuntimeGivesTheCgroup() {
        assertEquals(512, MetricsCollector.shares(cpu(512, 0)));
        assertEquals(300, MetricsCollector.shares(cpu(512, 300)));
        assertEquals(2, MetricsCollector.shares(cpu(1, 0)));
    }

    @Test
    void aShareIsWorthTheHostsCpusSpreadOverItsMemoryInMebibytes() {
        HostCapacity host = new HostCapacity() {
            @Override
            public long memoryBytes() {
                return 8L << 30;
            }

            @Override
            public int cpuCores() {
                return 4;
            }

            @Override
            public long diskBytes() {
                return 0;
            }
        };
        MetricsCollector collector = new MetricsCollector(h -> null, (h, d) -> DiskUsage.NONE, host,
                java.time.Clock.systemUTC());
        assertEquals(400.0 / 8192, collector.entitlementPercentPerShare(), 1e-12);
    }
}
