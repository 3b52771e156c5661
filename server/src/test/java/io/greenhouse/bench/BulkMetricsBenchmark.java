package io.greenhouse.bench;

import io.greenhouse.client.GardenClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Times bulk_metrics for N containers (each with a disk limit, so each is on the quota store and its
 * disk stat comes from the store's accounting) on a running cell. A driver, not a test:
 *
 * <pre>
 *   mvn -q -B test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.greenhouse.bench.BulkMetricsBenchmark \
 *     -Dexec.args="http://127.0.0.1:7777 250 20"
 * </pre>
 * Arguments: the cell, how many containers (default 250), how many timed rounds (default 20).
 */
public final class BulkMetricsBenchmark {

    public static void main(String[] args) throws Exception {
        GardenClient client = new GardenClient(URI.create(args[0]));
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 250;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        client.ping();
        List<String> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            handles.add("mbench-" + i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            long t = System.nanoTime();
            List<Future<?>> made = new ArrayList<>();
            for (String h : handles) {
                made.add(pool.submit(() -> client.create(spec(h))));
            }
            for (Future<?> f : made) {
                f.get();
            }
            System.out.printf("created %d containers in %.1f s%n", n, (System.nanoTime() - t) / 1e9);
            // one warm-up (JIT, first commit), then the timed rounds
            check(client.bulkMetrics(handles), n);
            List<Long> nanos = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                long s = System.nanoTime();
                JsonObject answer = client.bulkMetrics(handles);
                nanos.add(System.nanoTime() - s);
                check(answer, n);
            }
            Collections.sort(nanos);
            System.out.printf("bulk_metrics of %d containers, %d rounds: median %.1f ms, p90 %.1f ms, max %.1f ms%n", n,
                    rounds, nanos.get(rounds / 2) / 1e6, nanos.get(rounds * 9 / 10) / 1e6, nanos.get(rounds - 1) / 1e6);
        } finally {
            List<Future<?>> gone = new ArrayList<>();
            for (String h : handles) {
                gone.add(pool.submit(() -> {
                    try {
                        client.destroy(h);
                    } catch (RuntimeException ignored) {
                        // never made
                    }
                }));
            }
            for (Future<?> f : gone) {
                f.get();
            }
            pool.shutdown();
        }
    }

    private static JsonObject spec(String handle) {
        return Json.createObjectBuilder().add("handle", handle)
                .add("limits", Json.createObjectBuilder()
                        .add("memory_limits", Json.createObjectBuilder().add("limit_in_bytes", 64L << 20))
                        .add("disk_limits", Json.createObjectBuilder().add("byte_hard", 64L << 20).add("scope", 1)))
                .build();
    }

    private static void check(JsonObject answer, int n) {
        long ok = answer.values().stream().filter(v -> v.asJsonObject().get("Metrics") != null
                && !v.asJsonObject().isNull("Metrics")).count();
        if (ok != n) {
            throw new IllegalStateException(ok + " of " + n + " answered with metrics: " + answer.toString()
                    .substring(0, Math.min(500, answer.toString().length())));
        }
    }
}
