package io.greenhouse.bench;

import io.greenhouse.client.GardenClient;
import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures processes on a running cell: run-to-exit latency, stdout throughput, and the time from
 * a SIGKILLed server's restart until N containers, each with a running process, are served again.
 * A driver, not a test: run it by hand against a cell you started, e.g.
 *
 * <pre>
 *   mvn -q -B test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.greenhouse.bench.ProcessBenchmark \
 *     -Dexec.args="http://127.0.0.1:7777 50 target/liberty/wlp/bin/server greenhouse"
 * </pre>
 */
public final class ProcessBenchmark {
    private static final Duration WAIT = Duration.ofMinutes(5);

    public static void main(String[] args) throws Exception {
        GardenClient client = new GardenClient(URI.create(args[0]));
        int n = Integer.parseInt(args[1]);
        client.ping();
        client.create("pbench");
        try {
            latency(client, 100);
            for (long mib : List.of(64L, 1024L)) {
                throughput(client, mib);
            }
        } finally {
            client.destroy("pbench");
        }
        if (args.length >= 4) {
            restart(client, n, args[2], args[3]);
        }
    }

    private static JsonObject sh(String script) {
        return Json.createObjectBuilder().add("path", "sh").add("args", Json.createArrayBuilder().add("-c").add(script)).build();
    }

    /** Run, stream stdout/stderr, exit status received and streams ended: what a client waits for. */
    private static void latency(GardenClient client, int runs) {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            GardenProcess p = client.run("pbench", Json.createObjectBuilder().add("path", "true").build(),
                    ProcessStreams.collecting());
            p.await(WAIT);
            nanos.add(System.nanoTime() - t);
        }
        long[] ms = nanos.stream().mapToLong(x -> x / 1_000).sorted().toArray();
        System.out.printf("run-to-exit: n=%d median=%.1f ms p90=%.1f ms max=%.1f ms%n", ms.length,
                ms[ms.length / 2] / 1000.0, ms[(int) (ms.length * 0.9)] / 1000.0, ms[ms.length - 1] / 1000.0);
    }

    private static void throughput(GardenClient client, long mib) {
        Counter out = new Counter();
        long t = System.nanoTime();
        GardenProcess p = client.run("pbench", sh("head -c " + (mib << 20) + " /dev/zero"),
                new ProcessStreams(out, new Counter()));
        p.await(WAIT);
        double seconds = (System.nanoTime() - t) / 1e9;
        System.out.printf("stdout %d MiB: %.2f s, %.0f MiB/s (received %d bytes)%n", mib, seconds, mib / seconds, out.count);
    }

    private static void restart(GardenClient client, int n, String server, String name) throws Exception {
        for (int i = 0; i < n; i++) {
            client.create("pbench-" + i);
            client.run("pbench-" + i, Json.createObjectBuilder().add("id", "p").add("path", "cat").build(),
                    ProcessStreams.none()).close();
        }
        Path pidFile = Path.of(server).getParent().getParent().resolve("usr/servers/.pid/" + name + ".pid");
        exec(List.of("kill", "-9", Files.readString(pidFile).strip()));
        Thread.sleep(1000);
        long t = System.nanoTime();
        exec(List.of(server, "start", name));
        while (true) {
            try {
                client.ping();
                break;
            } catch (RuntimeException e) {
                Thread.sleep(50);
            }
        }
        long ready = System.nanoTime() - t;
        int served = 0;
        for (int i = 0; i < n; i++) {
            if (client.info("pbench-" + i).getJsonArray("ProcessIDs").size() == 1) {
                served++;
            }
        }
        System.out.printf("restart-to-ready after SIGKILL with %d containers (each with a running process): %d ms; "
                + "%d processes listed again%n", n, TimeUnit.NANOSECONDS.toMillis(ready), served);
        long attach = System.nanoTime();
        for (int i = 0; i < n; i++) {
            GardenProcess p = client.attach("pbench-" + i, "p", ProcessStreams.collecting());
            p.closeStdin();
            p.await(WAIT);
        }
        System.out.printf("reattach + exit of %d processes: %d ms%n", n, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - attach));
        for (int i = 0; i < n; i++) {
            client.destroy("pbench-" + i);
        }
        System.out.println("containers left: " + client.list(Map.of()).size());
    }

    private static void exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(120, TimeUnit.SECONDS);
    }

    /** Counts bytes in constant memory. */
    static final class Counter extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    private ProcessBenchmark() {
    }
}
