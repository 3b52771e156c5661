package io.greenhouse.process;

import io.greenhouse.linux.FileTrees;
import io.greenhouse.backend.CheckpointManifest;
import io.greenhouse.backend.CheckpointManifest.KeptProcess;
import io.greenhouse.backend.Checkpointer;
import io.greenhouse.backend.ContainerProcess;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ProcessNotFoundException;
import io.greenhouse.backend.ProcessSignal;
import io.greenhouse.backend.ProcessSpec;
import io.greenhouse.backend.ProcessTable;
import io.greenhouse.backend.ProcessTarget;
import io.greenhouse.backend.UserNamespace;
import io.greenhouse.oci.InitProcessRule;
import io.greenhouse.oci.OciJson;
import io.greenhouse.oci.Process;
import io.greenhouse.linux.InRootFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Runs each process under its own greenhouse-monitor and keeps the processes of every container,
 * reloading them from the depot after a restart.
 */
public class ProcessManager implements ProcessTable {
    private static final Logger LOG = Logger.getLogger(ProcessManager.class.getName());
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final MonitorLauncher launcher;
    private final Path socketsDir;
    private final int bufferBytes;
    private final OciProcess processSpecs;
    private final OciJson json = new OciJson();
    /** Runs processes with an image of their own; null in a cell that does not run peas. */
    private final Peas peas;
    /** Where each live process's output pump runs (the cell's threads; any executor in tests). */
    private final Executor pumps;
    private final Clock clock;
    /** How long a finished process whose exit no client received is kept for a later Attach. */
    private final Duration exitedRetention;
    /**
     * Processes by container handle, then by process id: running ones, and finished ones until a
     * client receives the exit or the retention passes (health checks run every few seconds, so
     * keeping every finished process would grow without bound).
     */
    private final Map<String, Map<String, MonitoredProcess>> containers = new ConcurrentHashMap<>();

    /** Reads the container's own /etc/passwd and checks working directories, inside its root. */
    private final InRootFiles rootFiles;
    /**
     * The ids of unprivileged containers on the host (null: they run in the host's user namespace).
     * The monitor creates a missing working directory from the host, so it must own it by the host
     * ids the container's user has there, or container root's directory would belong to host root,
     * which the container sees as nobody.
     */
    private final UserNamespace unprivilegedUsers;

    public ProcessManager(MonitorLauncher launcher, Path socketsDir, int bufferBytes, OciProcess processSpecs,
                          Peas peas, Clock clock, Duration exitedRetention, Executor pumps, InRootFiles rootFiles) {
        this(launcher, socketsDir, bufferBytes, processSpecs, peas, clock, exitedRetention, pumps, rootFiles, null);
    }

    public ProcessManager(MonitorLauncher launcher, Path socketsDir, int bufferBytes, OciProcess processSpecs,
                          Peas peas, Clock clock, Duration exitedRetention, Executor pumps, InRootFiles rootFiles,
                          UserNamespace unprivilegedUsers) {
        this.unprivilegedUsers = unprivilegedUsers;
        this.launcher = launcher;
        this.socketsDir = socketsDir;
        this.bufferBytes = bufferBytes;
        this.processSpecs = processSpecs;
        this.peas = peas;
        this.clock = clock;
        this.exitedRetention = exitedRetention;
        this.pumps = pumps;
        this.rootFiles = rootFiles;
    }

    @Override
    public ContainerProcess run(ProcessTarget target, ProcessSpec spec) {
        String id = spec.id().isEmpty() ? UUID.randomUUID().toString() : spec.id();
        if (!ProcessDirectory.validId(id)) {
            throw new GardenException("invalid process id '" + id + "': use printable characters without '/'");
        }
        boolean pea = spec.isPea();
        if (pea && peas == null) {
            throw new GardenException("processes with their own image, bind mounts or limits are not supported by this cell");
        }
        Map<String, MonitoredProcess> table = containers.computeIfAbsent(target.handle(), h -> new ConcurrentHashMap<>());
        MonitoredProcess process = newProcess(target.handle(), id, ProcessDirectory.root(target.directory()).resolve(id));
        register(table, process);
        try {
            if (pea) {
                startPea(target, spec, process);
            } else {
                start(target, spec, process);
            }
            return process;
        } catch (RuntimeException e) {
            table.remove(id, process);
            if (pea) {
                // Nothing may stay mounted under the directory about to be deleted.
                try {
                    peas.remove(Peas.runtimeId(target.handle(), id), process.directory());
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                    throw e;
                }
            }
            FileTrees.deleteQuietly(process.directory());
            throw e;
        }
    }

