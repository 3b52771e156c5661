package io.greenhouse.backend;

import java.util.Set;

/** Runs containers with an OCI runtime: one long-lived init per container, processes exec'd into it. */
public interface ContainerRuntime {

    /** Writes the container's bundle and starts its init; on failure nothing of the runtime's is left. */
    void start(ContainerPlan plan);

    RuntimeState state(String handle);

    /** Removes the runtime's container (killing what still runs) and its cgroups; absent is fine. */
    void delete(String handle);

    /** Handles of every container the runtime knows under this cell's runtime root. */
    Set<String> handles();

    record RuntimeState(Status status, int pid) {
        public static final RuntimeState ABSENT = new RuntimeState(Status.ABSENT, 0);

        public enum Status { CREATED, RUNNING, PAUSED, STOPPED, ABSENT }

        public boolean running() {
            return status == Status.RUNNING;
        }
    }
}
