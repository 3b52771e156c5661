package io.greenhouse.bench;

import io.greenhouse.client.GardenClient;
import io.greenhouse.client.ProcessStreams;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * What many short processes in one container leave behind, as Diego's health checks run one
 * every few seconds: N sequential runs of {@code true}, each waited for, with the depot entries
 * under the container's processes directory and the server's heap (after a full GC when the
 * server's pid is given, else as /debug/vars reports it) before, every N/10 runs and after.
 * A driver, not a test: run it by hand against a cell you started, e.g.
 *
 * <pre>
 *   mvn -q -B test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.greenhouse.bench.ProcessPruneBenchmark \
 *     -Dexec.args="http://127.0.0.1:7777 10000 /var/lib/greenhouse/depot $(cat target/liberty/wlp/usr/servers/.pid/greenhouse.pid)"
 * </pre>
 *
 * Arguments: cell URL, runs (default 10000), the cell's depot directory (default
 * /var/lib/greenhouse/depot), and optionally the server's pid (for jcmd: a GC before each heap
 * reading, and the count of process objects the server holds).
 */
public final class ProcessPruneBenchmark {
    private static final String HANDLE = "prune-bench";
    private static final Duration WAIT = Duration.ofMinutes(1);

    public static void main(String[] args) throws Exception {
        GardenClient client = new GardenClient(URI.create(args[0]));
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Path depot = Path.of(args.length > 2 ? args[2] : "/var/lib/greenhouse/depot");
        String pid = args.length > 3 ? args[3] : null;
        client.ping();
        client.create(HANDLE);
        try {
            Path processes = depot.resolve(HANDLE).resolve("processes");
            JsonObject spec = Json.createObjectBuilder().add("path", "true").build();
            report(client, processes, pid, "before", 0, 0);
            long started = System.nanoTime();
            int step = Math.max(1, runs / 10);
            for (int i = 1; i <= runs; i++) {
                int status = client.run(HANDLE, spec, ProcessStreams.collecting()).await(WAIT);
                if (status != 0) {
                    throw new IllegalStateException("run " + i + " exited " + status);
                }
                if (i % step == 0 && i != runs) {
                    report(client, processes, pid, "progress", i, System.nanoTime() - started);
                }
            }
            long elapsed = System.nanoTime() - started;
            report(client, processes, pid, "after", runs, elapsed);
            System.out.printf("%d runs in %.1f s: %.1f ms per run-to-exit%n", runs, elapsed / 1e9, elapsed / 1e6 / runs);
            // The last exits were delivered a moment ago: their removal may still have been under way.
            Thread.sleep(2000);
            report(client, processes, pid, "settled", runs, System.nanoTime() - started);
        } finally {
            client.destroy(HANDLE);
        }
    }

    private static void report(GardenClient client, Path processes, String pid, String label, int runs, long nanos)
            throws Exception {
        if (pid != null) {
            jcmd(pid, "GC.run");
        }
        JsonObject mem = Json.createReader(new StringReader(client.raw("GET", "/debug/vars", null).body()))
                .readObject().getJsonObject("memstats");
        String objects = pid == null ? "" : String.format(" MonitoredProcess objects=%d", instances(pid,
                "io.greenhouse.process.MonitoredProcess"));
        System.out.printf("%-8s runs=%5d t=%6.1fs depot entries=%d heap used=%.1f MiB%s%n", label, runs, nanos / 1e9,
                entries(processes), mem.getJsonNumber("HeapAlloc").longValue() / 1048576.0, objects);
    }

    private static long entries(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Live instances of the class in the server's heap (jcmd's histogram forces a full GC). */
    private static long instances(String pid, String className) throws Exception {
        for (String line : jcmd(pid, "GC.class_histogram").lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[3].equals(className)) {
                return Long.parseLong(f[1]);
            }
        }
        return 0;
    }

    private static String jcmd(String pid, String command) throws Exception {
        Process p = new ProcessBuilder(List.of("jcmd", pid, command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + command + ": " + out);
        }
        return out;
    }
}