    private MonitoredProcess newProcess(String handle, String id, Path dir) {
        return new MonitoredProcess(handle, id, dir, bufferBytes, clock, this::release, pumps);
    }

    /** Takes the id, replacing a finished process of that id once its files (the same directory) are gone. */
    private void register(Map<String, MonitoredProcess> table, MonitoredProcess process) {
        String id = process.id();
        while (true) {
            MonitoredProcess previous = table.putIfAbsent(id, process);
            if (previous == null) {
                return;
            }
            if (previous.running()) {
                throw new GardenException("process ID '" + id + "' already in use");
            }
            previous.prune(() -> removeFiles(previous));
            if (table.replace(id, previous, process)) {
                return;
            }
        }
    }

    /** The working directory to create, owned by the user's ids as the host sees them. */
    MonitorLauncher.WorkingDirectory workingDirectory(ProcessTarget target, String cwd, ExecUser user) {
        MonitorLauncher.Owner owner = owner(target, user);
        return new MonitorLauncher.WorkingDirectory(target.rootfs(), cwd, owner.uid(), owner.gid());
    }

    /** The user's ids as the host sees them (through the container's user namespace, if it has one). */
    MonitorLauncher.Owner owner(ProcessTarget target, ExecUser user) {
        long uid = Integer.toUnsignedLong(user.uid());
        long gid = Integer.toUnsignedLong(user.gid());
        if (!target.privileged() && unprivilegedUsers != null) {
            uid = unprivilegedUsers.hostUid(uid);
            gid = unprivilegedUsers.hostGid(gid);
            if (uid < 0 || gid < 0) {
                throw new GardenException("user " + user.name() + " (" + Integer.toUnsignedString(user.uid()) + ":"
                        + Integer.toUnsignedString(user.gid()) + ") is not mapped in the container's user namespace");
            }
        }
        return new MonitorLauncher.Owner((int) uid, (int) gid);
    }

