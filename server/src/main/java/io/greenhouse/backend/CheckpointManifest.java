package io.greenhouse.backend;

import java.util.List;

/**
 * What a checkpoint archive says about the container it carries, besides its dump and writable
 * layer: enough for another cell with the same image to make the container again.
 *
 * @param version  {@link #VERSION}; another is refused
 * @param record   the container's depot record: spec (never with credentials), properties, grace time
 * @param netIn    its port mappings when it was exported; the other cell maps the same container
 *                 ports from its own port pool
 * @param netOut   every egress rule it was given (at create and since)
 * @param keptProcesses its processes run under keepers ({@link Checkpointer#PROCESSES_PROPERTY}),
 *                 which the other cell gives monitors of its own before the restore; absent in
 *                 archives from cells before them
 */
public record CheckpointManifest(int version, ContainerRecord record, List<ContainerInfo.PortMapping> netIn,
                                 List<NetOutRule> netOut, List<KeptProcess> keptProcesses) {
    public static final int VERSION = 1;
    /** More kept processes than this in a manifest are refused (a container's pid limit is far below). */
    public static final int MAX_KEPT_PROCESSES = 10_000;

    public CheckpointManifest {
        netIn = netIn == null ? List.of() : List.copyOf(netIn);
        netOut = netOut == null ? List.of() : List.copyOf(netOut);
        keptProcesses = keptProcesses == null ? List.of() : List.copyOf(keptProcesses);
    }

    // no second constructor: JSON-B makes records through their one canonical constructor

    /**
     * A process of the container that runs under a keeper: its Garden process ID and the host ids
     * its FIFOs belong to (the same on every cell: both map the container's users alike).
     */
    public record KeptProcess(String id, long uid, long gid) {
    }
}
