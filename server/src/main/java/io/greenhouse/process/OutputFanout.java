package io.greenhouse.process;

import io.greenhouse.backend.OutputSink;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One output stream (stdout or stderr) of a process, fanned out to every attached sink.
 *
 * <p>With sinks attached, a publish blocks until all of them took the bytes, which slows the
 * reader and, through the monitor, the process: nothing is lost. With none, bytes are kept up to
 * a bound for the next sink. Beyond the bound the oldest are dropped, except while a client is
 * known to be about to attach ({@link #holdUntil}): then publishing waits for it.
 */
final class OutputFanout {
    private static final Logger LOG = Logger.getLogger(OutputFanout.class.getName());

    private final int bound;
    private final List<OutputSink> sinks = new ArrayList<>();
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private int pendingBytes;
    private long holdUntilNanos;
    private boolean holding;
    private boolean ended;

    OutputFanout(int bound) {
        this.bound = bound;
    }

    /** Hands the bytes to the sinks (or the buffer); may block while they are slow. */
    void publish(byte[] data) throws InterruptedException {
        publish(data, data.length);
    }

    /**
     * Hands the first length bytes of data to the sinks (or a copy to the buffer); may block while
     * they are slow. The array is the caller's again once this returns: the reader reuses it.
     */
    void publish(byte[] data, int length) throws InterruptedException {
        List<OutputSink> targets;
        synchronized (this) {
            if (ended) {
                return;
            }
            while (sinks.isEmpty() && holding && pendingBytes + length > bound && !ended) {
                long wait = holdUntilNanos - System.nanoTime();
                if (wait <= 0) {
                    holding = false;
                    break;
                }
                wait(Math.max(1, wait / 1_000_000));
            }
            if (sinks.isEmpty()) {
                keep(java.util.Arrays.copyOf(data, length));
                return;
            }
            targets = List.copyOf(sinks);
            // Sinks are written outside the lock so attaching and ending never wait on a slow
            // client; writing in publish order is kept because only the one reader thread publishes.
        }
        for (OutputSink sink : targets) {
            try {
                sink.write(data, 0, length);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "output sink failed; detaching it", e);
                detach(sink);
                sink.end();
            }
        }
    }

    private void keep(byte[] data) {
        pending.add(data);
        pendingBytes += data.length;
        while (pendingBytes > bound && pending.size() > 1) {
            pendingBytes -= pending.removeFirst().length;
        }
        if (pendingBytes > bound) {
            byte[] only = pending.removeFirst();
            byte[] tail = java.util.Arrays.copyOfRange(only, only.length - bound, only.length);
            pending.add(tail);
            pendingBytes = tail.length;
        }
    }

    /** Sends what is buffered, then future output, to the sink; ends it at once if the stream has ended. */
    void attach(OutputSink sink) {
        List<byte[]> backlog;
        boolean over;
        synchronized (this) {
            backlog = new ArrayList<>(pending);
            pending.clear();
            pendingBytes = 0;
            over = ended;
            holding = false;
            notifyAll();
            if (!over) {
                // Registered only after the backlog is written (below), under the same order
                // guarantee: the reader cannot publish to the sink before it is in the list.
                sinks.add(sink);
            }
            try {
                for (byte[] chunk : backlog) {
                    sink.write(chunk, 0, chunk.length);
                }
            } catch (IOException | RuntimeException e) {
                sinks.remove(sink);
                over = true;
            }
        }
        if (over) {
            sink.end();
        }
    }

    synchronized void detach(OutputSink sink) {
        sinks.remove(sink);
    }

    /** Until a sink attaches or the deadline passes, output beyond the bound waits instead of dropping. */
    synchronized void holdUntil(long deadlineNanos) {
        if (!ended && sinks.isEmpty()) {
            holding = true;
            holdUntilNanos = deadlineNanos;
        }
    }

    /** No more output will come: every sink (and every later one) is ended. */
    void end() {
        List<OutputSink> targets;
        synchronized (this) {
            ended = true;
            holding = false;
            targets = List.copyOf(sinks);
            sinks.clear();
            notifyAll();
        }
        targets.forEach(OutputSink::end);
    }

    /** Ends the stream and drops what was buffered (the container is going away). */
    void discard() {
        synchronized (this) {
            pending.clear();
            pendingBytes = 0;
        }
        end();
    }

    synchronized int buffered() {
        return pendingBytes;
    }
}
