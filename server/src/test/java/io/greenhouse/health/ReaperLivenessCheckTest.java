package io.greenhouse.health;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static io.greenhouse.health.ReaperLivenessCheck.live;
import static io.greenhouse.health.ReaperLivenessCheck.millisSinceLastRound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The liveness decision; the check itself is exercised in the server (HealthChecksInServerIT). */
class ReaperLivenessCheckTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void liveWhileTheReaperKeepsItsBeat() {
        long ago = millisSinceLastRound(Optional.of(NOW.minusSeconds(1)), NOW);
        assertEquals(1000, ago);
        assertTrue(live(ago));
    }

    @Test
    void deadWhenTheReaperHasBeenStuckTooLong() {
        Instant last = NOW.minus(ReaperLivenessCheck.STALE_AFTER).minus(Duration.ofMillis(1));
        assertFalse(live(millisSinceLastRound(Optional.of(last), NOW)));
    }

    @Test
    void liveBeforeTheFirstRoundSoASlowReloadIsNotKilled() {
        long ago = millisSinceLastRound(Optional.empty(), NOW);
        assertEquals(-1, ago);
        assertTrue(live(ago));
    }
}
