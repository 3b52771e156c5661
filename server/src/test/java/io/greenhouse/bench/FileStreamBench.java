package io.greenhouse.bench;

import io.greenhouse.client.GardenClient;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures StreamIn and StreamOut of one large file against a running cell, with the server's
 * heap sampled throughout (jstat on the server's pid). Not a test: run it by hand.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/bench.cp) io.greenhouse.bench.FileStreamBench \
 *     http://127.0.0.1:7791 SERVER_PID [GiB]
 * </pre>
 */
public final class FileStreamBench {
    public static void main(String[] args) throws Exception {
        GardenClient client = new GardenClient(URI.create(args[0]));
        long serverPid = Long.parseLong(args[1]);
        long size = (long) (Double.parseDouble(args.length > 2 ? args[2] : "1") * (1L << 30));
        String handle = "bench-" + System.currentTimeMillis();
        client.create(handle);
        try {
            HeapSampler heap = new HeapSampler(serverPid);
            heap.gc();
            long baseline = heap.used();
            System.out.printf("server heap after GC before: %.1f MiB%n", mib(baseline));

            heap.start();
            long t0 = System.nanoTime();
            client.streamIn(handle, "/bench", "", tarOf("big", size));
            double in = seconds(t0);
            long peakIn = heap.stopPeak();
            heap.gc();
            System.out.printf("stream-in  %.2f GiB in %.1f s = %.0f MiB/s; server heap peak %.1f MiB, after GC %.1f MiB%n",
                    size / (double) (1L << 30), in, mib(size) / in, mib(peakIn), mib(heap.used()));

            heap.start();
            long t1 = System.nanoTime();
            long read = 0;
            try (InputStream out = client.streamOut(handle, "/bench/big", "")) {
                byte[] buffer = new byte[256 * 1024];
                int n;
                while ((n = out.read(buffer)) != -1) {
                    read += n;
                }
            }
            double outSeconds = seconds(t1);
            long peakOut = heap.stopPeak();
            heap.gc();
            System.out.printf("stream-out %.2f GiB in %.1f s = %.0f MiB/s; server heap peak %.1f MiB, after GC %.1f MiB%n",
                    read / (double) (1L << 30), outSeconds, mib(read) / outSeconds, mib(peakOut), mib(heap.used()));
        } finally {
            client.destroy(handle);
        }
    }

    /** A tar of one file of {@code size} bytes, generated as it is read. */
    static InputStream tarOf(String name, long size) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        TarArchiveOutputStream tar = new TarArchiveOutputStream(header);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        tar.putArchiveEntry(e);
        tar.flush();
        long padding = (512 - size % 512) % 512;
        return new SequenceInputStream(Collections.enumeration(List.of(
                new java.io.ByteArrayInputStream(Arrays.copyOf(header.toByteArray(), 512)),
                new PatternStream(size + padding + 1024))));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static double mib(long bytes) {
        return bytes / (double) (1 << 20);
    }

    /** Bytes without holding them: a repeating pattern, then zeros for the end of the archive. */
    private static final class PatternStream extends InputStream {
        private long left;

        PatternStream(long size) {
            left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, left > 1024 + 512 ? (byte) 'g' : 0);
            left -= n;
            return n;
        }
    }

    /** Samples the used heap of another JVM with jstat. */
    private static final class HeapSampler {
        private final long pid;
        private final AtomicLong peak = new AtomicLong();
        private volatile boolean running;
        private Thread thread;

        HeapSampler(long pid) {
            this.pid = pid;
        }

        void start() {
            peak.set(0);
            running = true;
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(used(), Math::max);
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        long stopPeak() throws InterruptedException {
            running = false;
            thread.join();
            return peak.get();
        }

        void gc() throws IOException, InterruptedException {
            new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }

        /** S0U + S1U + EU + OU of jstat -gc, in bytes. */
        long used() {
            try {
                Process p = new ProcessBuilder("jstat", "-gc", Long.toString(pid)).start();
                String[] lines = new String(p.getInputStream().readAllBytes()).strip().split("\n");
                String[] head = lines[0].trim().split("\\s+");
                String[] vals = lines[1].trim().split("\\s+");
                double kb = 0;
                for (int i = 0; i < head.length; i++) {
                    if (List.of("S0U", "S1U", "EU", "OU").contains(head[i])) {
                        kb += Double.parseDouble(vals[i]);
                    }
                }
                return (long) (kb * 1024);
            } catch (IOException e) {
                return 0;
            }
        }
    }
}
