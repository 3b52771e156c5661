package io.greenhouse.bench;

import java.util.ArrayList;
import java.util.List;

/** Durations of one operation, thread-safe; median and p95 in milliseconds. */
final class Latencies {
    interface Op {
        void run() throws Exception;
    }

    private final List<Long> nanos = new ArrayList<>();

    void time(Op op) throws Exception {
        long t = System.nanoTime();
        op.run();
        long d = System.nanoTime() - t;
        synchronized (nanos) {
            nanos.add(d);
        }
    }

    double median() {
        return percentile(0.5);
    }

    double p95() {
        return percentile(0.95);
    }

    int count() {
        synchronized (nanos) {
            return nanos.size();
        }
    }

    private double percentile(double p) {
        long[] sorted;
        synchronized (nanos) {
            sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
