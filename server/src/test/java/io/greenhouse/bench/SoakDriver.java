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
    public record Sample(long atMillis, long rssKiB, int fds, int threads) {
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
        return drive(clients, sampleEvery, (c, k) -> System.nanoTime() < deadline, this::mixCycle);
    }

    /** {@code total} create/run/destroy cycles spread over {@code clients}. */
    public Result cycles(int clients, int total, Duration sampleEvery) throws InterruptedException {
        AtomicLong left = new AtomicLong(total);
        return drive(clients, sampleEvery, (c, k) -> left.getAndDecrement() > 0, this::plainCycle);
    }

    private interface Condition {
        boolean more(int client, long cycle);
    }

    private interface Cycle {
        void run(String handle) throws IOException;
    }

    private Result drive(int clients, Duration sampleEvery, Condition more, Cycle cycle) throws InterruptedException {
        long started = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                for (long k = 0; more.more(client, k); k++) {
                    String handle = prefix + "-" + client + "-" + k;
                    try {
                        cycle.run(handle);
                        cyclesDone.incrementAndGet();
                    } catch (Exception e) {
                        error(handle, e);
                        destroyQuietly(handle);
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

    private void error(String handle, Exception e) {
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
                    entries(serverPid, "fd"), entries(serverPid, "task")));
        } catch (IOException | UncheckedIOException e) {
            // the server is gone: the errors will say so
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
        b.append("  server over time (s: RSS MiB, fds, threads):");
        for (Sample s : r.samples()) {
            b.append(String.format(" %d:%d/%d/%d", s.atMillis() / 1000, s.rssKiB() / 1024, s.fds(), s.threads()));
        }
        return b.append('\n').toString();
    }

    /**
     * {@code hold N}: N containers, each with a running process ({@code cat}, id p), left for a
     * restart of the server; {@code release N}: attaches to each again, ends it and destroys its container.
     */
    private static void holdOrRelease(GardenClient client, String mode, int n) {
        long t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String handle = "hold-" + i;
            if (mode.equals("hold")) {
                client.create(handle);
                client.run(handle, Json.createObjectBuilder().add("id", "p").add("path", "cat").build(), ProcessStreams.none()).close();
            } else {
                GardenProcess p = client.attach(handle, "p", ProcessStreams.collecting());
                p.closeStdin();
                p.await(Duration.ofMinutes(2));
                client.destroy(handle);
            }
        }
        System.out.printf("%s %d containers: %d ms%n", mode, n, (System.nanoTime() - t) / 1_000_000);
    }

    public static void main(String[] args) throws Exception {
        GardenClient client = new GardenClient(URI.create(args[0]));
        long pid = Long.parseLong(args[1]);
        String mode = args[2];
        int clients = Integer.parseInt(args[3]);
        int amount = Integer.parseInt(args[4]);
        client.ping();
        if (mode.equals("hold") || mode.equals("release")) {
            holdOrRelease(client, mode, amount);
            return;
        }
        SoakDriver driver = new SoakDriver(client, pid, "soak");
        Result r = mode.equals("cycles")
                ? driver.cycles(clients, amount, Duration.ofSeconds(10))
                : driver.mix(clients, Duration.ofSeconds(amount), Duration.ofSeconds(30));
        System.out.print(report(mode + " x" + clients, r));
        System.out.println("containers left: " + client.list(Map.of()));
    }
}
