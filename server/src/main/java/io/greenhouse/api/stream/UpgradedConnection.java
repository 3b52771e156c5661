package io.greenhouse.api.stream;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A connection taken over after the response headers, written from our own threads. A read
 * listener is always registered: without one Liberty closes the socket when init returns.
 */
abstract class UpgradedConnection implements HttpUpgradeHandler {
    private static final Logger LOG = Logger.getLogger(UpgradedConnection.class.getName());

    private final AtomicBoolean closed = new AtomicBoolean();
    private WebConnection connection;
    private ServletOutputStream out;
    private StreamRegistry registry;

    void registry(StreamRegistry r) {
        this.registry = r;
    }

    @Override
    public final void init(WebConnection wc) {
        this.connection = wc;
        try {
            out = wc.getOutputStream();
            ServletInputStream in = wc.getInputStream();
            in.setReadListener(new ReadListener() {
                private final byte[] buffer = new byte[16 * 1024];

                @Override
                public void onDataAvailable() throws IOException {
                    while (in.isReady()) {
                        int n = in.read(buffer);
                        if (n < 0) {
                            return;
                        }
                        received(buffer, n);
                    }
                }

                @Override
                public void onAllDataRead() {
                    close();
                }

                @Override
                public void onError(Throwable t) {
                    LOG.log(Level.FINE, "client connection failed", t);
                    close();
                }
            });
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not take over the connection", e);
            close();
            return;
        }
        if (!registry.opened(this)) {
            close();
            return;
        }
        // Liberty finishes taking over the socket only after init returns: closing the connection
        // before that blocks forever, so streaming (which may end at once) starts on our own thread.
        registry.execute(this::started);
    }

    /** The connection is ours: start streaming. */
    abstract void started();

    /** Bytes the client sent after the request. */
    abstract void received(byte[] data, int length);

    /** Called once, when the connection closes for whatever reason. */
    abstract void closing();

    public void write(byte[] data, int offset, int length) throws IOException {
        synchronized (this) {
            if (closed.get()) {
                throw new IOException("connection closed");
            }
            out.write(data, offset, length);
            out.flush();
        }
    }

    final boolean isClosed() {
        return closed.get();
    }

    final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            closing();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing a process stream", e);
        }
        if (registry != null) {
            registry.closed(this);
        }
        WebConnection c = connection;
        if (c != null) {
            // Not under the write lock: closing is what unblocks a write stuck on a client that
            // stopped reading. Not on the caller's thread either: it may be a Liberty callback
            // (or init), during which closing the connection waits for that very callback.
            registry.execute(() -> {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.log(Level.FINE, "closing an upgraded connection", e);
                }
            });
        }
    }

    @Override
    public void destroy() {
        close();
    }
}
