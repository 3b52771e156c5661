package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A container as its create steps see it: the request, its depot directory and what the steps made
 * so far. Steps run one at a time, so the mutable parts need no locking.
 */
final class Assembly {
    private final ContainerSpec spec;
    private final Path directory;
    private ContainerRecord record;
    private RootfsProvider.Rootfs rootfs;
    private int initPid;
    private List<BindMount> networkMounts = List.of();
    private ContainerNetwork network = ContainerNetwork.NONE;

    Assembly(ContainerSpec spec, Path directory, ContainerRecord record) {
        this.spec = spec;
        this.directory = directory;
        this.record = record;
    }

    String handle() {
        return spec.handle();
    }

    ContainerSpec spec() {
        return spec;
    }

    Path directory() {
        return directory;
    }

    /** The depot record; absent until the depot step wrote it (or, after a restart, if it never did). */
    Optional<ContainerRecord> record() {
        return Optional.ofNullable(record);
    }

    void record(ContainerRecord changed) {
        this.record = changed;
    }

    RootfsProvider.Rootfs rootfs() {
        if (rootfs == null) {
            throw new IllegalStateException("the rootfs step has not run for " + handle());
        }
        return rootfs;
    }

    void rootfs(RootfsProvider.Rootfs made) {
        this.rootfs = made;
    }

    /** Host pid of the container's init, once the runtime step started it; 0 before. */
    int initPid() {
        return initPid;
    }

    void initPid(int pid) {
        this.initPid = pid;
    }

    /** The network's files the bundle bind mounts (/etc/hosts, /etc/resolv.conf); peas share them. */
    List<BindMount> networkMounts() {
        return networkMounts;
    }

    void networkMounts(List<BindMount> mounts) {
        this.networkMounts = List.copyOf(mounts);
    }

    /** The container's addresses and mapped ports; {@link ContainerNetwork#NONE} until connected. */
    ContainerNetwork network() {
        return network;
    }

    void network(ContainerNetwork connected) {
        this.network = connected;
    }
}
