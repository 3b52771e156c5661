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
    /** Percent of a CPU per share; zero or less: the host's default (cores * 100 / MiB). */
    private final double perShare;
    /** The host's memory and cores do not change while the cell runs: read once, not per container. */
    private volatile double hostPerShare = -1;

    public MetricsCollector(UsageMeter usage, DiskMeter disk, HostCapacity host, Clock clock) {
        this(usage, disk, host, clock, 0);
    }

    public MetricsCollector(UsageMeter usage, DiskMeter disk, HostCapacity host, Clock clock, double perShare) {
        this.usage = usage;
        this.disk = disk;
        this.host = host;
        this.clock = clock;
        this.perShare = perShare;
    }

    public ContainerMetrics collect(Container container) {
        ContainerRecord record = container.record();
        Duration age = Duration.between(record.createdAt(), clock.instant());
        if (age.isNegative()) {
            age = Duration.ZERO;
        }
        return new ContainerMetrics(
                usage.usage(container.handle()),
                disk.usage(container),
                age,
                entitlement(shares(record.spec().limits()), entitlementPercentPerShare(), age));
    }

    /** The CPU usage and entitlement alone (no disk), for the throttling check. */
    public CpuStanding cpuStanding(Container container) {
        ContainerRecord record = container.record();
        Duration age = Duration.between(record.createdAt(), clock.instant());
        long entitlement = entitlement(shares(record.spec().limits()), entitlementPercentPerShare(),
                age.isNegative() ? Duration.ZERO : age);
        return new CpuStanding(usage.usage(container.handle()).cpuUsageNanos(), entitlement);
    }

    /** CPU nanoseconds used and entitled to, over the container's age. */
    public record CpuStanding(long usageNanos, long entitlementNanos) {
        public boolean over() {
            return entitlementNanos < usageNanos;
        }
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
        if (perShare > 0) {
            return perShare;
        }
        double cached = hostPerShare;
        if (cached < 0) {
            cached = defaultPercentPerShare(host);
            hostPerShare = cached;
        }
        return cached;
    }

    /** Guardian's default: the host's CPU spread over its memory, cores * 100 / MiB percent per share. */
    public static double defaultPercentPerShare(HostCapacity host) {
        long mebibytes = host.memoryBytes() / (1024 * 1024);
        return mebibytes <= 0 ? 0 : host.cpuCores() * 100.0 / mebibytes;
    }

    static long entitlement(long shares, double percentPerShare, Duration age) {
        return (long) (shares * (percentPerShare / 100) * age.toNanos());
    }
}
