package io.greenhouse.backend;

import java.util.ArrayList;
import java.util.List;

/** A process table that records what the backend asks of it; running processes are just names. */
final class FakeProcesses implements ProcessTable {
    final List<String> calls = new ArrayList<>();
    final List<ProcessTarget> targets = new ArrayList<>();

    @Override
    public ContainerProcess run(ProcessTarget target, ProcessSpec spec) {
        calls.add("run " + target.handle() + " " + spec.path());
        targets.add(target);
        throw new GardenException("fake processes do not run");
    }

    @Override
    public ContainerProcess find(String handle, String processId) {
        throw new ProcessNotFoundException(processId);
    }

    @Override
    public List<String> runningIds(String handle) {
        return List.of();
    }

    @Override
    public void signalPeas(String handle, ProcessSignal signal) {
        calls.add("signal peas " + handle + " " + signal);
    }

    @Override
    public void pruneExpired() {
        calls.add("prune expired");
    }

    @Override
    public void reload(ProcessTarget target) {
        calls.add("reload " + target.handle());
    }

    @Override
    public void forget(String handle) {
        calls.add("forget " + handle);
    }

    @Override
    public void detachAll() {
        calls.add("detach all");
    }
}
