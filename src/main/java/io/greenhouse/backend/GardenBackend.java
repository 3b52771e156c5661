package io.greenhouse.backend;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Garden backend: creates, finds and destroys containers by orchestrating the depot, the root
 * filesystem, the OCI runtime and the process table. The API layer knows only this class.
 */
public final class GardenBackend {
    private static final Logger LOG = Logger.getLogger(GardenBackend.class.getName());

    private final ContainerStore store;
    private final RootfsProvider rootfs;
    private final ContainerRuntime runtime;
    private final ProcessTable processes;
    private final HostCapacity host;
    private final CellSettings settings;
    private final GraceTimeReaper reaper;
    private final MetricsCollector metrics;
    private final ContainerEvents events;
    private final Networker networker;

    /** Live containers by handle. A handle being created or destroyed is held in {@link #busy}. */
    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    private final Map<String, String> busy = new ConcurrentHashMap<>();
    private volatile boolean ready;

    public GardenBackend(ContainerStore store, RootfsProvider rootfs, ContainerRuntime runtime,
                         ProcessTable processes, HostCapacity host, CellSettings settings, Clock clock,
                         MetricsCollector metrics, ContainerEvents events, Networker networker) {
        this.events = events;
        this.networker = networker;
        this.store = store;
        this.rootfs = rootfs;
        this.runtime = runtime;
        this.processes = processes;
        this.host = host;
        this.settings = settings;
        this.reaper = new GraceTimeReaper(clock);
        this.metrics = metrics;
    }

    public void ping() {
        if (!ready) {
            throw new ServiceUnavailableException("greenhouse is starting: containers are being reloaded");
        }
    }

    public Capacity capacity() {
        long disk = host.diskBytes();
        return new Capacity(host.memoryBytes(), disk, disk, maxContainers());
    }

    /** The configured maximum, bounded by how many containers the network's address pool holds. */
    private int maxContainers() {
        return Math.min(settings.maxContainers(), networker.capacity());
    }

