package io.greenhouse.cgroups;

import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.MetricsCollector;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Guardian's CPU throttling check, run every interval: a container that has used more CPU time
 * over its life than its entitlement goes to the bad cgroup, any other comes (back) to the good one;
 * then the shares are balanced between the two and the bad cgroups of destroyed containers removed.
 *
 * <p>A container being stopped or destroyed is released first and left alone for a while
 * ({@link #hold}): on cgroup v2 its punished processes would otherwise sit outside the cgroup that
 * signals and the runtime's delete reach.
 */
public final class CpuThrottler implements Runnable {
    private static final Logger LOG = Logger.getLogger(CpuThrottler.class.getName());
    static final Duration HOLD = Duration.ofSeconds(30);

    private final Supplier<List<String>> handles;
    private final Function<String, Optional<MetricsCollector.CpuStanding>> standings;
    private final CpuEnforcer enforcer;
    private final SharesBalancer balancer;
    private final Supplier<Long> totalMemoryBytes;
    private final double multiplier;
    private final Clock clock;
    private final Map<String, Instant> held = new ConcurrentHashMap<>();
    private final Set<String> punished = ConcurrentHashMap.newKeySet();

    /**
     * @param handles   the cell's containers
     * @param standings a container's CPU usage and entitlement; empty when it is gone
     */
    public CpuThrottler(Supplier<List<String>> handles,
                        Function<String, Optional<MetricsCollector.CpuStanding>> standings,
                        CpuEnforcer enforcer, SharesBalancer balancer,
                        Supplier<Long> totalMemoryBytes, double multiplier, Clock clock) {
        this.handles = handles;
        this.standings = standings;
        this.enforcer = enforcer;
        this.balancer = balancer;
        this.totalMemoryBytes = totalMemoryBytes;
        this.multiplier = multiplier;
        this.clock = clock;
    }

    /** Guardian's multiplier: the configured entitlement per share over the host's default one. */
    public static double multiplier(double configuredPerShare, double defaultPerShare) {
        if (configuredPerShare <= 0 || defaultPerShare <= 0) {
            return 1;
        }
        return configuredPerShare / defaultPerShare;
    }

    @Override
    public synchronized void run() {
        List<String> live = handles.get();
        for (String handle : live) {
            try {
                check(handle);
            } catch (IOException | GardenException e) {
                LOG.log(Level.FINE, "throttling check of " + handle + " skipped: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "throttling check of " + handle + " failed: " + e, e);
            }
        }
        try {
            SharesBalancer.Split split = balancer.balance(totalMemoryBytes.get(), multiplier);
            LOG.fine(() -> "cpu shares: good " + split.good() + ", bad " + split.bad());
            Set<String> liveSet = new HashSet<>(live);
            for (String gone : enforcer.removeOrphans(liveSet)) {
                punished.remove(gone);
                held.remove(gone);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cpu shares balancing failed: " + e, e);
        }
    }

    private void check(String handle) throws IOException {
        Instant until = held.get(handle);
        if (until != null) {
            if (clock.instant().isBefore(until)) {
                return;
            }
            held.remove(handle, until);
        }
        Optional<MetricsCollector.CpuStanding> found = standings.apply(handle);
        if (found.isEmpty()) {
            return;
        }
        MetricsCollector.CpuStanding standing = found.get();
        if (standing.over()) {
            enforcer.punish(handle);
            if (punished.add(handle)) {
                LOG.info(() -> "container " + handle + " over its CPU entitlement (" + standing.usageNanos()
                        + " ns used, " + standing.entitlementNanos() + " ns entitled): moved to the bad cgroup");
            }
        } else {
            enforcer.release(handle);
            if (punished.remove(handle)) {
                LOG.info(() -> "container " + handle + " back within its CPU entitlement: moved to the good cgroup");
            }
        }
    }

    /**
     * Moves the container's processes back to its good cgroup and leaves it there for a while, so a
     * stop or destroy reaches them all.
     */
    public synchronized void hold(String handle) {
        held.put(handle, clock.instant().plus(HOLD));
        try {
            enforcer.release(handle);
            punished.remove(handle);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "releasing " + handle + " from the bad cgroup failed: " + e, e);
        }
    }

    /** A created container (a handle may be reused) is checked from the next round on. */
    public void forget(String handle) {
        held.remove(handle);
    }
}
