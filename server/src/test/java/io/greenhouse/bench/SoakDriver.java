package io.greenhouse.bench;

import io.greenhouse.client.GardenClient;
import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import io.greenhouse.testsupport.TarBuilder;
import jakarta.json.Json;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A soak of a running cell: N clients, each in a loop until the time is up, make a container,
 * run a process and check its output, stream a file in and out again, read metrics and info,
 * change properties and destroy the container. Reports throughput, latency percentiles per
 * operation, errors, and the server's RSS, open fds and threads sampled along the way. Mode
 * {@code cycles} runs only create, run, destroy, a fixed number of times.
 *
 * <pre>
 *   mvn -q -B test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.greenhouse.bench.SoakDriver \
 *     -Dexec.args="http://127.0.0.1:7777 SERVER_PID mix 50 600"      # 50 clients, 10 minutes
 *   ... -Dexec.args="http://127.0.0.1:7777 SERVER_PID cycles 4 1000"  # 1,000 create/run/destroy on 4 clients
 * </pre>
 *
 * The leak check (mounts, runC containers, cgroups, veths, chains, monitors, depot entries) is the
 * caller's: {@code SoakIT} runs a short soak against the test cell and checks its leftovers.
 */
public final class SoakDriver {
    private final GardenClient client;
    private final long serverPid;
    private final Map<String, ConcurrentLinkedQueue<Long>> latencies = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong errorCount = new AtomicLong();
    private final AtomicLong cyclesDone = new AtomicLong();
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final String prefix;

    /** One reading of the server process. */
    public record Sample(long atMillis, long rssKiB, int fds, int threads, double load1) {
    }

    /** What a soak did. */
    public record Result(long cycles, long errors, List<String> firstErrors, Duration took,
                         Map<String, long[]> percentilesMillis, List<Sample> samples) {
        public double cyclesPerSecond() {
            return cycles / Math.max(0.001, took.toMillis() / 1000.0);
        }
    }

    public SoakDriver(GardenClient client, long serverPid, String prefix) {
        this.client = client;
        this.serverPid = serverPid;
        this.prefix = prefix;
    }

