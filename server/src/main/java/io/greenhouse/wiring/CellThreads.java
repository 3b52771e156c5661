package io.greenhouse.wiring;

import io.greenhouse.backend.LogContext;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every thread the cell starts, in one place (LayeringTest forbids {@code new Thread} and
 * {@code Executors} anywhere else). In the server both come from Liberty (Jakarta Concurrency,
 * the {@code concurrent-3.0} feature): the scheduler is the default managed scheduled executor,
 * and {@link #tasks()} is a pool over the default managed thread factory, so every thread carries
 * the application's context and Liberty stops them with the application.
 *
 * <p>The tasks are long-lived and blocking (a process's output pump lives as long as the process,
 * a stream pump as long as its client), so they get threads of their own from the managed thread
 * factory, which is what the spec provides it for, rather than the managed executor, whose threads
 * are Liberty's shared pool that also serves HTTP requests. Idle threads go after a minute.
 *
 * <p>Adapters never see this class: they take a plain {@link Executor} in their constructors, so
 * unit tests pass one of their own.
 */
public final class CellThreads implements AutoCloseable {
    private final ThreadPoolExecutor tasks;
    private final ScheduledExecutorService scheduler;
    private final Executor carrying;

    public CellThreads(ThreadFactory threads, ScheduledExecutorService scheduler) {
        this(threads, scheduler, LogContext.NONE);
    }

    /** A task logs about the container (and process) its submitter was logging about. */
    public CellThreads(ThreadFactory threads, ScheduledExecutorService scheduler, LogContext logContext) {
        this.tasks = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threads);
        this.scheduler = scheduler;
        this.carrying = task -> tasks.execute(logContext.carrying(task));
    }

    /** Runs blocking, possibly long-running tasks, each on a thread at once. */
    public Executor tasks() {
        return carrying;
    }

    /**
     * {@code lanes} threads for the reload at start; shut it down once the reload is done. Plain
     * daemon threads, the only ones the cell makes itself: the application's start waits for the
     * reload, and a managed thread (or a managed executor's task) does not begin before the
     * application has started (its context waits for the web application's initialisation), so
     * managed ones would wait for each other forever.
     */
    public ExecutorService reloadThreads(int lanes) {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(lanes, lanes, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread t = new Thread(task, "greenhouse-reload-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Periodic work (the grace-time reaper). Owned by the container in the server: cancel what you
     * schedule, never shut it down (a managed executor refuses that).
     */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * Takes no new tasks. Running ones are not interrupted: they end as the cell detaches from its
     * processes and clients (CellLifecycle, StreamRegistry), in whatever order CDI stops those.
     */
    @Override
    public void close() {
        tasks.shutdown();
    }
}
