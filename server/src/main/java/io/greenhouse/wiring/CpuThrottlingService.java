package io.greenhouse.wiring;

import io.greenhouse.cgroups.CpuThrottling;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** Runs the CPU throttling check every interval on the cell's scheduler when throttling is on. */
@ApplicationScoped
public class CpuThrottlingService {
    private static final Logger LOG = Logger.getLogger(CpuThrottlingService.class.getName());

    private CpuThrottling throttling;
    private CellThreads threads;
    private ScheduledFuture<?> task;

    protected CpuThrottlingService() {
    }

    @Inject
    public CpuThrottlingService(CpuThrottling throttling, CellThreads threads) {
        this.throttling = throttling;
        this.threads = threads;
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        throttling.throttler().ifPresent(throttler -> {
            long millis = throttling.interval().toMillis();
            task = threads.scheduler().scheduleWithFixedDelay(throttler, millis, millis, TimeUnit.MILLISECONDS);
            LOG.info(() -> "CPU throttling on: checked every " + throttling.interval());
        });
    }

    @PreDestroy
    void onStop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