    public Container create(ContainerSpec requested) {
        long started = System.nanoTime();
        try {
            Container created = createContainer(requested);
            events.created(created.handle(), since(started));
            return created;
        } catch (RuntimeException e) {
            events.createFailed(since(started));
            throw e;
        }
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private Container createContainer(ContainerSpec requested) {
        String handle = requested.handle() == null || requested.handle().isEmpty()
                ? Handles.generate() : Handles.validate(requested.handle());
        ContainerSpec spec = requested.withHandle(handle);
        if (spec.graceTime().isZero()) {
            spec = spec.withGraceTime(settings.defaultGraceTime());
        }
        if (containers.containsKey(handle) || busy.putIfAbsent(handle, "creating") != null) {
            throw new GardenException("Handle '" + handle + "' already in use");
        }
        try {
            if (containers.containsKey(handle)) {
                throw new GardenException("Handle '" + handle + "' already in use");
            }
            if (containers.size() >= maxContainers()) {
                throw new GardenException("max containers reached");
            }
            Container container = build(spec);
            containers.put(handle, container);
            reaper.track(handle, spec.graceTime());
            return container;
        } finally {
            busy.remove(handle, "creating");
        }
    }

    private Container build(ContainerSpec spec) {
        String handle = spec.handle();
        Path directory = store.create(handle);
        try {
            RootfsProvider.Rootfs fs = rootfs.create(handle, spec.image(), directory);
            ContainerRecord record = new ContainerRecord(spec, spec.properties(), spec.graceTime(),
                    java.time.Instant.now(), fs.env(), false);
            store.save(record);
            // Networking (issue 9): /etc/hosts and /etc/resolv.conf are bind mounted from files the
            // networker prepares; once the init runs, it connects the init's network namespace.
            List<BindMount> networkMounts = networker.prepare(handle, directory);
            List<BindMount> mounts = new ArrayList<>(spec.bindMounts());
            mounts.addAll(networkMounts);
            runtime.start(new ContainerPlan(handle, hostname(handle), directory, fs.path(),
                    mergeEnv(fs.env(), spec.env()), mounts, spec.limits(), spec.privileged()));
            ContainerNetwork network = networker.connect(handle, NetworkRequest.of(spec),
                    runtime.state(handle).pid(), directory);
            return newContainer(record, directory, network, networkMounts);
        } catch (RuntimeException e) {
            cleanUp(handle);
            throw e;
        }
    }

    /** Image env first, then the spec's; a later entry for the same name wins. */
    static List<String> mergeEnv(List<String> base, List<String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (List<String> list : List.of(base, overrides)) {
            for (String entry : list) {
                int eq = entry.indexOf('=');
                merged.put(eq < 0 ? entry : entry.substring(0, eq), entry);
            }
        }
        return List.copyOf(merged.values());
    }

    /** Linux host names are short; like Guardian, long handles keep their (more unique) tail. */
    static String hostname(String handle) {
        return handle.length() > 49 ? handle.substring(handle.length() - 49) : handle;
    }

    public Container lookup(String handle) {
        Container c = handle == null ? null : containers.get(handle);
        if (c == null) {
            throw new ContainerNotFoundException(handle);
        }
        reaper.touch(handle);
        return c;
    }

    public ContainerProcess run(String handle, ProcessSpec spec) {
        return lookup(handle).run(spec);
    }

    public ContainerProcess attach(String handle, String processId) {
        return lookup(handle).attach(processId);
    }

    /** The server is stopping: clients are let go of, containers and their processes keep running. */
    public void detachAll() {
        ready = false;
        processes.detachAll();
    }

    /** Keeps the grace-time clock still while a client is using the container. */
    public GraceTimeReaper.Activity activity(String handle) {
        return reaper.hold(handle);
    }

    public void destroy(String handle) {
        if (handle == null || !containers.containsKey(handle)) {
            throw new ContainerNotFoundException(handle);
        }
        if (busy.putIfAbsent(handle, "destroying") != null) {
            throw new GardenException("container already being destroyed");
        }
        try {
            if (!containers.containsKey(handle)) {
                throw new ContainerNotFoundException(handle);
            }
            long started = System.nanoTime();
            reaper.forget(handle);
            cleanUp(handle);
            containers.remove(handle);
            events.destroyed(handle, since(started));
        } finally {
            busy.remove(handle, "destroying");
        }
    }

    /** Removes every trace of a container; each step tolerates the ones before having failed. */
    private void cleanUp(String handle) {
        List<RuntimeException> failures = new ArrayList<>();
        Path directory = store.directory(handle);
        runStep(failures, () -> runtime.delete(handle));
        runStep(failures, () -> processes.forget(handle));
        runStep(failures, () -> networker.disconnect(handle, directory));
        runStep(failures, () -> rootfs.destroy(handle, directory));
        if (failures.isEmpty()) {
            runStep(failures, () -> store.remove(handle));
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw new GardenException("destroying " + handle + ": " + first.getMessage(), first);
        }
    }

    private static void runStep(List<RuntimeException> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    public ContainerMetrics metrics(Container container) {
        return metrics.collect(container);
    }

    public List<String> handles(Map<String, String> filter) {
        return containers.values().stream()
                .filter(c -> matches(c.properties(), filter))
                .map(Container::handle)
                .sorted()
                .toList();
    }

    static boolean matches(Map<String, String> properties, Map<String, String> filter) {
        return filter.entrySet().stream().allMatch(e -> e.getValue().equals(properties.get(e.getKey())));
    }

    public <T> Map<String, Result<T>> bulk(List<String> handles, Function<Container, T> read) {
        Map<String, Result<T>> out = new LinkedHashMap<>();
        for (String handle : handles) {
            try {
                out.put(handle, Result.of(read.apply(lookup(handle))));
            } catch (GardenException e) {
                out.put(handle, Result.failed(e));
            } catch (RuntimeException e) {
                out.put(handle, Result.failed(new GardenException(String.valueOf(e.getMessage()), e)));
            }
        }
        return out;
    }

    /** One entry of a bulk answer: a value or the error for that handle. */
    public record Result<T>(T value, GardenException error) {
        static <T> Result<T> of(T value) {
            return new Result<>(value, null);
        }

        static <T> Result<T> failed(GardenException error) {
            return new Result<>(null, error);
        }
    }

    /**
     * Brings back the containers of a previous run of the server: those whose init still runs are
     * served again, grace-time clocks restarting now; the leftovers of the rest are removed.
     */
    public void reload() {
        for (ContainerRecord record : store.loadAll()) {
            String handle = record.handle();
            if (settings.destroyContainersOnStart()) {
                LOG.info(() -> "destroying container " + handle + " of the previous run, as configured");
                tryCleanUp(handle);
            } else if (runtime.state(handle).running()) {
                Path directory = store.directory(handle);
                Container container = newContainer(record, directory, restoreNetwork(handle, directory),
                        networker.prepare(handle, directory));
                containers.put(handle, container);
                try {
                    processes.reload(container.processTarget());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "could not reload the processes of " + handle, e);
                }
                reaper.track(handle, record.graceTime());
                LOG.info(() -> "reloaded container " + handle);
            } else {
                LOG.warning(() -> "container " + handle + " is no longer running; removing what is left of it");
                tryCleanUp(handle);
            }
        }
        for (String handle : store.incomplete()) {
            LOG.warning(() -> "removing incomplete container directory " + handle);
            tryCleanUp(handle);
        }
        for (String handle : runtime.handles()) {
            if (!containers.containsKey(handle)) {
                LOG.warning(() -> "removing runtime container " + handle + " that the depot does not know");
                tryCleanUp(handle);
            }
        }
        try {
            networker.prune();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not remove what dead containers left of their network", e);
        }
        ready = true;
    }

    private ContainerNetwork restoreNetwork(String handle, Path directory) {
        try {
            return networker.restore(handle, directory).orElse(ContainerNetwork.NONE);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not restore the network of " + handle, e);
            return ContainerNetwork.NONE;
        }
    }

    private void tryCleanUp(String handle) {
        try {
            cleanUp(handle);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not clean up " + handle, e);
        }
    }

    /** Destroys containers whose grace time ran out; called periodically. */
    public void reapExpired() {
        reaper.reap(handle -> {
            try {
                LOG.info(() -> "grace time of " + handle + " expired; destroying it");
                destroy(handle);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not reap " + handle, e);
            }
        });
    }

    public void markUnready() {
        ready = false;
    }

    private Container newContainer(ContainerRecord record, Path directory, ContainerNetwork network,
                                   List<BindMount> networkMounts) {
        return new Container(record, directory, rootfs.mountPoint(directory), store, runtime, reaper, processes,
                settings.stopTimeout(), settings.unifiedCgroups(), networker, network, networkMounts);
    }
}
