package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Gives containers their network: an address on a host bridge, port mappings in (NetIn), egress
 * rules out (NetOut), a bandwidth limit, and the /etc/hosts and /etc/resolv.conf they see. What it
 * makes for a container it records in the container's depot directory, so it can be served and
 * undone after a restart of the server.
 */
public interface Networker {

    /**
     * Makes (if missing) the files the container's /etc/hosts and /etc/resolv.conf are bind mounted
     * from, in its depot directory, and returns those mounts; called before the runtime starts the
     * container and again when it is reloaded (peas of the container mount the same files).
     */
    List<BindMount> prepare(String handle, Path containerDirectory);

    /**
     * Connects the container whose init runs as {@code initPid}: an address, its bridge and veth,
     * its firewall chains, the requested port mappings, egress rules and bandwidth limit, and the
     * contents of the prepared files. On failure nothing of it is left and its address and ports
     * are free again.
     */
    ContainerNetwork connect(String handle, NetworkRequest request, int initPid, Path containerDirectory);

    /** Maps a host port to a container port (0: from the pool; 0: the host port); returns the mapping. */
    ContainerInfo.PortMapping netIn(String handle, Path containerDirectory, long hostPort, long containerPort);

    /** Allows more egress; applies at once, in one transaction however many rules there are. */
    void netOut(String handle, Path containerDirectory, List<NetOutRule> rules);

    /** Every egress rule the container was given, at create and since, oldest first (from its saved state). */
    default List<NetOutRule> egressRules(String handle, Path containerDirectory) {
        return List.of();
    }

    /**
     * Takes the container's veth pair away, keeping its address, ports, chains and saved state:
     * before criu dumps a network namespace of its own (a veth whose peer is on the host cannot
     * be dumped). {@link #replug} gives it back. Nothing by default (no veth).
     */
    default void unplug(String handle, Path containerDirectory) {
    }

    /** Gives the container's init at {@code initPid} (restored, or still running) its veth, address, route and bandwidth limit again. */
    default void replug(String handle, Path containerDirectory, int initPid) {
    }

    /** Removes everything of the container's network and frees its address and ports; safe when nothing or part exists. */
    void disconnect(String handle, Path containerDirectory);

    /** After a restart: takes back the address and ports the container holds, from its saved state; empty if none was saved. */
    Optional<ContainerNetwork> restore(String handle, Path containerDirectory);

    /** Removes what containers the networker does not know (not connected nor restored) left on the host. */
    void prune();

    /** How many containers the address pool can hold. */
    int capacity();
}
