package io.greenhouse.backend;

import java.util.Set;

/** Runs containers with an OCI runtime: one long-lived init per container, processes exec'd into it. */
public interface ContainerRuntime {

    /** Writes the container's bundle and starts its init; on failure nothing of the runtime's is left. */
    void start(ContainerPlan plan);

    /**
     * The container's state. A query that fails or times out is {@link RuntimeState.Status#UNKNOWN},
     * never {@link RuntimeState.Status#ABSENT}: absent means the runtime definitely has no such
     * container, and only that lets a caller remove what is left of it.
     */
    RuntimeState state(String handle);

    /** Removes the runtime's container (killing what still runs) and its cgroups; absent is fine. */
    void delete(String handle);

    /** Handles of every container the runtime knows under this cell's runtime root. */
    Set<String> handles();

    record RuntimeState(Status status, int pid) {
        public static final RuntimeState ABSENT = new RuntimeState(Status.ABSENT, 0);
        public static final RuntimeState UNKNOWN = new RuntimeState(Status.UNKNOWN, 0);

        public enum Status { CREATED, RUNNING, PAUSED, STOPPED, ABSENT, UNKNOWN }

        public boolean running() {
            return status == Status.RUNNING;
        }
    }
}
