package io.greenhouse.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A process table in memory that records what the backend asks of it. Its processes run until
 * signalled (exit 128 + signal), except a spec made by {@link #exiting}, which writes its output and
 * exits at once. Ids are checked and taken as the real table does. Keeps ProcessTableContract
 * (FakeProcessesTest).
 */
final class FakeProcesses implements ProcessTable {
    /** The path of a spec that exits at once: args are the exit status and the stdout to write. */
    static final String EXIT = "/fake/exit";

    final List<String> calls = new ArrayList<>();
    final List<ProcessTarget> targets = new ArrayList<>();
    private final Map<String, Map<String, FakeProcess>> containers = new ConcurrentHashMap<>();

    static ProcessSpec exiting(String id, String stdout, int status) {
        return new ProcessSpec(id, EXIT, List.of(Integer.toString(status), stdout), List.of(), "", "", Map.of(), null,
                ImageRef.DEFAULT, List.of());
    }

    @Override
    public synchronized ContainerProcess run(ProcessTarget target, ProcessSpec spec) {
        calls.add("run " + target.handle() + " " + spec.path());
        targets.add(target);
        String id = spec.id().isEmpty() ? UUID.randomUUID().toString() : spec.id();
        if (!validId(id)) {
            throw new GardenException("invalid process id '" + id + "': use printable characters without '/'");
        }
        Map<String, FakeProcess> table = containers.computeIfAbsent(target.handle(), h -> new ConcurrentHashMap<>());
        FakeProcess previous = table.get(id);
        if (previous != null && previous.running()) {
            throw new GardenException("process ID '" + id + "' already in use");
        }
        FakeProcess p = new FakeProcess(id, () -> table.remove(id));
        table.put(id, p);
        if (EXIT.equals(spec.path())) {
            p.write(spec.args().get(1));
            p.exit(Integer.parseInt(spec.args().get(0)));
        }
        return p;
    }

    /** As ProcessDirectory.validId: printable ASCII without slashes, not "." or "..". */
    private static boolean validId(String id) {
        return !id.isEmpty() && id.length() <= 200 && !Set.of(".", "..").contains(id)
                && id.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != '\\');
    }

    @Override
    public ContainerProcess find(String handle, String processId) {
        FakeProcess p = containers.getOrDefault(handle, Map.of()).get(processId);
        if (p == null) {
            throw new ProcessNotFoundException(processId);
        }
        return p;
    }

    @Override
    public List<String> runningIds(String handle) {
        return containers.getOrDefault(handle, Map.of()).values().stream()
                .filter(FakeProcess::running).map(FakeProcess::id).sorted().toList();
    }

    @Override
    public void signalPeas(String handle, ProcessSignal signal) {
        calls.add("signal peas " + handle + " " + signal);
    }

    @Override
    public void pruneExpired() {
        calls.add("prune expired");
    }

    @Override
    public synchronized void reload(ProcessTarget target) {
        calls.add("reload " + target.handle());
    }

    @Override
    public synchronized void forget(String handle) {
        calls.add("forget " + handle);
        containers.remove(handle);
    }

    @Override
    public synchronized void detachAll() {
        calls.add("detach all");
    }

    /** A process that is only a name, an output buffer and an exit status. */
    static final class FakeProcess implements ContainerProcess {
        private final String id;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final List<OutputSink> sinks = new ArrayList<>();
        /** Drops the process from its table, as the real one prunes a process whose exit was delivered. */
        private final Runnable prune;

        FakeProcess(String id, Runnable prune) {
            this.id = id;
            this.prune = prune;
        }

        @Override
        public void exitDelivered() {
            if (!running()) {
                prune.run();
            }
        }

        boolean running() {
            return !exit.isDone();
        }

        synchronized void write(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            stdout.writeBytes(bytes);
            for (OutputSink s : sinks) {
                try {
                    s.write(bytes, 0, bytes.length);
                } catch (IOException e) {
                    // a sink that fails is the client's problem, as in the real table
                }
            }
        }

        synchronized void exit(int status) {
            sinks.forEach(OutputSink::end);
            exit.complete(status);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public CompletionStage<Integer> exitStatus() {
            return exit;
        }

        @Override
        public void signal(ProcessSignal signal) {
            if (running()) {
                exit(128 + signal.number());
            }
        }

        @Override
        public void resize(WindowSize size) {
        }

        @Override
        public void writeStdin(byte[] data) {
        }

        @Override
        public void closeStdin() {
        }

        @Override
        public synchronized void attachStdout(OutputSink sink) {
            byte[] buffered = stdout.toByteArray();
            try {
                sink.write(buffered, 0, buffered.length);
            } catch (IOException e) {
                return;
            }
            if (running()) {
                sinks.add(sink);
            } else {
                sink.end();
            }
        }

        @Override
        public synchronized void attachStderr(OutputSink sink) {
            if (running()) {
                sinks.add(sink);
            } else {
                sink.end();
            }
        }

        @Override
        public synchronized void detach(OutputSink sink) {
            sinks.remove(sink);
        }

        @Override
        public void holdOutput(Duration atMost) {
        }
    }
}
