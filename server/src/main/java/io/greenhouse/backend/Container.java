package io.greenhouse.backend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A live container as the API sees it. Its metadata is written to the depot on every change, so
 * what a client set survives a restart.
 */
public final class Container {
    private final Path directory;
    private final Path rootfs;
    private final ContainerStore store;
    private final ContainerRuntime runtime;
    private final ContainerSignals signals;
    private final GraceTimeReaper reaper;
    private final ProcessTable processes;
    private final Duration stopTimeout;
    private final boolean unifiedCgroups;
    private ContainerRecord record;
    // Networking (issue 9): the networker, the container's addresses and mapped ports, and the
    // network's bind mounts (/etc/hosts, /etc/resolv.conf) that its peas share.
    private final Networker networker;
    private final List<BindMount> networkMounts;
    private volatile ContainerNetwork network;
    private final Object networkLock = new Object();
    private final OomCounter oomKills;
    /** Its processes are in a checkpoint, not running (issue 16). */
    private volatile boolean checkpointed;

    /** The event Guardian reports (Diego's executor accepts it and "out of memory"). */
    static final String OUT_OF_MEMORY = "Out of memory";

    Container(ContainerRecord record, Path directory, Path rootfs, ContainerStore store, ContainerRuntime runtime,
              ContainerSignals signals, GraceTimeReaper reaper, ProcessTable processes, Duration stopTimeout,
              boolean unifiedCgroups, Networker networker, ContainerNetwork network, List<BindMount> networkMounts,
              OomCounter oomKills) {
        this.oomKills = oomKills;
        this.networker = networker;
        this.network = network;
        this.networkMounts = List.copyOf(networkMounts);
        this.record = record;
        this.directory = directory;
        this.rootfs = rootfs;
        this.store = store;
        this.runtime = runtime;
        this.signals = signals;
        this.reaper = reaper;
        this.processes = processes;
        this.stopTimeout = stopTimeout;
        this.unifiedCgroups = unifiedCgroups;
    }

    public String handle() {
        return record.handle();
    }

    public Path directory() {
        return directory;
    }

    public synchronized ContainerRecord record() {
        return record;
    }

    public ContainerInfo info() {
        ContainerRecord r = record();
        ContainerNetwork n = network;
        return new ContainerInfo(
                checkpointed ? "checkpointed" : r.stopped() ? "stopped" : "active",
                events(),
                n.hostIp(), n.containerIp(), n.externalIp(),
                directory.toString(),
                processes.runningIds(handle()),
                properties(),
                n.mappedPorts());
    }

    /** Garden's events: only "Out of memory", once any process of the container was OOM-killed. */
    private List<String> events() {
        return oomKills.oomKills(handle()) > 0 ? List.of(OUT_OF_MEMORY) : List.of();
    }

    /** Maps a host port to a container port (Garden's NetIn); 0 picks from the port pool / the host port. */
    public ContainerInfo.PortMapping netIn(long hostPort, long containerPort) {
        synchronized (networkLock) {
            ContainerInfo.PortMapping mapping = networker.netIn(handle(), directory, hostPort, containerPort);
            network = network.withMappedPort(mapping);
            return mapping;
        }
    }

    /** Allows egress (Garden's NetOut and BulkNetOut), at once, in one transaction. */
    public void netOut(List<NetOutRule> rules) {
        networker.netOut(handle(), directory, rules);
    }

    /** What the process table needs to run processes in this container. */
    public ProcessTarget processTarget() {
        ContainerRecord r = record();
        return new ProcessTarget(handle(), directory, rootfs,
                ContainerPlan.mergeEnv(r.rootfsEnv(), r.spec().env()), r.spec().privileged(), networkMounts);
    }

