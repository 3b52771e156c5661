package io.greenhouse.backend;

/** What the host offers to containers. */
public interface HostCapacity {
    long memoryBytes();

    /** CPUs the host offers; CPU entitlement is shared out over them. */
    default int cpuCores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Size of the filesystem that holds the depot. */
    long diskBytes();
}
