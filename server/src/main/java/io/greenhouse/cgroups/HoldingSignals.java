package io.greenhouse.cgroups;

import io.greenhouse.backend.ContainerSignals;
import io.greenhouse.backend.ProcessSignal;

import java.time.Duration;

/** Brings a punished container's processes back to its own cgroup before they are signalled. */
public final class HoldingSignals implements ContainerSignals {
    private final ContainerSignals signals;
    private final CpuThrottler throttler;

    public HoldingSignals(ContainerSignals signals, CpuThrottler throttler) {
        this.signals = signals;
        this.throttler = throttler;
    }

    @Override
    public void signalAllBut(String handle, int spared, ProcessSignal signal) {
        throttler.hold(handle);
        signals.signalAllBut(handle, spared, signal);
    }

    @Override
    public boolean awaitOnly(String handle, int spared, Duration timeout) {
        return signals.awaitOnly(handle, spared, timeout);
    }
}