    public ContainerProcess run(ProcessSpec spec) {
        if (checkpointed) {
            throw new GardenException("cannot run a process in checkpointed container " + handle() + ": restore it first");
        }
        if (record().stopped()) {
            throw new GardenException("cannot run a process in stopped container " + handle());
        }
        if (record().phase() == ContainerRecord.Phase.DESTROYING) {
            throw new GardenException("cannot run a process in container " + handle() + ": it is being destroyed");
        }
        return processes.run(processTarget(), spec);
    }

    public ContainerProcess attach(String processId) {
        return processes.find(handle(), processId);
    }

    /**
     * Stops every process but the container's init, as Guardian does: SIGTERM, then SIGKILL for
     * whatever is left after the stop timeout (or SIGKILL at once). The container stays until
     * destroyed, in state "stopped".
     */
    public void stop(boolean kill) {
        if (checkpointed) {
            throw new GardenException("cannot stop checkpointed container " + handle() + ": restore it first");
        }
        int init = runtime.state(handle()).pid();
        ProcessSignal first = kill ? ProcessSignal.KILL : ProcessSignal.TERMINATE;
        // Everything in the container's cgroup (nested peas included) is reached there; peas with
        // limits of their own live in a cgroup beside it, so they are signalled as processes.
        signals.signalAllBut(handle(), init, first);
        processes.signalPeas(handle(), first);
        if (!kill && !signals.awaitOnly(handle(), init, stopTimeout)) {
            signals.signalAllBut(handle(), init, ProcessSignal.KILL);
            processes.signalPeas(handle(), ProcessSignal.KILL);
            signals.awaitOnly(handle(), init, Duration.ofSeconds(5));
        }
        update(record().withStopped(true));
    }

    /** The client's properties and, as Guardian lists them, the network's (garden.network.*). */
    public Map<String, String> properties() {
        Map<String, String> props = record().properties();
        ContainerNetwork n = network;
        if (n.containerIp().isEmpty()) {
            return props;
        }
        Map<String, String> all = new HashMap<>(props);
        all.put("garden.network.container-ip", n.containerIp());
        all.put("garden.network.host-ip", n.hostIp());
        all.put("garden.network.external-ip", n.externalIp());
        all.put("garden.network.mapped-ports", n.mappedPorts().stream()
                .map(m -> "{\"HostPort\":" + m.hostPort() + ",\"ContainerPort\":" + m.containerPort() + "}")
                .collect(java.util.stream.Collectors.joining(",", "[", "]")));
        return all;
    }

    public String property(String key) {
        String value = properties().get(key);
        if (value == null) {
            throw new GardenException("property does not exist: " + key);
        }
        return value;
    }

    public synchronized void setProperty(String key, String value) {
        Map<String, String> props = new HashMap<>(record.properties());
        props.put(key, value == null ? "" : value);
        update(record.withProperties(props));
    }

    /** Removing a property that is not there is no error, as in Guardian. */
    public synchronized void removeProperty(String key) {
        if (!record.properties().containsKey(key)) {
            return;
        }
        Map<String, String> props = new HashMap<>(record.properties());
        props.remove(key);
        update(record.withProperties(props));
    }

    public synchronized void setGraceTime(Duration graceTime) {
        update(record.withGraceTime(graceTime));
        reaper.setGraceTime(handle(), graceTime);
    }

    public ResourceLimits limits() {
        return record().spec().limits();
    }

    /**
     * The CPU limit as Guardian reports it: the shares the cgroup was given (a CPU weight request
     * included), as a v2 weight on cgroup v2.
     */
    public long cpuLimitInShares() {
        return CpuShares.reported(limits(), unifiedCgroups);
    }

    public boolean checkpointed() {
        return checkpointed;
    }

    void checkpointed(boolean value) {
        checkpointed = value;
    }

    /** Recorded before the first destroy step, so a crash in the middle is finished on reload. */
    synchronized void markDestroying() {
        update(record.withPhase(ContainerRecord.Phase.DESTROYING));
    }

    private synchronized void update(ContainerRecord changed) {
        store.save(changed);
        record = changed;
    }
}
