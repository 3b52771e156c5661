package io.greenhouse.backend;

import java.util.ArrayList;
import java.util.List;

/** Writes the container's bundle and starts its init with the OCI runtime. */
final class RuntimeStep implements CreateStep {
    private final ContainerRuntime runtime;
    private final Checkpointer checkpointer;

    RuntimeStep(ContainerRuntime runtime, Checkpointer checkpointer) {
        this.runtime = runtime;
        this.checkpointer = checkpointer;
    }

    @Override
    public String name() {
        return "runtime";
    }

    @Override
    public void make(Assembly container) {
        ContainerSpec spec = container.spec();
        RootfsProvider.Rootfs fs = container.rootfs();
        List<BindMount> mounts = new ArrayList<>(spec.bindMounts());
        mounts.addAll(container.networkMounts());
        runtime.start(new ContainerPlan(container.handle(), ContainerPlan.hostname(container.handle()),
                container.directory(), fs.path(), ContainerPlan.mergeEnv(fs.env(), spec.env()),
                mounts, spec.limits(), spec.privileged()));
        ContainerRuntime.RuntimeState state = runtime.state(container.handle());
        if (!state.running()) {
            throw new GardenException("container " + container.handle() + " did not stay running after start: "
                    + state.status().name().toLowerCase(java.util.Locale.ROOT));
        }
        container.initPid(state.pid());
    }

    @Override
    public void unmake(Assembly container) {
        runtime.delete(container.handle());
    }

    @Override
    public void restore(Assembly container) {
        ContainerRuntime.RuntimeState state = runtime.state(container.handle());
        switch (state.status()) {
            case RUNNING -> container.initPid(state.pid());
            case UNKNOWN -> throw new StateUnknownException("the runtime cannot tell the state of " + container.handle());
            // a checkpointed container has no runtime container: its processes are in the checkpoint
            case ABSENT -> {
                if (!checkpointer.checkpointed(container.directory())) {
                    throw new ContainerGoneException("the init of " + container.handle() + " is no longer running (absent)");
                }
            }
            default -> throw new ContainerGoneException("the init of " + container.handle() + " is no longer running ("
                    + state.status().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
    }
}
