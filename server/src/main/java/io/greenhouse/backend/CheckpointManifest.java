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
 */
public record CheckpointManifest(int version, ContainerRecord record, List<ContainerInfo.PortMapping> netIn,
                                 List<NetOutRule> netOut) {
    public static final int VERSION = 1;

    public CheckpointManifest {
        netIn = netIn == null ? List.of() : List.copyOf(netIn);
        netOut = netOut == null ? List.of() : List.copyOf(netOut);
    }
}
