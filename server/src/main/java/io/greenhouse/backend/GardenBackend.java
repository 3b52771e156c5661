package io.greenhouse.backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Garden backend: creates, finds and destroys containers by orchestrating the depot, the root
 * filesystem, the OCI runtime and the process table. The API layer knows only this class.
 */
public final class GardenBackend {
    private static final Logger LOG = Logger.getLogger(GardenBackend.class.getName());
    /** Names the container each line is about (JSON logs), around the per-container work outside requests. */
    private final LogContext logContext;

    private final ContainerStore store;
    private final RootfsProvider rootfs;
    private final ContainerRuntime runtime;
    private final ContainerSignals signals;
    private final ProcessTable processes;
    private final HostCapacity host;
    private final CellSettings settings;
    private final Clock clock;
    private final GraceTimeReaper reaper;
    private final MetricsCollector metrics;
    private final ContainerEvents events;
    private final StepObserver observer;
    private final Networker networker;
    private final OomCounter oomKills;
    private final Checkpointer checkpointer;
    /**
     * How a container is made, in order. Undone in reverse: the runtime's container goes before
     * the process records (whose processes die with it), and both before the root filesystem.
     */
    private final List<CreateStep> steps;

    /** Live containers by handle. A handle being created or destroyed is held in {@link #busy}. */
    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    private final Map<String, String> busy = new ConcurrentHashMap<>();
    /** Served containers whose runtime state could not be told at reload; asked again each round. */
    private final Set<String> doubtful = ConcurrentHashMap.newKeySet();
    /** Creates past the capacity check and not yet finished; they count against max containers. */
    private int creating;
    private volatile boolean ready;

    public GardenBackend(ContainerStore store, RootfsProvider rootfs, ContainerRuntime runtime,
                         ContainerSignals signals, ProcessTable processes, HostCapacity host, CellSettings settings,
                         Clock clock, MetricsCollector metrics, ContainerEvents events, Networker networker) {
        this(store, rootfs, runtime, signals, processes, host, settings, clock, metrics, events, networker,
                StepObserver.NONE);
    }

    public GardenBackend(ContainerStore store, RootfsProvider rootfs, ContainerRuntime runtime,
                         ContainerSignals signals, ProcessTable processes, HostCapacity host, CellSettings settings,
                         Clock clock, MetricsCollector metrics, ContainerEvents events, Networker networker,
                         StepObserver observer) {
        this(store, rootfs, runtime, signals, processes, host, settings, clock, metrics, events, networker, observer,
                OomCounter.NONE);
    }

    public GardenBackend(ContainerStore store, RootfsProvider rootfs, ContainerRuntime runtime,
                         ContainerSignals signals, ProcessTable processes, HostCapacity host, CellSettings settings,
                         Clock clock, MetricsCollector metrics, ContainerEvents events, Networker networker,
                         StepObserver observer, OomCounter oomKills) {
        this(store, rootfs, runtime, signals, processes, host, settings, clock, metrics, events, networker, observer,
                oomKills, DiskQuota.reportOnly("no quota store configured", Path.of("/")), Checkpointer.NONE);
    }

    public GardenBackend(ContainerStore store, RootfsProvider rootfs, ContainerRuntime runtime,
                         ContainerSignals signals, ProcessTable processes, HostCapacity host, CellSettings settings,
                         Clock clock, MetricsCollector metrics, ContainerEvents events, Networker networker,
                         StepObserver observer, OomCounter oomKills, DiskQuota diskQuota) {
        this(store, rootfs, runtime, signals, processes, host, settings, clock, metrics, events, networker, observer,
                oomKills, diskQuota, Checkpointer.NONE);
    }

    public GardenBackend(ContainerStore store, RootfsProvider rootfs, ContainerRuntime runtime,
                         ContainerSignals signals, ProcessTable processes, HostCapacity host, CellSettings settings,
                         Clock clock, MetricsCollector metrics, ContainerEvents events, Networker networker,
                         StepObserver observer, OomCounter oomKills, Checkpointer checkpointer) {
        this(store, rootfs, runtime, signals, processes, host, settings, clock, metrics, events, networker, observer,
                oomKills, DiskQuota.reportOnly("no quota store configured", Path.of("/")), checkpointer);
    }

