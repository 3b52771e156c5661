package io.greenhouse.backend;

/** What the host offers to containers. */
public interface HostCapacity {
    long memoryBytes();

    /** Size of the filesystem that holds the depot. */
    long diskBytes();
}
