package io.greenhouse.cgroups;

import io.greenhouse.backend.ContainerRuntime;
import io.greenhouse.backend.ContainerSignals;

import java.time.Duration;
import java.util.Optional;

/**
 * CPU throttling as the wiring sees it: off (nothing wrapped, nothing scheduled), or a throttler
 * run every interval whose hold wraps the signals and the runtime.
 */
public final class CpuThrottling {
    private final CpuThrottler throttler;
    private final Duration interval;

    private CpuThrottling(CpuThrottler throttler, Duration interval) {
        this.throttler = throttler;
        this.interval = interval;
    }

    public static CpuThrottling off() {
        return new CpuThrottling(null, Duration.ZERO);
    }

    public static CpuThrottling on(CpuThrottler throttler, Duration interval) {
        return new CpuThrottling(throttler, interval);
    }

    public Optional<CpuThrottler> throttler() {
        return Optional.ofNullable(throttler);
    }

    public Duration interval() {
        return interval;
    }

    public ContainerSignals signals(ContainerSignals signals) {
        return throttler == null ? signals : new HoldingSignals(signals, throttler);
    }

    public ContainerRuntime runtime(ContainerRuntime runtime) {
        return throttler == null ? runtime : new HoldingRuntime(runtime, throttler);
    }
}
