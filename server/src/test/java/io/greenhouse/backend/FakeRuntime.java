package io.greenhouse.backend;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An OCI runtime that records the plans it was given; can be told to fail to start. Like runC, a
 * container whose processes are killed (SIGTERM ends the init too) stays, stopped, until deleted.
 * Keeps ContainerRuntimeContract (FakeRuntimeTest).
 */
final class FakeRuntime implements ContainerRuntime {
    private static final int PID = 42;

    /** Every container the runtime holds, running or stopped, by handle. */
    final Map<String, ContainerPlan> running = new HashMap<>();
    final Set<String> stopped = new HashSet<>();
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
        stopped.remove(plan.handle());
    }

    @Override
    public RuntimeState state(String handle) {
        if (unknownStates > 0) {
            unknownStates--;
            return RuntimeState.UNKNOWN;
        }
        if (!running.containsKey(handle)) {
            return RuntimeState.ABSENT;
        }
        return stopped.contains(handle) ? new RuntimeState(RuntimeState.Status.STOPPED, 0)
                : new RuntimeState(RuntimeState.Status.RUNNING, PID);
    }

    @Override
    public void delete(String handle) {
        running.remove(handle);
        stopped.remove(handle);
        deleted.add(handle);
    }

    @Override
    public Set<String> handles() {
        return new HashSet<>(running.keySet());
    }
}