    private void start(ProcessTarget target, ProcessSpec spec, MonitoredProcess process) {
        ExecUser user = ContainerUsers.of(rootFiles, target.rootfs()).resolve(spec.user());
        String cwd = spec.dir().isEmpty() ? user.home() : spec.dir();
        if (!cwd.startsWith("/")) {
            cwd = "/" + cwd;
        }
        // The spec's dir is created (owned by the user) if missing; an absent home means "/".
        MonitorLauncher.WorkingDirectory ensure = null;
        if (!spec.dir().isEmpty()) {
            ensure = workingDirectory(target, cwd, user);
        } else if (!rootFiles.isDirectory(target.rootfs(), cwd)) {
            cwd = "/";
        }
        Path dir = process.directory();
        FileTrees.deleteQuietly(dir);
        Path streams = target.directory().resolve(Checkpointer.STREAMS_DIRECTORY);
        MonitorLauncher.Keeper keeper = null;
        Process oci = processSpecs.build(target, spec, user, cwd);
        if (spec.tty() == null && Files.isDirectory(streams)) {
            // a name of the process id's digest: ids come from clients and are no file names
            String name = streamsName(process.id());
            keeper = new MonitorLauncher.Keeper(streams.resolve(name),
                    target.directory().resolve(Checkpointer.CHECKPOINT_DIRECTORY));
            oci = oci.withArgs(Keepers.args(InitProcessRule.INIT_PATH,
                    InitProcessRule.STREAMS_PATH + "/" + name, oci.args()));
        }
        try {
            Files.createDirectories(dir);
            json.write(dir.resolve(ProcessDirectory.PROCESS_SPEC), oci);
            Files.createDirectories(socketsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("preparing process directory " + dir, e);
        }
        Path socket = socket(target.handle(), process.id());
        launcher.launch(target.handle(), dir, socket, spec.tty() != null, ensure, null, owner(target, user), keeper);
        try {
            process.connect(MonitorLink.connect(socket));
        } catch (IOException e) {
            // The monitor finished before we could connect; it left the status in the depot.
            settleWithoutMonitor(process);
        }
    }

    /**
     * A pea, as Guardian runs it: the user is resolved in the pea's own image, the working
     * directory defaults to "/", the environment is the image's and the spec's (not the container's).
     */
    private void startPea(ProcessTarget container, ProcessSpec spec, MonitoredProcess process) {
        Path dir = process.directory();
        FileTrees.deleteQuietly(dir);
        try {
            Files.createDirectories(dir);
            Files.createDirectories(socketsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("preparing process directory " + dir, e);
        }
        String runtimeId = Peas.runtimeId(container.handle(), process.id());
        ProcessTarget pea = peas.mountRootfs(container, spec, runtimeId, dir);
        ExecUser user = ContainerUsers.of(rootFiles, pea.rootfs()).resolve(spec.user());
        String cwd = spec.dir().isEmpty() ? "/" : spec.dir().startsWith("/") ? spec.dir() : "/" + spec.dir();
        MonitorLauncher.WorkingDirectory ensure = spec.dir().isEmpty() ? null
                : workingDirectory(pea, cwd, user);
        Process processSpec = processSpecs.build(pea, spec, user, cwd);
        json.write(dir.resolve(ProcessDirectory.PROCESS_SPEC), processSpec);
        peas.writeBundle(container, pea, spec, runtimeId, processSpec);
        Path socket = socket(container.handle(), process.id());
        launcher.launch(container.handle(), dir, socket, spec.tty() != null, ensure,
                new MonitorLauncher.Pea(runtimeId, peas.runtimeRoot(), pea.rootfs()), owner(pea, user));
        try {
            process.connect(MonitorLink.connect(socket));
        } catch (IOException e) {
            settleWithoutMonitor(process);
        }
    }

    /** Monitor sockets live in a short directory of their own: depot paths can exceed sun_path. */
    Path socket(String handle, String id) {
        return socketsDir.resolve(digestName(handle + "\0" + id) + ".sock");
    }

    @Override
    public List<KeptProcess> keptProcesses(ProcessTarget target) {
        Path streams = target.directory().resolve(Checkpointer.STREAMS_DIRECTORY);
        List<KeptProcess> kept = new ArrayList<>();
        for (MonitoredProcess p : containers.getOrDefault(target.handle(), Map.of()).values()) {
            Path stdin = streams.resolve(streamsName(p.id())).resolve("stdin");
            if (p.running() && Files.exists(stdin, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    kept.add(new KeptProcess(p.id(),
                            Integer.toUnsignedLong((Integer) Files.getAttribute(stdin, "unix:uid", LinkOption.NOFOLLOW_LINKS)),
                            Integer.toUnsignedLong((Integer) Files.getAttribute(stdin, "unix:gid", LinkOption.NOFOLLOW_LINKS))));
                } catch (IOException e) {
                    throw new UncheckedIOException("reading the FIFOs of process " + p.id(), e);
                }
            }
        }
        return kept;
    }

    /**
     * The kept processes of an imported container: a directory each (with an empty spec, which
     * marks it for {@link #reload}) and a monitor that makes its FIFOs and serves it from the
     * restore on. The IDs come from another cell's archive and are checked as a Run's are.
     */
    @Override
    public void adoptKept(ProcessTarget target, List<KeptProcess> kept) {
        if (kept.size() > CheckpointManifest.MAX_KEPT_PROCESSES) {
            throw new GardenException("checkpoint archive refused: " + kept.size() + " kept processes");
        }
        Path streams = target.directory().resolve(Checkpointer.STREAMS_DIRECTORY);
        if (!Files.isDirectory(streams)) {
            throw new GardenException("checkpoint archive refused: kept processes in a container made without "
                    + Checkpointer.PROCESSES_PROPERTY);
        }
        Map<String, MonitoredProcess> table = containers.computeIfAbsent(target.handle(), h -> new ConcurrentHashMap<>());
        for (KeptProcess k : kept) {
            if (!ProcessDirectory.validId(k.id()) || table.containsKey(k.id())
                    || k.uid() < 0 || k.uid() > 0xFFFFFFFEL || k.gid() < 0 || k.gid() > 0xFFFFFFFEL) {
                throw new GardenException("checkpoint archive refused: kept process '" + k.id() + "' ("
                        + k.uid() + ":" + k.gid() + ")");
            }
        }
        for (KeptProcess k : kept) {
            MonitoredProcess process = newProcess(target.handle(), k.id(), ProcessDirectory.root(target.directory()).resolve(k.id()));
            Path dir = process.directory();
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(ProcessDirectory.PROCESS_SPEC), "{}\n");
                Files.createDirectories(socketsDir);
            } catch (IOException e) {
                throw new UncheckedIOException("preparing process directory " + dir, e);
            }
            Path socket = socket(target.handle(), k.id());
            launcher.launch(target.handle(), dir, socket, false, null, null,
                    new MonitorLauncher.Owner((int) k.uid(), (int) k.gid()),
                    new MonitorLauncher.Keeper(streams.resolve(streamsName(k.id())), target.directory().resolve(Checkpointer.CHECKPOINT_DIRECTORY), true));
            table.put(k.id(), process);
            try {
                process.connect(MonitorLink.connect(socket));
            } catch (IOException e) {
                settleWithoutMonitor(process);
            }
        }
    }

