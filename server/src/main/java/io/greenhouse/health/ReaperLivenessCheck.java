package io.greenhouse.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Live while the grace-time reaper keeps its once-a-second beat: a stuck reaper means idle
 * containers pile up, and a restart (which keeps containers) is the cure. Before the first round
 * (containers still reloading) the cell counts as live, or a slow reload would get it killed.
 */
@Liveness
@ApplicationScoped
public class ReaperLivenessCheck implements HealthCheck {
    static final Duration STALE_AFTER = Duration.ofSeconds(30);

    private ReaperHeartbeat reaper;
    private Clock clock;

    protected ReaperLivenessCheck() {
    }

    @Inject
    public ReaperLivenessCheck(ReaperHeartbeat reaper) {
        this(reaper, Clock.systemUTC());
    }

    ReaperLivenessCheck(ReaperHeartbeat reaper, Clock clock) {
        this.reaper = reaper;
        this.clock = clock;
    }

    @Override
    public HealthCheckResponse call() {
        Runtime jvm = Runtime.getRuntime();
        long ago = millisSinceLastRound(reaper.lastRound(), clock.instant());
        return HealthCheckResponse.named("grace-time-reaper")
                .withData("lastRoundMillisAgo", ago)
                .withData("heapUsedBytes", jvm.totalMemory() - jvm.freeMemory())
                .withData("heapMaxBytes", jvm.maxMemory())
                .status(live(ago))
                .build();
    }

    /** -1 before the first round. */
    static long millisSinceLastRound(Optional<Instant> lastRound, Instant now) {
        return lastRound.map(last -> Duration.between(last, now).toMillis()).orElse(-1L);
    }

    static boolean live(long millisSinceLastRound) {
        return millisSinceLastRound <= STALE_AFTER.toMillis();
    }
}
