package io.greenhouse.backend;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** An OCI runtime that records the plans it was given; can be told to fail to start. */
final class FakeRuntime implements ContainerRuntime {
    final Map<String, ContainerPlan> running = new HashMap<>();
    final Set<String> deleted = new HashSet<>();
    RuntimeException startFailure;
    /** How many of the next state queries cannot be answered (as when runc times out). */
    int unknownStates;

    @Override
    public void start(ContainerPlan plan) {
        if (startFailure != null) {
            throw startFailure;
        }
        running.put(plan.handle(), plan);
    }

    @Override
    public RuntimeState state(String handle) {
        if (unknownStates > 0) {
            unknownStates--;
            return RuntimeState.UNKNOWN;
        }
        return running.containsKey(handle) ? new RuntimeState(RuntimeState.Status.RUNNING, 42) : RuntimeState.ABSENT;
    }

    @Override
    public void delete(String handle) {
        running.remove(handle);
        deleted.add(handle);
    }

    @Override
    public Set<String> handles() {
        return new HashSet<>(running.keySet());
    }
}
