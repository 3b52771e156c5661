package io.greenhouse.backend;

import java.time.Clock;
import java.time.Duration;

/**
 * Puts a container's metrics together: cgroup usage, disk usage, age and CPU entitlement.
 *
 * <p>The entitlement follows Guardian: a container is entitled to {@code perShare} percent of a CPU
 * for each of its shares, over its whole age. By default a share is worth the host's CPU capacity
 * divided evenly over its memory in MiB (cores * 100 / MiB percent), so a container's CPU
 * entitlement is proportional to the memory it could be given.
 */
public final class MetricsCollector {
    private final UsageMeter usage;
    private final DiskMeter disk;
    private final HostCapacity host;
    private final Clock clock;

    public MetricsCollector(UsageMeter usage, DiskMeter disk, HostCapacity host, Clock clock) {
        this.usage = usage;
        this.disk = disk;
        this.host = host;
        this.clock = clock;
    }

    public ContainerMetrics collect(Container container) {
        ContainerRecord record = container.record();
        Duration age = Duration.between(record.createdAt(), clock.instant());
        if (age.isNegative()) {
            age = Duration.ZERO;
        }
        long shares = shares(record.spec().limits());
        return new ContainerMetrics(
                usage.usage(container.handle()),
                disk.usage(container),
                age,
                entitlement(shares, entitlementPercentPerShare(), age));
    }

    /**
     * A pea's metrics, as Guardian gives them for its process id: its own cgroup's usage (nested in the
     * container's, or beside it with limits of its own), its age; its disk and CPU entitlement are the
     * container's business, so none.
     */
    public ContainerMetrics collectPea(ProcessTable.PeaCgroup pea) {
        Duration age = Duration.between(pea.started(), clock.instant());
        return new ContainerMetrics(usage.usage(pea.cgroup()), DiskUsage.NONE, age.isNegative() ? Duration.ZERO : age,
                0);
    }

    /** The shares the runtime gives the container's cgroup; none when no CPU limit was set. */
    static long shares(ResourceLimits limits) {
        long shares = limits.effectiveCpuShares();
        return shares > 0 ? Math.max(2, shares) : 0;
    }

    double entitlementPercentPerShare() {
        long mebibytes = host.memoryBytes() / (1024 * 1024);
        return mebibytes <= 0 ? 0 : host.cpuCores() * 100.0 / mebibytes;
    }

    static long entitlement(long shares, double percentPerShare, Duration age) {
        return (long) (shares * (percentPerShare / 100) * age.toNanos());
    }
}