    public GardenBackend(ContainerStore store, RootfsProvider rootfs, ContainerRuntime runtime,
                         ContainerSignals signals, ProcessTable processes, HostCapacity host, CellSettings settings,
                         Clock clock, MetricsCollector metrics, ContainerEvents events, Networker networker,
                         StepObserver observer, OomCounter oomKills, DiskQuota diskQuota, Checkpointer checkpointer) {
        this(store, rootfs, runtime, signals, processes, host, settings, clock, metrics, events, networker, observer,
                oomKills, diskQuota, checkpointer, LogContext.NONE);
    }

    public GardenBackend(ContainerStore store, RootfsProvider rootfs, ContainerRuntime runtime,
                         ContainerSignals signals, ProcessTable processes, HostCapacity host, CellSettings settings,
                         Clock clock, MetricsCollector metrics, ContainerEvents events, Networker networker,
                         StepObserver observer, OomCounter oomKills, DiskQuota diskQuota, Checkpointer checkpointer,
                         LogContext logContext) {
        this.checkpointer = checkpointer;
        this.logContext = logContext;
        this.oomKills = oomKills;
        this.events = events;
        this.store = store;
        this.rootfs = rootfs;
        this.runtime = runtime;
        this.signals = signals;
        this.processes = processes;
        this.host = host;
        this.settings = settings;
        this.clock = clock;
        this.reaper = new GraceTimeReaper(clock);
        this.metrics = metrics;
        this.observer = observer;
        this.networker = networker;
        this.steps = List.of(new DiskPlaceStep(diskQuota), new ImportStep(), new RootfsStep(rootfs, store),
                new DiskLimitStep(diskQuota, rootfs), new ProcessesStep(processes),
                new NetworkFilesStep(networker), new RuntimeStep(runtime, checkpointer), new NetworkStep(networker),
                new CheckpointStep(checkpointer));
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
            Container created = createContainer(requested, null);
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

    private Container createContainer(ContainerSpec requested, Checkpointer.Incoming incoming) {
        // Reload decides about every depot entry and runtime container it finds: one made by a
        // create running beside it would be taken for a leftover and unmade under that create.
        ping();
        String handle = requested.handle() == null || requested.handle().isEmpty()
                ? Handles.generate() : Handles.validate(requested.handle());
        ContainerSpec spec = requested.withHandle(handle);
        logContext.enter(handle); // the request's thread: the API clears it when the request ends
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
            reserveSlot();
            try {
                Container container = build(spec, incoming);
                containers.put(handle, container);
                reaper.track(handle, spec.graceTime());
                return container;
            } finally {
                releaseSlot();
            }
        } finally {
            busy.remove(handle, "creating");
        }
    }

    /** Counts this create against max containers, with every other create still in flight. */
    private synchronized void reserveSlot() {
        if (containers.size() + creating >= maxContainers()) {
            throw new GardenException("max containers reached");
        }
        creating++;
    }

    private synchronized void releaseSlot() {
        creating--;
    }

