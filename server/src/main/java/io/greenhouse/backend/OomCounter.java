package io.greenhouse.backend;

/**
 * How many of a container's processes the kernel has killed for want of memory. The count lives
 * in the container's cgroup, so it survives a restart of the server and needs no watcher.
 */
public interface OomCounter {
    /** For cells and tests that report no OOM events. */
    OomCounter NONE = handle -> 0;

    /** 0 when there were none, or the container has no cgroup (any more) to tell. */
    long oomKills(String handle);
}
