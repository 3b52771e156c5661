package io.greenhouse.bench;

import io.greenhouse.client.GardenClient;
import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The one benchmark: drives a running cell with the project's Java client and prints every figure
 * beside its floor measured in the same run on the same machine (bare runC, a pipe, a loopback
 * socket), then writes BENCHMARKS.md. Readers only count bytes. Not a test; see the README's
 * "Benchmark" section for the command.
 *
 * <p>Arguments: {@code URL [--quick] [--server WLP/bin/server] [--name SERVER] [--restart 0,50,250|none]
 *  [--runs N] [--rootfs DIR] [--out FILE] [--note TEXT] [--only GROUP,...]}, the groups being
 * {@code rss, create, run, stdout, stdin, files, many, metrics, restart} (an A/B of one change
 * need not wait for every row).
 * With {@code --server}/{@code --name} it also measures the server's RSS and restart-to-ready
 * (SIGKILL, then {@code server start NAME} with the killed server's GREENHOUSE_* settings).
 */
public final class Bench {
    private static final Duration WAIT = Duration.ofMinutes(10);

    private final GardenClient client;
    private final Sizes sizes;
    private final Floors floors;
    private final ServerProcess server;
    private final Report report = new Report();
    private final java.util.Set<String> only;

    private Bench(GardenClient client, Sizes sizes, Floors floors, ServerProcess server, java.util.Set<String> only) {
        this.client = client;
        this.sizes = sizes;
        this.floors = floors;
        this.server = server;
        this.only = only;
    }

    /** Whether the group of rows is measured: all of them unless --only names some. */
    private boolean measures(String group) {
        return only.isEmpty() || only.contains(group);
    }

    /** Full sizes as the issue names them; quick ones for a loaded development machine. */
    record Sizes(int latencyRuns, long streamBytes, int containers, int manyRuns, List<Integer> restartWith) {
        static Sizes full() {
            return new Sizes(100, 1L << 30, 250, 10_000, List.of(0, 50, 250));
        }

        static Sizes quick() {
            return new Sizes(20, 64L << 20, 25, 500, List.of(0));
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                opts.put("quick", "true");
            } else {
                opts.put(args[i].substring(2), args[++i]);
            }
        }
        boolean quick = opts.containsKey("quick");
        Sizes sizes = quick ? Sizes.quick() : Sizes.full();
        if (opts.containsKey("restart")) {
            // e.g. --restart 0,50,250 (or --restart none)
            List<Integer> with = opts.get("restart").equals("none") ? List.of()
                    : java.util.Arrays.stream(opts.get("restart").split(",")).map(Integer::valueOf).toList();
            sizes = new Sizes(sizes.latencyRuns(), sizes.streamBytes(), sizes.containers(), sizes.manyRuns(), with);
        }
        if (opts.containsKey("runs")) {
            sizes = new Sizes(sizes.latencyRuns(), sizes.streamBytes(), sizes.containers(),
                    Integer.parseInt(opts.get("runs")), sizes.restartWith());
        }
        GardenClient client = new GardenClient(URI.create(args[0]));
        client.ping();
        ServerProcess server = opts.containsKey("server")
                ? new ServerProcess(Path.of(opts.get("server")), opts.getOrDefault("name", "greenhouse"), client)
                : null;
        Floors floors = new Floors(Path.of(opts.getOrDefault("rootfs", "/var/lib/greenhouse/rootfs/busybox")));
        java.util.Set<String> only = opts.containsKey("only")
                ? java.util.Set.of(opts.get("only").split(",")) : java.util.Set.of();
        Bench bench = new Bench(client, sizes, floors, server, only);
        try {
            bench.runAll();
        } finally {
            floors.close();
        }
        String command = "Bench " + String.join(" ", args);
        String md = bench.report.markdown(command, quick, opts.getOrDefault("note", ""), ZonedDateTime.now());
        Path out = Path.of(opts.getOrDefault("out", "BENCHMARKS.md"));
        Files.writeString(out, md);
        System.out.println(md);
        System.out.println("written to " + out.toAbsolutePath());
    }

    private void runAll() throws Exception {
        if (server != null && measures("rss")) {
            report.add("server RSS idle", mib(server.rss()), "MiB", null, null);
        }
        if (measures("create")) {
            createDestroy();
        }
        String h = "bench-proc";
        client.create(h);
        try {
            if (measures("run")) {
                runTrue(h);
            }
            if (measures("stdout")) {
                stdout(h);
            }
            if (measures("stdin")) {
                stdin(h);
            }
            if (measures("files")) {
                files(h);
            }
            if (server != null && measures("many")) {
                manyRuns(h);
            }
        } finally {
            client.destroy(h);
        }
        if (measures("metrics")) {
            bulkMetrics();
        }
        if (server != null && measures("restart")) {
            for (int n : sizes.restartWith()) {
                restart(n);
            }
        }
    }

    private void createDestroy() throws Exception {
        Latencies floor = new Latencies();
        for (int i = 0; i < sizes.latencyRuns(); i++) {
            String id = "floor-cd-" + i;
            floor.time(() -> floors.runAndDelete(id));
        }
        Latencies seq = new Latencies();
        for (int i = 0; i < sizes.latencyRuns(); i++) {
            String h = "bench-cd-" + i;
            seq.time(() -> {
                client.create(h);
                client.destroy(h);
            });
        }
        report.latencies("create+destroy sequential", seq, floor, "runc run -d + delete");
        for (int clients : List.of(5, 20)) {
            Latencies conc = new Latencies();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> all = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                all.add(pool.submit(() -> {
                    for (int i = 0; i < Math.max(2, sizes.latencyRuns() / clients); i++) {
                        String h = "bench-cd-" + clients + "-" + id + "-" + i;
                        conc.time(() -> {
                            client.create(h);
                            client.destroy(h);
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            pool.shutdown();
            report.latencies("create+destroy, " + clients + " concurrent clients", conc, floor, "runc run -d + delete (sequential)");
        }
    }

    private void runTrue(String h) throws Exception {
        String id = "floor-exec";
        floors.start(id);
        Latencies floor = new Latencies();
        try {
            for (int i = 0; i < sizes.latencyRuns(); i++) {
                floor.time(() -> floors.execTrue(id));
            }
        } finally {
            floors.delete(id);
        }
        Latencies run = new Latencies();
        JsonObject spec = Json.createObjectBuilder().add("path", "/bin/true").build();
        for (int i = 0; i < sizes.latencyRuns(); i++) {
            run.time(() -> client.run(h, spec, new ProcessStreams(new ByteCounter(), new ByteCounter())).await(WAIT));
        }
        report.latencies("run /bin/true to exit", run, floor, "runc exec /bin/true");
    }

    private static final long MIB = 1 << 20;

    /** busybox dd with 1 MiB blocks and the given operands. */
    private static JsonObject dd(String... operands) {
        jakarta.json.JsonArrayBuilder args = Json.createArrayBuilder().add("bs=" + MIB);
        for (String o : operands) {
            args.add(o);
        }
        return Json.createObjectBuilder().add("path", "dd").add("args", args).build();
    }

    private static JsonObject sh(String script) {
        return Json.createObjectBuilder().add("path", "sh")
                .add("args", Json.createArrayBuilder().add("-c").add(script)).build();
    }

    private void stdout(String h) throws Exception {
        long n = sizes.streamBytes();
        ByteCounter out = new ByteCounter();
        long t = System.nanoTime();
        // dd with 1 MiB blocks, not busybox head: in the container `head -c 1G /dev/zero | wc -c` alone
        // runs at about 230 MB/s (it writes small blocks), so the row measured head, not the cell.
        client.run(h, dd("if=/dev/zero", "count=" + n / MIB), new ProcessStreams(out, new ByteCounter())).await(WAIT);
        double s = seconds(t);
        check(out.count(), n, "stdout");
        report.throughput("stdout " + human(n), n / s, floors.pipe(n), "pipe", floors.loopback(n), "loopback socket");
    }

    private void stdin(String h) throws Exception {
        long n = sizes.streamBytes();
        ByteCounter out = new ByteCounter();
        String chunk = "g".repeat(64 * 1024);
        long t = System.nanoTime();
        // dd, not busybox wc -c (about 250 MB/s in the container: it counts as it reads); fullblock
        // makes its record count the number of whole MiB it read, which checks the bytes arrived.
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        GardenProcess p = client.run(h, dd("of=/dev/null", "iflag=fullblock"), new ProcessStreams(out, err));
        for (long sent = 0; sent < n; sent += chunk.length()) {
            p.stdin(chunk);
        }
        p.closeStdin();
        p.await(WAIT);
        double s = seconds(t);
        if (!err.toString(java.nio.charset.StandardCharsets.UTF_8).contains(n / MIB + "+0 records in")) {
            throw new IllegalStateException("stdin: dd in the container read " + err);
        }
        report.throughput("stdin " + human(n), n / s, floors.pipe(n), "pipe", floors.loopback(n), "loopback socket");
    }

    private void files(String h) throws Exception {
        long n = sizes.streamBytes();
        long t = System.nanoTime();
        client.streamIn(h, "/tmp/bench", "", TarSource.of("big", n));
        double in = seconds(t);
        report.throughput("StreamIn " + human(n), n / in, floors.pipe(n), "pipe", floors.loopback(n), "loopback socket");
        ByteCounter counter = new ByteCounter();
        t = System.nanoTime();
        try (InputStream tar = client.streamOut(h, "/tmp/bench/big", "")) {
            tar.transferTo(counter);
        }
        double out = seconds(t);
        report.throughput("StreamOut " + human(n), counter.count() / out, floors.pipe(n), "pipe",
                floors.loopback(n), "loopback socket");
        client.run(h, sh("rm -rf /tmp/bench"), ProcessStreams.none()).await(WAIT);
    }

    private void manyRuns(String h) throws Exception {
        // four clients at once: the figure is the RSS afterwards, and one client at a time would
        // take most of an hour for 10,000 runs on a loaded machine
        JsonObject spec = Json.createObjectBuilder().add("path", "/bin/true").build();
        long t = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < sizes.manyRuns(); i++) {
            all.add(pool.submit(() -> client.run(h, spec, new ProcessStreams(new ByteCounter(), new ByteCounter()))
                    .await(WAIT)));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("%d runs in %.1f s%n", sizes.manyRuns(), seconds(t));
        report.add("server RSS after " + sizes.manyRuns() + " runs", mib(server.rss()), "MiB", null, null);
    }

    private List<String> makeContainers(int n, String prefix) throws Exception {
        List<String> handles = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> made = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String h = prefix + i;
            made.add(pool.submit(() -> client.create(h)));
        }
        for (Future<String> f : made) {
            handles.add(f.get());
        }
        pool.shutdown();
        return handles;
    }

    private void destroyAll(List<String> handles) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> gone = new ArrayList<>();
        for (String h : handles) {
            gone.add(pool.submit(() -> client.destroy(h)));
        }
        for (Future<?> f : gone) {
            f.get();
        }
        pool.shutdown();
    }

    private void bulkMetrics() throws Exception {
        List<String> handles = makeContainers(sizes.containers(), "bench-m-");
        try {
            if (server != null) {
                report.add("server RSS with " + handles.size() + " containers", mib(server.rss()), "MiB", null, null);
            }
            Latencies bulk = new Latencies();
            for (int i = 0; i < 10; i++) {
                bulk.time(() -> client.bulkMetrics(handles));
            }
            report.latencies("bulk_metrics of " + handles.size() + " containers", bulk, null, null);
        } finally {
            destroyAll(handles);
        }
    }

    private void restart(int n) throws Exception {
        List<String> handles = makeContainers(n, "bench-r-");
        try {
            long ms = server.killAndStart(n);
            report.add("restart-to-ready (SIGKILL, " + n + " containers)", ms, "ms", null, null);
        } finally {
            destroyAll(handles);
        }
    }

    private static void check(long got, long want, String what) {
        if (got != want) {
            throw new IllegalStateException(what + ": received " + got + " bytes, expected " + want);
        }
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static double mib(long bytes) {
        return bytes / (double) (1 << 20);
    }

    private static String human(long bytes) {
        return bytes >= 1L << 30 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }

    /** The cell's server process: its RSS, and a SIGKILL with a restart timed to ready. */
    static final class ServerProcess {
        private final Path script;
        private final String name;
        private final GardenClient client;

        ServerProcess(Path script, String name, GardenClient client) {
            this.script = script;
            this.name = name;
            this.client = client;
        }

        long pid() throws Exception {
            Path wlp = script.toAbsolutePath().getParent().getParent();
            Path pidFile = wlp.resolve("usr/servers/.pid/" + name + ".pid");
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    return pid;
                }
                // a stale file left by a killed `server start`: look for the running launcher
            }
            // `server run` writes no pid file: the JVM running this installation's launcher for the server
            return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                            .map(c -> c.contains(wlp + "/bin/tools/ws-server.jar") && c.endsWith(" " + name)).orElse(false))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no server " + name + " running")).pid();
        }

        long rss() throws Exception {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            throw new IllegalStateException("no VmRSS");
        }

        private static Map<String, String> settings(long pid) throws Exception {
            Map<String, String> env = new LinkedHashMap<>();
            for (String kv : new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ"))).split("\0")) {
                int eq = kv.indexOf('=');
                if (eq > 0 && kv.startsWith("GREENHOUSE_")) {
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            return env;
        }

        /** SIGKILL, then {@code server start}: ms until /ping answers and all n containers are listed. */
        long killAndStart(int n) throws Exception {
            long pid = pid();
            // the restarted server gets the killed one's settings (GREENHOUSE_*), whatever the bench's are
            Map<String, String> env = settings(pid);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                Thread.sleep(20);
            }
            long t = System.nanoTime();
            ProcessBuilder start = new ProcessBuilder(script.toString(), "start", name).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            start.environment().putAll(env);
            start.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (System.nanoTime() < deadline) {
                try {
                    client.ping();
                    if (client.list(Map.of()).size() >= n) {
                        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
                    }
                } catch (RuntimeException e) {
                    // not up yet
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("the cell did not come back within 10 minutes");
        }
    }
}
