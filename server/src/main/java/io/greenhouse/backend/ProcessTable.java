package io.greenhouse.backend;

import java.util.List;

/** Runs processes in containers and keeps track of them, across restarts of the server. */
public interface ProcessTable {

    /** The container's processes that run under keepers, for a checkpoint archive; none by default. */
    default java.util.List<CheckpointManifest.KeptProcess> keptProcesses(ProcessTarget target) {
        return java.util.List.of();
    }

    /**
     * Gives each kept process of an imported (checkpointed) container a monitor holding its FIFOs,
     * so that the restore finds them and clients attach by the process IDs they had.
     */
    default void adoptKept(ProcessTarget target, java.util.List<CheckpointManifest.KeptProcess> kept) {
        if (!kept.isEmpty()) {
            throw new GardenException("this cell cannot adopt kept processes");
        }
    }

    /** Starts a process; returns once it runs (or throws why it could not start). */
    ContainerProcess run(ProcessTarget target, ProcessSpec spec);

    /** A process of the container, running or exited. */
    ContainerProcess find(String handle, String processId);

    /** Ids of the container's processes that have not exited. */
    List<String> runningIds(String handle);

    /**
     * Signals the container's running peas. A stop reaches everything in the container's cgroup;
     * a pea with limits of its own runs in a cgroup beside it, out of that reach.
     */
    void signalPeas(String handle, ProcessSignal signal);

    /**
     * The cgroup of the running pea with this process id, in whichever container, relative to the
     * cell's cgroup parent ({@code HANDLE/PEA} when it shares the container's limits, {@code PEA}
     * with its own): Garden's bulk_metrics answers for a pea's process id as for a container.
     */
    default java.util.Optional<PeaCgroup> peaCgroup(String processId) {
        return java.util.Optional.empty();
    }

    /** Where a pea's usage is read, and when it started (its age). */
    record PeaCgroup(String containerHandle, String cgroup, java.time.Instant started) {
    }

    /**
     * Drops finished processes whose exit no client received within the retention (those whose
     * exit was received go at once); called periodically.
     */
    void pruneExpired();

    /** Picks up the processes a previous run of the server left in the container. */
    void reload(ProcessTarget target);

    /** Called once the container is gone: drop every process record and free what they hold. */
    void forget(String handle);

    /** The server is stopping: let go of every process, leaving them running. */
    void detachAll();
}