    /**
     * Runs the create steps in order. The depot record comes first and says CREATING until the
     * last step has run, so a crash at any point leaves a container that reload rolls back rather
     * than serves.
     */
    private Container build(ContainerSpec spec, Checkpointer.Incoming incoming) {
        String handle = spec.handle();
        Path directory = store.create(handle);
        Assembly container = new Assembly(spec, directory, null, incoming);
        try {
            if ("true".equals(spec.properties().get(Checkpointer.PROCESSES_PROPERTY))) {
                // its presence is what the bundle and the process runner go by, now and after a restart
                try {
                    // 0755: the container's users open their FIFOs through it, whatever the server's umask
                    Files.setPosixFilePermissions(Files.createDirectories(directory.resolve(Checkpointer.STREAMS_DIRECTORY)),
                            PosixFilePermissions.fromString("rwxr-xr-x"));
                } catch (IOException e) {
                    throw new UncheckedIOException("making the process streams directory of " + handle, e);
                }
            }
            ContainerRecord record = new ContainerRecord(spec, spec.properties(), spec.graceTime(),
                    clock.instant(), List.of(), false, ContainerRecord.Phase.CREATING);
            store.save(record);
            container.record(record);
            observer.after("create", "depot", handle);
            for (CreateStep step : steps) {
                step.make(container);
                observer.after("create", step.name(), handle);
            }
            ContainerRecord created = container.record().orElseThrow().withPhase(ContainerRecord.Phase.CREATED);
            store.save(created);
            observer.after("create", "created", handle);
            Container made = newContainer(created, container);
            made.checkpointed(incoming != null);
            if (incoming != null && !incoming.manifest().keptProcesses().isEmpty()) {
                // a rollback removes the depot directory, which ends these monitors (their FIFOs go)
                processes.adoptKept(made.processTarget(), incoming.manifest().keptProcesses());
                observer.after("create", "adopt-processes", handle);
            }
            return made;
        } catch (RuntimeException e) {
            List<RuntimeException> failures = unmake(container, "rollback");
            failures.forEach(e::addSuppressed);
            throw e;
        }
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

    /**
     * Dumps the container's processes into its depot directory (see {@link Checkpointer}); unless
     * {@code leaveRunning}, the container is then listed as checkpointed until restored. One
     * checkpoint, restore or destroy of a container at a time.
     */
    public void checkpoint(String handle, boolean leaveRunning) {
        ping();
        Container container = lookup(handle);
        hold(handle, "checkpointing");
        try {
            if (container.checkpointed()) {
                throw new GardenException("container " + handle + " is already checkpointed");
            }
            ContainerRuntime.RuntimeState state = runtime.state(handle);
            if (!state.running()) {
                throw new GardenException("cannot checkpoint container " + handle + ": its init is not running ("
                        + state.status().name().toLowerCase(java.util.Locale.ROOT) + ")");
            }
            // criu dumps a user-namespaced container's network namespace itself: the veth goes first
            boolean unplug = !checkpointer.keepsNetworkNamespace(state.pid());
            if (unplug) {
                networker.unplug(handle, container.directory());
            }
            try {
                checkpointer.checkpoint(handle, container.directory(), state.pid(), leaveRunning);
            } catch (RuntimeException e) {
                if (unplug) {
                    try {
                        networker.replug(handle, container.directory(), state.pid());
                    } catch (RuntimeException again) {
                        e.addSuppressed(again);
                    }
                }
                throw e;
            }
            if (unplug && leaveRunning) {
                networker.replug(handle, container.directory(), state.pid());
            }
            container.checkpointed(!leaveRunning);
        } finally {
            busy.remove(handle, "checkpointing");
        }
    }

    /** Starts a checkpointed container again from its checkpoint; a failure leaves it checkpointed. */
    public void restoreCheckpoint(String handle) {
        ping();
        Container container = lookup(handle);
        hold(handle, "restoring");
        try {
            if (!container.checkpointed()) {
                throw new GardenException("container " + handle + " is not checkpointed");
            }
            int pid = checkpointer.restore(handle, container.directory());
            container.checkpointed(false);
            if (!checkpointer.keepsNetworkNamespace(pid)) {
                // a namespace criu made anew, with only its loopback: the address comes back on a new veth
                networker.replug(handle, container.directory(), pid);
            }
        } finally {
            busy.remove(handle, "restoring");
        }
    }

    /**
     * Writes a checkpointed container as one archive (see {@link Checkpointer#export}) for
     * {@link #importCheckpoint} on another cell; it stays checkpointed here.
     */
    public void exportCheckpoint(String handle, java.io.OutputStream archive) {
        ping();
        Container container = requireExportable(handle);
        hold(handle, "exporting");
        try {
            requireExportable(handle);
            ContainerRecord record = container.record();
            checkpointer.export(handle, container.directory(), new CheckpointManifest(CheckpointManifest.VERSION,
                    record, container.info().mappedPorts(), networker.egressRules(handle, container.directory()),
                    processes.keptProcesses(container.processTarget())), archive);
        } finally {
            busy.remove(handle, "exporting");
        }
    }

    /** Refuses, before anything is written, a container that cannot be exported. */
    public Container requireExportable(String handle) {
        Container container = lookup(handle);
        if (!container.checkpointed()) {
            throw new GardenException("container " + handle + " is not checkpointed: checkpoint it first");
        }
        if (!container.record().spec().bindMounts().isEmpty()) {
            throw new GardenException("container " + handle + " has bind mounts: their host paths belong to this cell,"
                    + " it cannot be moved");
        }
        return container;
    }

    /**
     * Makes a container from another cell's archive ({@link #exportCheckpoint}): created as its
     * manifest says (same image, properties, grace time, limits, NetOut rules; its NetIn container
     * ports mapped from this cell's pool; an address of this cell), with the archive's writable
     * layer, and left checkpointed: {@link #restoreCheckpoint} starts its processes here.
     */
    public Container importCheckpoint(String handle, java.io.InputStream archive) {
        ping();
        long started = System.nanoTime();
        try {
            Checkpointer.Incoming incoming = checkpointer.receive(archive);
            CheckpointManifest manifest = incoming.manifest();
            ContainerRecord record = manifest.record();
            ContainerSpec from = record.spec();
            if (!from.bindMounts().isEmpty()) {
                throw new GardenException("the archive's container has bind mounts: host paths of another cell");
            }
            List<ContainerInfo.PortMapping> netIn = manifest.netIn().stream()
                    .map(m -> new ContainerInfo.PortMapping(0, m.containerPort())).toList();
            ContainerSpec spec = new ContainerSpec(handle == null || handle.isEmpty() ? from.handle() : handle,
                    record.graceTime(), from.image(), List.of(), "", record.properties(), from.env(),
                    from.privileged(), from.limits(), netIn, manifest.netOut());
            Container created = createContainer(spec, incoming);
            events.created(created.handle(), since(started));
            return created;
        } catch (RuntimeException e) {
            events.createFailed(since(started));
            throw e;
        }
    }

    private void hold(String handle, String what) {
        String other = busy.putIfAbsent(handle, what);
        if (other != null) {
            throw new GardenException("container " + handle + " is busy: " + other);
        }
    }

    /** Whether checkpoints can be taken on this cell, and if not, why not. */
    public Checkpointer.Availability checkpointAvailability() {
        return checkpointer.availability();
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

    /**
     * Undoes every create step, in reverse, even when one fails. The container stays listed, its
     * record saying DESTROYING, until all of them have succeeded: a failed destroy can be repeated,
     * and one cut off by a crash is finished by the next reload.
     */
    public void destroy(String handle) {
        ping();
        if (handle == null || !containers.containsKey(handle)) {
            throw new ContainerNotFoundException(handle);
        }
        if (busy.putIfAbsent(handle, "destroying") != null) {
            throw new GardenException("container already being destroyed");
        }
        try {
            Container container = containers.get(handle);
            if (container == null) {
                throw new ContainerNotFoundException(handle);
            }
            long started = System.nanoTime();
            reaper.forget(handle);
            container.markDestroying();
            observer.after("destroy", "destroying", handle);
            List<RuntimeException> failures = unmake(assembly(container.record()), "destroy");
            if (!failures.isEmpty()) {
                reaper.track(handle, container.record().graceTime());
                throw combined("destroying " + handle, failures);
            }
            containers.remove(handle);
            doubtful.remove(handle);
            events.destroyed(handle, since(started));
        } finally {
            busy.remove(handle, "destroying");
        }
    }

    private Assembly assembly(ContainerRecord record) {
        return new Assembly(record.spec(), store.directory(record.handle()), record);
    }

    /** An assembly for a depot directory without a readable record: only its handle is known. */
    private Assembly assembly(String handle) {
        return new Assembly(new ContainerSpec(handle, null, null, null, null, null, null, false, null, null, null),
                store.directory(handle), null);
    }

    /**
     * Undoes every step in reverse and, when all succeeded, removes the depot entry. Returns the
     * failures; each step tolerates the ones after it having failed or never run.
     */
    private List<RuntimeException> unmake(Assembly container, String operation) {
        List<RuntimeException> failures = new ArrayList<>();
        for (int i = steps.size() - 1; i >= 0; i--) {
            CreateStep step = steps.get(i);
            try {
                step.unmake(container);
            } catch (RuntimeException e) {
                failures.add(new GardenException(step.name() + ": " + e.getMessage(), e));
            }
            observer.after(operation, step.name(), container.handle());
        }
        if (failures.isEmpty()) {
            try {
                store.remove(container.handle());
            } catch (RuntimeException e) {
                failures.add(new GardenException("depot: " + e.getMessage(), e));
            }
            observer.after(operation, "depot", container.handle());
        }
        return failures;
    }

    private static GardenException combined(String what, List<RuntimeException> failures) {
        String messages = String.join("; ", failures.stream().map(Throwable::getMessage).toList());
        GardenException e = new GardenException(what + ": " + messages, failures.get(0));
        failures.stream().skip(1).forEach(e::addSuppressed);
        return e;
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

    /**
     * Metrics of each handle; a handle that names no container but a running pea's process id gets
     * the pea's (as Guardian, whose peas are runtime containers of that id, answers).
     */
    public Map<String, Result<ContainerMetrics>> bulkMetrics(List<String> handles) {
        // a few small cgroup and sysfs reads per container, independent of each other: side by side
        List<Map<String, Result<ContainerMetrics>>> parts = handles.parallelStream()
                .map(handle -> bulk(List.of(handle), this::metrics)).toList();
        Map<String, Result<ContainerMetrics>> out = new LinkedHashMap<>();
        parts.forEach(out::putAll);
        out.replaceAll((handle, result) -> result.error() instanceof ContainerNotFoundException
                ? processes.peaCgroup(handle).map(pea -> {
                    try {
                        return Result.of(metrics.collectPea(pea));
                    } catch (GardenException e) {
                        return Result.<ContainerMetrics>failed(e);
                    }
                }).orElse(result)
                : result);
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
     * Brings back the containers of a previous run of the server. Only a container whose create
     * finished is served again, and only once each step found its part: a create or destroy cut
     * off by a crash is rolled back or finished, a container definitely gone is removed, and one
     * whose state cannot be told now is served and asked again by {@link #recheckDoubtful}.
     * Nothing is removed on doubt.
     */
    public void reload() {
        reload(Runnable::run, 1);
    }

    /**
     * As {@link #reload()}, with the running containers brought back in {@code lanes} tasks on
     * {@code executor} at once: each container's restore reads its own files and takes its own
     * allocations, as concurrent creates do, and most of its time is spent waiting on files and
     * runC's state, not on a core. Returns once every container is back.
     */
    public void reload(Executor executor, int lanes) {
        List<List<Assembly>> running = new ArrayList<>();
        for (int i = 0; i < Math.max(1, lanes); i++) {
            running.add(new ArrayList<>());
        }
        int next = 0;
        for (ContainerRecord record : store.loadAll()) {
            String handle = record.handle();
            logContext.enter(handle);
            Assembly container = assembly(record);
            if (settings.destroyContainersOnStart()) {
                LOG.info(() -> "destroying container " + handle + " of the previous run, as configured");
                logFailures(handle, unmake(container, "reload"));
            } else if (record.phase() == ContainerRecord.Phase.CREATING) {
                LOG.warning(() -> "the create of " + handle + " was cut off; rolling it back");
                logFailures(handle, unmake(container, "reload"));
            } else if (record.phase() == ContainerRecord.Phase.DESTROYING) {
                LOG.info(() -> "the destroy of " + handle + " was cut off; finishing it");
                List<RuntimeException> failures = unmake(container, "reload");
                if (!failures.isEmpty()) {
                    // still listed, so that the client can destroy it again
                    containers.put(handle, newContainer(record, container));
                    logFailures(handle, failures);
                }
            } else {
                running.get(next++ % running.size()).add(container);
            }
        }
        logContext.clear();
        restoreAll(running, executor);
        for (String handle : store.incomplete()) {
            logContext.enter(handle);
            LOG.warning(() -> "removing container directory " + handle + " whose create was cut off before its record");
            logFailures(handle, unmake(assembly(handle), "reload"));
        }
        for (String handle : runtime.handles()) {
            if (!containers.containsKey(handle) && !Files.exists(store.directory(handle))) {
                logContext.enter(handle);
                LOG.warning(() -> "removing runtime container " + handle + " that the depot does not know");
                logFailures(handle, unmake(assembly(handle), "reload"));
            }
        }
        logContext.clear();
        try {
            networker.prune();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not remove what dead containers left of their network", e);
        }
        ready = true;
    }

    private void restoreAll(List<List<Assembly>> lanes, Executor executor) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (List<Assembly> lane : lanes) {
            done.add(CompletableFuture.runAsync(() -> {
                for (Assembly container : lane) {
                    logContext.enter(container.handle());
                    try {
                        restore(container);
                    } catch (RuntimeException e) {
                        // nothing is removed on doubt: served, and asked again like a state unknown
                        LOG.log(Level.WARNING, "could not reload " + container.handle() + "; asking again shortly", e);
                        serveDoubtful(container);
                    } finally {
                        logContext.clear();
                    }
                }
            }, executor));
        }
        for (CompletableFuture<Void> lane : done) {
            try {
                lane.join();
            } catch (CompletionException | CancellationException e) {
                LOG.log(Level.WARNING, "a reload task did not finish", e);
            }
        }
    }

    private void restore(Assembly container) {
        String handle = container.handle();
        ContainerRecord record = container.record().orElseThrow();
        try {
            for (CreateStep step : steps) {
                step.restore(container);
            }
        } catch (StateUnknownException e) {
            LOG.warning(() -> "serving " + handle + " though " + e.getMessage() + "; asking again shortly");
            serveDoubtful(container);
            return;
        } catch (ContainerGoneException e) {
            LOG.warning(() -> e.getMessage() + "; removing what is left of " + handle);
            logFailures(handle, unmake(container, "reload"));
            return;
        }
        Container served = newContainer(record, container);
        served.checkpointed(checkpointer.checkpointed(container.directory()));
        containers.put(handle, served);
        reloadProcesses(served);
        reaper.track(handle, record.graceTime());
        LOG.info(() -> "reloaded container " + handle);
    }

    /** Listed and kept, with {@link #recheckDoubtful} asking again until its state is known. */
    private void serveDoubtful(Assembly container) {
        ContainerRecord record = container.record().orElseThrow();
        containers.put(container.handle(), newContainer(record, container));
        reaper.track(container.handle(), record.graceTime());
        doubtful.add(container.handle());
    }

    private void reloadProcesses(Container container) {
        try {
            processes.reload(container.processTarget());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not reload the processes of " + container.handle(), e);
        }
    }

    /**
     * Asks again about the containers whose state could not be told at reload: those found are
     * served fully (their processes reloaded), those definitely gone are destroyed.
     */
    public void recheckDoubtful() {
        for (String handle : List.copyOf(doubtful)) {
            Container container = containers.get(handle);
            if (container == null || busy.putIfAbsent(handle, "rechecking") != null) {
                continue;
            }
            logContext.enter(handle);
            try {
                Assembly parts = assembly(container.record());
                for (CreateStep step : steps) {
                    step.restore(parts);
                }
                doubtful.remove(handle);
                // served again with every part found, its network included
                Container found = newContainer(container.record(), parts);
                containers.put(handle, found);
                reloadProcesses(found);
                LOG.info(() -> "the state of " + handle + " is known again: running");
            } catch (StateUnknownException e) {
                LOG.fine(() -> "the state of " + handle + " is still unknown");
            } catch (ContainerGoneException e) {
                LOG.warning(() -> e.getMessage() + "; destroying " + handle);
                busy.remove(handle, "rechecking");
                try {
                    destroy(handle);
                } catch (RuntimeException failed) {
                    LOG.log(Level.WARNING, "could not destroy " + handle, failed);
                }
            } finally {
                busy.remove(handle, "rechecking");
                logContext.clear();
            }
        }
    }

    /** Handles served though their state is not known yet. */
    public Set<String> doubtfulHandles() {
        return Set.copyOf(doubtful);
    }

    private static void logFailures(String handle, List<RuntimeException> failures) {
        if (!failures.isEmpty()) {
            LOG.log(Level.WARNING, "could not remove all of " + handle, combined("removing " + handle, failures));
        }
    }

    /** Destroys containers whose grace time ran out; called periodically. */
    public void reapExpired() {
        reaper.reap(handle -> {
            logContext.enter(handle);
            try {
                LOG.info(() -> "grace time of " + handle + " expired; destroying it");
                destroy(handle);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not reap " + handle, e);
            } finally {
                logContext.clear();
            }
        });
    }

    private Container newContainer(ContainerRecord record, Assembly parts) {
        return new Container(record, parts.directory(), rootfs.mountPoint(parts.directory()), store, runtime, signals,
                reaper, processes, settings.stopTimeout(), settings.unifiedCgroups(), networker, parts.network(),
                parts.networkMounts(), oomKills);
    }
}