    /** The FIFO directory's name for a process: 32 hex digits of its id's digest. */
    static String streamsName(String id) {
        return digestName(id);
    }

    /** 32 hex digits of a SHA-256: a short file name for any string. */
    private static String digestName(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void settleWithoutMonitor(MonitoredProcess process) {
        Integer status = ProcessDirectory.exitStatus(process.directory());
        if (status != null) {
            process.exited(ProcessDirectory.tail(process.directory(), "stdout.tail"),
                    ProcessDirectory.tail(process.directory(), "stderr.tail"), status,
                    ProcessDirectory.exitedAt(process.directory()));
        } else {
            process.lost("its monitor is not running");
        }
    }

    @Override
    public ContainerProcess find(String handle, String processId) {
        MonitoredProcess p = containers.getOrDefault(handle, Map.of()).get(processId);
        if (p != null && p.expired(clock.instant(), exitedRetention)) {
            release(p);
            p = null;
        }
        if (p == null) {
            throw new ProcessNotFoundException(processId);
        }
        return p;
    }

    @Override
    public List<String> runningIds(String handle) {
        return containers.getOrDefault(handle, Map.of()).values().stream()
                .filter(MonitoredProcess::running)
                .map(MonitoredProcess::id)
                .sorted()
                .toList();
    }

    @Override
    public void signalPeas(String handle, ProcessSignal signal) {
        containers.getOrDefault(handle, Map.of()).values().stream()
                .filter(p -> p.running() && Peas.isPea(p.directory()))
                .forEach(p -> p.signal(signal));
    }

    @Override
    public java.util.Optional<PeaCgroup> peaCgroup(String processId) {
        for (Map.Entry<String, Map<String, MonitoredProcess>> container : containers.entrySet()) {
            MonitoredProcess p = container.getValue().get(processId);
            if (p != null && p.running() && Peas.isPea(p.directory())) {
                return peaCgroup(container.getKey(), p.directory());
            }
        }
        return java.util.Optional.empty();
    }

    /** From the pea's bundle: its cgroupsPath ends HANDLE/PEA (shared limits) or PEA (its own, beside it). */
    static java.util.Optional<PeaCgroup> peaCgroup(String handle, Path peaDirectory) {
        Path config = peaDirectory.resolve(OciJson.CONFIG);
        try (jakarta.json.JsonReader reader = jakarta.json.Json.createReader(Files.newBufferedReader(config))) {
            String path = reader.readObject().getJsonObject("linux").getString("cgroupsPath", "");
            String[] parts = path.split("/");
            if (parts.length < 2) {
                return java.util.Optional.empty();
            }
            String pea = parts[parts.length - 1];
            boolean nested = parts.length >= 3 && parts[parts.length - 2].equals(handle);
            return java.util.Optional.of(new PeaCgroup(handle, nested ? handle + "/" + pea : pea,
                    Files.getLastModifiedTime(config).toInstant()));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "no cgroup for the pea in " + peaDirectory, e);
            return java.util.Optional.empty();
        }
    }

