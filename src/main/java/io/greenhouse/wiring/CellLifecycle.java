package io.greenhouse.wiring;

import io.greenhouse.backend.GardenBackend;
import io.greenhouse.backend.ProcessTable;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reloads the containers of the previous run when the application starts, then reaps containers
 * whose grace time ran out, and finished processes nobody claimed, once a second. Stopping the server leaves containers running.
 */
@ApplicationScoped
public class CellLifecycle {
    private static final Logger LOG = Logger.getLogger(CellLifecycle.class.getName());

    private GardenBackend backend;
    private ProcessTable processes;
    private ScheduledExecutorService reaper;
    /** When the reaper last finished a round; null until it first has. */
    private volatile java.time.Instant lastReap;

    protected CellLifecycle() {
    }

    @Inject
    public CellLifecycle(GardenBackend backend, ProcessTable processes) {
        this.backend = backend;
        this.processes = processes;
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        long started = System.nanoTime();
        backend.reload();
        LOG.info(() -> String.format("greenhouse ready: %d containers reloaded in %d ms",
                backend.handles(java.util.Map.of()).size(), (System.nanoTime() - started) / 1_000_000));
        reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "greenhouse-grace-time-reaper");
            t.setDaemon(true);
            return t;
        });
        reaper.scheduleWithFixedDelay(this::reap, 1, 1, TimeUnit.SECONDS);
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
        lastReap = java.time.Instant.now();
    }

    /** The reaper's heartbeat, for the liveness check: empty before its first round. */
    public java.util.Optional<java.time.Instant> lastReap() {
        return java.util.Optional.ofNullable(lastReap);
    }

    @PreDestroy
    void onStop() {
        // Processes keep running under their monitors; the next server reattaches to them.
        backend.detachAll();
        if (reaper != null) {
            reaper.shutdownNow();
        }
    }
}
