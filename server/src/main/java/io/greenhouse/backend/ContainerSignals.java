package io.greenhouse.backend;

import java.time.Duration;

/**
 * Signals the processes of a container through its cgroup (and the cgroups nested in it), so a
 * stop reaches every process, whoever started it, without asking the runtime for a process list.
 */
public interface ContainerSignals {

    /**
     * Sends the signal to every process of the container but {@code spared} (its init). The cgroup
     * is frozen meanwhile, so no process can fork a child that escapes the signal. With
     * {@link ProcessSignal#KILL}, nested cgroups (peas) are killed whole.
     */
    void signalAllBut(String handle, int spared, ProcessSignal signal);

    /** Waits until no process but {@code spared} is left; false when the time ran out first. */
    boolean awaitOnly(String handle, int spared, Duration timeout);
}
