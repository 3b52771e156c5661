package io.greenhouse.wiring;

import io.greenhouse.backend.GardenBackend;
import io.greenhouse.backend.ProcessTable;
import io.greenhouse.health.ReaperHeartbeat;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reloads the containers of the previous run when the application starts, then reaps containers
 * whose grace time ran out, and finished processes nobody claimed, once a second, on the cell's
 * scheduler. Stopping the server leaves containers running.
 */
@ApplicationScoped
public class CellLifecycle implements ReaperHeartbeat {
    private static final Logger LOG = Logger.getLogger(CellLifecycle.class.getName());

    private GardenBackend backend;
    private ProcessTable processes;
    /** The cell's clock, the one the liveness check compares the heartbeat with. */
    private Clock clock;
    private ScheduledExecutorService scheduler;
    /** Threads for the containers brought back at once at start (CellThreads#reloadThreads says why not managed ones). */
    private IntFunction<ExecutorService> reloadThreads;
    private int reloadLanes;
    private ScheduledFuture<?> reaper;
    /** When the reaper last finished a round; null until it first has. */
    private volatile Instant lastReap;

    protected CellLifecycle() {
    }

    @Inject
    public CellLifecycle(GardenBackend backend, ProcessTable processes, CellThreads threads, Clock clock,
                         Settings settings) {
        this(backend, processes, threads.scheduler(), clock, threads::reloadThreads, settings.reloadLanes());
    }

    /** With any scheduler and clock, for tests. */
    CellLifecycle(GardenBackend backend, ProcessTable processes, ScheduledExecutorService scheduler, Clock clock,
                  IntFunction<ExecutorService> reloadThreads, int reloadLanes) {
        this.backend = backend;
        this.processes = processes;
        this.scheduler = scheduler;
        this.clock = clock;
        this.reloadThreads = reloadThreads;
        this.reloadLanes = reloadLanes;
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        long started = System.nanoTime();
        ExecutorService lanes = reloadThreads.apply(reloadLanes);
        try {
            backend.reload(lanes, reloadLanes);
        } finally {
            lanes.shutdown();
        }
        LOG.info(() -> String.format("greenhouse ready: %d containers reloaded in %d ms",
                backend.handles(java.util.Map.of()).size(), (System.nanoTime() - started) / 1_000_000));
        reaper = scheduler.scheduleWithFixedDelay(this::reap, 1, 1, TimeUnit.SECONDS);
    }

    private void reap() {
        try {
            backend.reapExpired();
            backend.recheckDoubtful();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "grace-time reaper failed", e);
        }
        try {
            processes.pruneExpired();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "pruning finished processes failed", e);
        }
        lastReap = clock.instant();
    }

    @Override
    public Optional<Instant> lastRound() {
        return Optional.ofNullable(lastReap);
    }

    @PreDestroy
    void onStop() {
        // Processes keep running under their monitors; the next server reattaches to them.
        backend.detachAll();
        // Cancelled, not shut down: the scheduler is the server's (a managed one refuses shutdown).
        if (reaper != null) {
            reaper.cancel(false);
        }
    }
}
