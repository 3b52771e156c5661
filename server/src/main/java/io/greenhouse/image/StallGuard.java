package io.greenhouse.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A blob body that gives up when no byte arrives for {@code limit}: java.net.http's request timeout
 * ends with the response headers, so a registry that stalls mid-layer would hang a create forever.
 * A check every second, scheduled with the JDK's shared delayer (no thread of our own), closes the
 * response stream, which cancels the exchange and makes the blocked read throw.
 */
final class StallGuard extends FilterInputStream {
    private final Duration limit;
    private final long limitNanos;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean closed;
    private volatile boolean stalled;

    private StallGuard(InputStream in, Duration limit) {
        super(in);
        this.limit = limit;
        this.limitNanos = limit.toNanos();
    }

    static InputStream guard(InputStream in, Duration limit) {
        StallGuard g = new StallGuard(in, limit);
        g.schedule();
        return g;
    }

    private void schedule() {
        long checkMillis = Math.max(10, Math.min(1000, limit.toMillis() / 2));
        CompletableFuture.delayedExecutor(checkMillis, TimeUnit.MILLISECONDS).execute(this::check);
    }

    private void check() {
        if (closed) {
            return;
        }
        if (System.nanoTime() - lastProgress > limitNanos) {
            stalled = true;
            try {
                in.close();
            } catch (IOException e) {
                // closing is all we can do
            }
            return;
        }
        schedule();
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            lastProgress = System.nanoTime();
            return b;
        } catch (IOException e) {
            throw stalled ? stall(e) : e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = super.read(b, off, len);
            lastProgress = System.nanoTime();
            return n;
        } catch (IOException e) {
            throw stalled ? stall(e) : e;
        }
    }

    private IOException stall(IOException cause) {
        return new IOException("no data for " + limit.toMillis() + " ms", cause);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        super.close();
    }
}
