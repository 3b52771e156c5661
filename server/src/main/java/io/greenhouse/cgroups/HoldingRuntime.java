package io.greenhouse.cgroups;

import io.greenhouse.backend.ContainerPlan;
import io.greenhouse.backend.ContainerRuntime;

import java.util.Set;

/**
 * Brings a punished container's processes back to its own cgroup before the runtime deletes it
 * (on cgroup v2 the runtime kills what its cgroup holds), and lets a new container of a reused
 * handle be checked at once.
 */
public final class HoldingRuntime implements ContainerRuntime {
    private final ContainerRuntime runtime;
    private final CpuThrottler throttler;

    public HoldingRuntime(ContainerRuntime runtime, CpuThrottler throttler) {
        this.runtime = runtime;
        this.throttler = throttler;
    }

    @Override
    public void start(ContainerPlan plan) {
        throttler.forget(plan.handle());
        runtime.start(plan);
    }

    @Override
    public RuntimeState state(String handle) {
        return runtime.state(handle);
    }

    @Override
    public void delete(String handle) {
        throttler.hold(handle);
        runtime.delete(handle);
    }

    @Override
    public Set<String> handles() {
        return runtime.handles();
    }
}