    /** {@code clients} loops of the full mix for {@code duration}. */
    public Result mix(int clients, Duration duration, Duration sampleEvery) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        return drive(clients, sampleEvery, (c, k) -> System.nanoTime() < deadline ? prefix + "-" + c + "-" + k : null, this::mixCycle);
    }

    /** {@code total} create/run/destroy cycles spread over {@code clients}. */
    public Result cycles(int clients, int total, Duration sampleEvery) throws InterruptedException {
        AtomicLong left = new AtomicLong(total);
        return drive(clients, sampleEvery, (c, k) -> left.getAndDecrement() > 0 ? prefix + "-" + c + "-" + k : null, this::plainCycle);
    }

    /** The handle of a client's next cycle, null when it is done. */
    private interface Handles {
        String next(int client, long cycle);
    }

    private interface Cycle {
        void run(String handle) throws IOException;
    }

    private Result drive(int clients, Duration sampleEvery, Handles handles, Cycle cycle) throws InterruptedException {
        return drive(clients, sampleEvery, handles, cycle, true);
    }

    /** With {@code undo}, a failed cycle's container is destroyed (a later one may use its handle). */
    private Result drive(int clients, Duration sampleEvery, Handles handles, Cycle cycle, boolean undo) throws InterruptedException {
        long started = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                String handle;
                for (long k = 0; (handle = handles.next(client, k)) != null; k++) {
                    try {
                        cycle.run(handle);
                        cyclesDone.incrementAndGet();
                    } catch (Exception | Error e) {
                        // An Error too (a driver on the wrong classpath once lost its clients
                        // silently to NoSuchMethodError, leaving their containers): counted, not fatal.
                        error(handle, e);
                        if (undo) {
                            destroyQuietly(handle);
                        }
                    }
                }
            }, "soak-client-" + c);
            t.start();
            threads.add(t);
        }
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sample(started);
                try {
                    Thread.sleep(sampleEvery.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "soak-sampler");
        sampler.setDaemon(true);
        sampler.start();
        for (Thread t : threads) {
            t.join();
        }
        sampler.interrupt();
        sampler.join();
        sample(started);
        Map<String, long[]> percentiles = new TreeMap<>();
        latencies.forEach((op, q) -> percentiles.put(op, percentiles(new ArrayList<>(q))));
        return new Result(cyclesDone.get(), errorCount.get(), List.copyOf(errors), Duration.ofNanos(System.nanoTime() - started),
                percentiles, List.copyOf(samples));
    }

    private void plainCycle(String handle) {
        timed("create", () -> client.create(handle));
        timed("run", () -> expectOutput(handle, "echo " + handle, handle + "\n"));
        timed("destroy", () -> client.destroy(handle));
    }

    private void mixCycle(String handle) throws IOException {
        timed("create", () -> client.create(Json.createObjectBuilder().add("handle", handle)
                .add("properties", Json.createObjectBuilder().add("soak", "yes")).build()));
        timed("run", () -> expectOutput(handle, "seq 1 200 | tail -n 1", "200\n"));
        byte[] content = ("soak " + handle + "\n").repeat(512).getBytes();
        byte[] tar = new TarBuilder().file("f", content, 0644, e -> { }).bytes();
        timed("stream-in", () -> client.streamIn(handle, "/soak", "", new ByteArrayInputStream(tar)));
        timed("stream-out", () -> {
            try (InputStream in = client.streamOut(handle, "/soak/f", "")) {
                long n = in.transferTo(java.io.OutputStream.nullOutputStream());
                if (n < content.length) {
                    throw new IllegalStateException("stream-out gave " + n + " bytes, less than the file's " + content.length);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        timed("metrics", () -> client.metrics(handle));
        timed("info", () -> client.info(handle));
        timed("property", () -> {
            client.setProperty(handle, "round", "1");
            if (!"1".equals(client.property(handle, "round"))) {
                throw new IllegalStateException("property not kept");
            }
        });
        timed("list", () -> client.list(Map.of("soak", "yes")));
        timed("destroy", () -> client.destroy(handle));
    }

    private void expectOutput(String handle, String script, String expected) {
        ProcessStreams io = ProcessStreams.collecting();
        try (GardenProcess p = client.run(handle, Json.createObjectBuilder().add("path", "sh")
                .add("args", Json.createArrayBuilder().add("-c").add(script)).build(), io)) {
            int exit = p.await(Duration.ofSeconds(60));
            if (exit != 0 || !io.stdoutText().equals(expected)) {
                throw new IllegalStateException("process of " + handle + " exited " + exit + " with " + io.stdoutText());
            }
        }
    }

    private void timed(String op, Runnable action) {
        long t = System.nanoTime();
        action.run();
        latencies.computeIfAbsent(op, k -> new ConcurrentLinkedQueue<>()).add(System.nanoTime() - t);
    }

    private void error(String handle, Throwable e) {
        if (errorCount.incrementAndGet() <= 20) {
            errors.add(handle + ": " + e);
        }
    }

    private void destroyQuietly(String handle) {
        try {
            client.destroy(handle);
        } catch (RuntimeException e) {
            // never made, or already gone
        }
    }

    private void sample(long startedNanos) {
        if (serverPid <= 0) {
            return;
        }
        try {
            long rss = Files.readAllLines(Path.of("/proc", Long.toString(serverPid), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(0L);
            samples.add(new Sample((System.nanoTime() - startedNanos) / 1_000_000, rss,
                    entries(serverPid, "fd"), entries(serverPid, "task"), load1()));
        } catch (IOException | UncheckedIOException e) {
            // the server is gone: the errors will say so
        }
    }

    /** The host's one-minute load average (the cores are shared with other work). */
    static double load1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The VmRSS of a process in KiB, 0 when it is gone. */
    static long rssKiB(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    static int entries(long pid, String what) {
        try (var s = Files.list(Path.of("/proc", Long.toString(pid), what))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** p50, p90, p99, max in milliseconds, and the count. */
    static long[] percentiles(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return new long[5];
        }
        Collections.sort(nanos);
        int n = nanos.size();
        return new long[]{at(nanos, 0.50), at(nanos, 0.90), at(nanos, 0.99), nanos.get(n - 1) / 1_000_000, n};
    }

    private static long at(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1_000_000;
    }

    /** The report a person reads. */
    public static String report(String title, Result r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%s: %d cycles in %d s (%.2f cycles/s), %d errors%n", title, r.cycles(),
                r.took().toSeconds(), r.cyclesPerSecond(), r.errors()));
        r.firstErrors().forEach(e -> b.append("  error: ").append(e).append('\n'));
        b.append(String.format("  %-11s %7s %7s %7s %7s %8s%n", "op", "p50 ms", "p90 ms", "p99 ms", "max ms", "count"));
        r.percentilesMillis().forEach((op, p) -> b.append(String.format("  %-11s %7d %7d %7d %7d %8d%n", op, p[0], p[1], p[2], p[3], p[4])));
        long ops = r.percentilesMillis().values().stream().mapToLong(p -> p[4]).sum();
        b.append(String.format("  %d operations, %.1f ops/s%n", ops, ops / Math.max(0.001, r.took().toMillis() / 1000.0)));
        b.append("  server over time (s: RSS MiB/fds/threads/load1):");
        for (Sample s : r.samples()) {
            b.append(String.format(" %d:%d/%d/%d/%.1f", s.atMillis() / 1000, s.rssKiB() / 1024, s.fds(), s.threads(), s.load1()));
        }
        b.append('\n');
        // Warm-up: the first fifth of the run (JIT, pools, caches growing to their working size).
        List<Sample> warm = r.samples().subList(Math.min(r.samples().size(), Math.max(1, r.samples().size() / 5)), r.samples().size());
        if (!warm.isEmpty()) {
            var rss = warm.stream().mapToLong(Sample::rssKiB).summaryStatistics();
            var fds = warm.stream().mapToInt(Sample::fds).summaryStatistics();
            var load = r.samples().stream().mapToDouble(Sample::load1).summaryStatistics();
            b.append(String.format("  after warm-up (%d samples): RSS %d..%d MiB (first %d, last %d), fds %d..%d (last %d); load1 %.1f..%.1f, mean %.1f%n",
                    warm.size(), rss.getMin() / 1024, rss.getMax() / 1024, warm.get(0).rssKiB() / 1024,
                    warm.get(warm.size() - 1).rssKiB() / 1024, fds.getMin(), fds.getMax(), warm.get(warm.size() - 1).fds(),
                    load.getMin(), load.getMax(), load.getAverage()));
        }
        return b.toString();
    }

    /**
     * {@code hold N}: N containers, each with a running process ({@code cat}, id p), left for a
     * restart of the server; {@code release N}: attaches to each again, ends it and destroys its
     * container. Both on {@code clients} threads, timed per operation.
     */
    private Result holdOrRelease(String mode, int clients, int n) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        return drive(clients, Duration.ofSeconds(10), (c, k) -> {
            long i = next.getAndIncrement();
            return i < n ? "hold-" + i : null;
        }, handle -> {
            if (mode.equals("hold")) {
                timed("create", () -> client.create(handle));
                timed("run", () -> client.run(handle, Json.createObjectBuilder().add("id", "p").add("path", "cat").build(),
                        ProcessStreams.none()).close());
            } else {
                timed("attach", () -> {
                    GardenProcess p = client.attach(handle, "p", ProcessStreams.collecting());
                    p.closeStdin();
                    if (p.await(Duration.ofMinutes(2)) != 0) {
                        throw new IllegalStateException("cat of " + handle + " did not exit 0");
                    }
                });
                timed("destroy", () -> client.destroy(handle));
            }
        });
    }

    /**
     * Proves each of the held containers' processes alive after a restart: attaches to p, sends a
     * line and waits for cat to echo it, then lets go (p runs on).
     */
    private Result attachEach(int clients, int n) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        return drive(clients, Duration.ofSeconds(10), (c, k) -> {
            long i = next.getAndIncrement();
            return i < n ? "hold-" + i : null;
        }, handle -> timed("attach", () -> {
            ProcessStreams io = ProcessStreams.collecting();
            GardenProcess p = client.attach(handle, "p", io);
            String line = "alive " + handle + "\n";
            p.stdin(line);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!io.stdoutText().contains(line) && System.nanoTime() < deadline) {
                sleep(Duration.ofMillis(5));
            }
            p.close();
            if (!io.stdoutText().contains(line)) {
                throw new IllegalStateException("cat of " + handle + " did not echo after the restart: " + io.stdoutText());
            }
        }), false);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGKILLs the server, runs {@code restart} (a shell command that starts it again), and times
     * until /ping answers, until {@code n} containers are listed, and until every held process
     * echoes through a new Attach. RSS of the old and the new JVM.
     */
    private static void reload(GardenClient client, long pid, int port, int clients, int n, String restart) throws Exception {
        long rssBefore = rssKiB(pid);
        int fdsBefore = entries(pid, "fd");
        System.out.printf("before: pid %d, RSS %d MiB, fds %d, load1 %.2f, listed %d%n", pid, rssBefore / 1024, fdsBefore,
                load1(), client.list(Map.of()).size());
        long t0 = System.nanoTime();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            sleep(Duration.ofMillis(10));
        }
        long dead = System.nanoTime();
        Process starter = new ProcessBuilder("bash", "-c", restart).inheritIO().start();
        long pinged = 0;
        while (pinged == 0) {
            try {
                client.ping();
                pinged = System.nanoTime();
            } catch (RuntimeException e) {
                sleep(Duration.ofMillis(50));
            }
            if (System.nanoTime() - t0 > Duration.ofMinutes(15).toNanos()) {
                throw new IllegalStateException("no /ping within 15 minutes");
            }
        }
        int listed;
        while ((listed = client.list(Map.of()).size()) < n) {
            sleep(Duration.ofMillis(50));
        }
        long allListed = System.nanoTime();
        long newPid = CellLeaks.listenerPid(port);
        long rssAtPing = rssKiB(newPid);
        SoakDriver driver = new SoakDriver(client, newPid, "reload");
        Result attached = driver.attachEach(clients, n);
        long allAttached = System.nanoTime();
        starter.waitFor();
        System.out.print(report("attach each of " + n + " after the restart", attached));
        System.out.printf("reload of %d containers: dead after %d ms; /ping after %d ms; all %d listed after %d ms; all attached and echoing after %d ms%n",
                n, ms(dead - t0), ms(pinged - t0), listed, ms(allListed - t0), ms(allAttached - t0));
        System.out.printf("RSS: old JVM %d MiB (fds %d); new JVM %d MiB at /ping+list, %d MiB after the attaches (fds %d)%n",
                rssBefore / 1024, fdsBefore, rssAtPing / 1024, rssKiB(newPid) / 1024, entries(newPid, "fd"));
        sleep(Duration.ofSeconds(30));
        System.out.printf("30 s later: RSS %d MiB, fds %d, threads %d, load1 %.2f%n", rssKiB(newPid) / 1024,
                entries(newPid, "fd"), entries(newPid, "task"), load1());
        if (attached.errors() > 0) {
            throw new IllegalStateException(attached.errors() + " containers not attachable");
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /**
     * {@code SoakDriver URL PID MODE CLIENTS AMOUNT}; PID 0: the process listening on URL's port.
     * Modes: {@code mix} (AMOUNT seconds), {@code cycles} (AMOUNT create/run/destroy), {@code hold},
     * {@code release}, {@code reload} (AMOUNT held containers; {@code -Dsoak.restart=COMMAND}).
     * With {@code -Dsoak.cell=NAME -Dsoak.networkPrefix=PREFIX} (a gats-cell.sh cell), after mix,
     * cycles and release: waits {@code -Dsoak.settle=30} seconds and prints the leak check.
     */
    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        GardenClient client = new GardenClient(url);
        long pid = Long.parseLong(args[1]);
        if (pid == 0) {
            pid = CellLeaks.listenerPid(url.getPort());
        }
        String mode = args[2];
        int clients = Integer.parseInt(args[3]);
        int amount = Integer.parseInt(args[4]);
        client.ping();
        System.out.printf("%s: server pid %d, RSS %d MiB, fds %d, threads %d, load average %s", mode, pid, rssKiB(pid) / 1024,
                entries(pid, "fd"), entries(pid, "task"), Files.readString(Path.of("/proc/loadavg")));
        if (mode.equals("reload")) {
            reload(client, pid, url.getPort(), clients, amount, System.getProperty("soak.restart"));
            return;
        }
        SoakDriver driver = new SoakDriver(client, pid, "soak");
        Result r = switch (mode) {
            case "cycles" -> driver.cycles(clients, amount, Duration.ofSeconds(10));
            case "mix" -> driver.mix(clients, Duration.ofSeconds(amount), Duration.ofSeconds(30));
            case "hold", "release" -> driver.holdOrRelease(mode, clients, amount);
            default -> throw new IllegalArgumentException("mode " + mode);
        };
        System.out.print(report(mode + " x" + clients, r));
        List<String> left = client.list(Map.of());
        System.out.println("containers left: " + left.size() + (left.size() <= 20 ? " " + left : ""));
        String cell = System.getProperty("soak.cell");
        if (cell != null && !mode.equals("hold")) {
            sleep(Duration.ofSeconds(Long.getLong("soak.settle", 30)));
            List<String> leaks = CellLeaks.ofGatsCell(cell, System.getProperty("soak.networkPrefix")).leftovers();
            System.out.printf("after %d s: server RSS %d MiB, fds %d, threads %d; leak check of cell %s: %s%n",
                    Long.getLong("soak.settle", 30), rssKiB(pid) / 1024, entries(pid, "fd"), entries(pid, "task"), cell,
                    leaks.isEmpty() ? "nothing left" : leaks.size() + " leftovers");
            leaks.forEach(l -> System.out.println("  leak: " + l));
        }
        if (r.errors() > 0) {
            System.exit(1);
        }
    }
}
