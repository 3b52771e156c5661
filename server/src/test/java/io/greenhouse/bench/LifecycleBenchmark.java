package io.greenhouse.bench;

import io.greenhouse.client.GardenClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures a running cell: create and destroy latency, and the time from a server (re)start to
 * ready with N containers in the depot. A driver, not a test: run it by hand against a cell you
 * started, e.g.
 *
 * <pre>
 *   mvn -q -B test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.greenhouse.bench.LifecycleBenchmark \
 *     -Dexec.args="http://127.0.0.1:7777 50 target/liberty/wlp/bin/server greenhouse"
 * </pre>
 *
 * Arguments: cell URL, number of containers, and optionally the Liberty server script and server
 * name (to measure restart-to-ready; both a graceful restart and one after SIGKILL).
 */
public final class LifecycleBenchmark {
    public static void main(String[] args) throws Exception {
        GardenClient client = new GardenClient(URI.create(args[0]));
        int n = Integer.parseInt(args[1]);
        client.ping();

        List<Long> creates = new ArrayList<>();
        List<String> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            handles.add(client.create("bench-" + i));
            creates.add(System.nanoTime() - t);
        }
        report("create", creates);

        if (args.length >= 4) {
            String server = args[2];
            String name = args[3];
            long graceful = restart(client, List.of(server, "stop", name), server, name, n);
            System.out.printf("restart-to-ready (graceful stop, %d containers): %d ms%n", n, graceful);
            Path pidFile = Path.of(server).getParent().getParent().resolve("usr/servers/.pid/" + name + ".pid");
            String pid = Files.readString(pidFile).strip();
            long killed = restart(client, List.of("kill", "-9", pid), server, name, n);
            System.out.printf("restart-to-ready (after SIGKILL, %d containers): %d ms%n", n, killed);
        }

        List<Long> destroys = new ArrayList<>();
        for (String h : handles) {
            long t = System.nanoTime();
            client.destroy(h);
            destroys.add(System.nanoTime() - t);
        }
        report("destroy", destroys);
    }

    /** Stops the server one way, starts it, and times from start to every container listed again. */
    private static long restart(GardenClient client, List<String> stop, String server, String name, int n)
            throws Exception {
        exec(stop);
        Thread.sleep(1000);
        long t = System.nanoTime();
        exec(List.of(server, "start", name));
        while (true) {
            try {
                client.ping();
                if (client.list(Map.of()).size() >= n) {
                    break;
                }
            } catch (RuntimeException e) {
                // not up yet
            }
            Thread.sleep(50);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
    }

    private static void exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(120, TimeUnit.SECONDS);
    }

    static void report(String what, List<Long> nanos) {
        long[] ms = nanos.stream().mapToLong(x -> x / 1_000_000).sorted().toArray();
        System.out.printf("%s: n=%d median=%d ms p90=%d ms max=%d ms mean=%.1f ms%n", what, ms.length,
                ms[ms.length / 2], ms[(int) (ms.length * 0.9)], ms[ms.length - 1],
                Arrays.stream(ms).average().orElse(0));
    }

    private LifecycleBenchmark() {
    }
}