    @Override
    public void reload(ProcessTarget target) {
        Path root = ProcessDirectory.root(target.directory());
        if (!Files.isDirectory(root)) {
            return;
        }
        Map<String, MonitoredProcess> table = containers.computeIfAbsent(target.handle(), h -> new ConcurrentHashMap<>());
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                String id = dir.getFileName().toString();
                if (!ProcessDirectory.validId(id) || !Files.exists(dir.resolve(ProcessDirectory.PROCESS_SPEC))) {
                    continue;
                }
                MonitoredProcess process = newProcess(target.handle(), id, dir);
                table.put(id, process);
                reconnect(target.handle(), process);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing processes of " + target.handle(), e);
        }
    }

    private void reconnect(String handle, MonitoredProcess process) {
        if (ProcessDirectory.exitStatus(process.directory()) == null) {
            Path socket = socket(handle, process.id());
            long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
            while (Files.exists(socket)) {
                try {
                    process.connect(MonitorLink.connect(socket));
                    LOG.fine(() -> "reattached to process " + process.id() + " in " + handle);
                    return;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline || ProcessDirectory.exitStatus(process.directory()) != null) {
                        break;
                    }
                    sleep(50);
                }
            }
        }
        settleWithoutMonitor(process);
    }

    @Override
    public void pruneExpired() {
        Instant now = clock.instant();
        for (Map<String, MonitoredProcess> table : containers.values()) {
            for (MonitoredProcess p : List.copyOf(table.values())) {
                if (p.expired(now, exitedRetention)) {
                    LOG.fine(() -> "nobody claimed the exit of process " + p.id() + " in " + p.handle() + "; dropping it");
                    release(p);
                }
            }
        }
    }

    /** A finished process goes: its files first, then its record, so a run of the same id never meets its files. */
    private void release(MonitoredProcess p) {
        p.prune(() -> removeFiles(p));
        Map<String, MonitoredProcess> table = containers.get(p.handle());
        if (table != null) {
            table.remove(p.id(), p);
        }
    }

    private void removeFiles(MonitoredProcess p) {
        if (peas != null && Peas.isPea(p.directory())) {
            // Normally its monitor removed the pea on exit; a lost monitor left it to us.
            peas.remove(Peas.runtimeId(p.handle(), p.id()), p.directory());
        }
        try {
            Files.deleteIfExists(socket(p.handle(), p.id()));
        } catch (IOException e) {
            LOG.log(Level.FINE, "removing monitor socket", e);
        }
        if (!ProcessDirectory.remove(p.directory())) {
            LOG.warning(() -> "could not remove the directory of process " + p.id() + " in " + p.handle()
                    + " (is a pea's root filesystem still mounted?): " + p.directory());
        }
    }

    @Override
    public void forget(String handle) {
        Map<String, MonitoredProcess> table = containers.remove(handle);
        if (table == null) {
            return;
        }
        // The container's processes are dead by now (the runtime deleted it); their monitors
        // finish once their output is drained, which abandoning makes immediate.
        table.values().forEach(MonitoredProcess::abandon);
        for (MonitoredProcess p : table.values()) {
            p.awaitExit(Duration.ofSeconds(5));
            p.prune(() -> removeFiles(p));
        }
    }

    @Override
    public void detachAll() {
        containers.values().forEach(t -> t.values().forEach(MonitoredProcess::detach));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
