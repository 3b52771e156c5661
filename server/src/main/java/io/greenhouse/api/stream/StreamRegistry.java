package io.greenhouse.api.stream;

import io.greenhouse.backend.ContainerProcess;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stream ids handed out with each Run and Attach, by which the client then asks for that
 * process's stdout and stderr, and every upgraded connection still open (closed at shutdown).
 */
public final class StreamRegistry {
    /** How long a stream id waits for its stdout/stderr requests, as Guardian's streamer grace time. */
    static final Duration CLAIM_WINDOW = Duration.ofMinutes(1);

    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Set<UpgradedConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** Threads for what must not run on Liberty's callbacks: starting streams, closing sockets. */
    private final Executor threads;

    public StreamRegistry(Executor threads) {
        this.threads = threads;
    }

    /** On a thread of the cell's; on the caller's once the cell no longer takes tasks (shutting down). */
    void execute(Runnable task) {
        try {
            threads.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    record Session(String handle, String processId, ContainerProcess process, long expiresAtNanos,
                   Set<String> claimed) {
    }

    String register(String handle, ContainerProcess process) {
        purgeExpired();
        String id = Long.toString(ids.incrementAndGet());
        sessions.put(id, new Session(handle, process.id(), process,
                System.nanoTime() + CLAIM_WINDOW.toNanos(), ConcurrentHashMap.newKeySet()));
        return id;
    }

    /** The process of the stream, once per kind ("stdout", "stderr"); null if unknown or taken. */
    ContainerProcess claim(String handle, String processId, String streamId, String kind) {
        Session s = sessions.get(streamId);
        if (s == null || !s.handle().equals(handle) || !s.processId().equals(processId) || !s.claimed().add(kind)) {
            return null;
        }
        if (s.claimed().size() == 2) {
            sessions.remove(streamId, s);
        }
        return s.process();
    }

    private void purgeExpired() {
        long now = System.nanoTime();
        sessions.values().removeIf(s -> now - s.expiresAtNanos() > 0);
    }

    /** Tracks an open connection; false (and the caller closes it) once the server is shutting down. */
    boolean opened(UpgradedConnection c) {
        open.add(c);
        if (closed) {
            open.remove(c);
            return false;
        }
        return true;
    }

    void closed(UpgradedConnection c) {
        open.remove(c);
    }

    /** Detaches every client: their processes keep running; the Go client can Attach again. */
    public void closeAll() {
        closed = true;
        sessions.clear();
        for (UpgradedConnection c : open.toArray(UpgradedConnection[]::new)) {
            c.close();
        }
    }

    int openConnections() {
        return open.size();
    }
}
