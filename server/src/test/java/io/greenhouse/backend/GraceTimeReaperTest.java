package io.greenhouse.backend;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GraceTimeReaperTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final GraceTimeReaper reaper = new GraceTimeReaper(clock);

    @Test
    void containerExpiresOnceItsGraceTimePassesWithoutActivity() {
        reaper.track("h", Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(9));
        assertEquals(List.of(), reaper.expired());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of("h"), reaper.expired());
    }

    @Test
    void zeroGraceTimeNeverExpires() {
        reaper.track("h", Duration.ZERO);
        clock.advance(Duration.ofDays(365));
        assertEquals(List.of(), reaper.expired());
    }

    @Test
    void touchRestartsTheClock() {
        reaper.track("h", Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(8));
        reaper.touch("h");
        clock.advance(Duration.ofSeconds(8));
        assertEquals(List.of(), reaper.expired());
        clock.advance(Duration.ofSeconds(2));
        assertEquals(List.of("h"), reaper.expired());
    }

    @Test
    void heldContainerNeverExpiresAndTheClockRestartsOnRelease() {
        reaper.track("h", Duration.ofSeconds(10));
        GraceTimeReaper.Activity activity = reaper.hold("h");
        clock.advance(Duration.ofMinutes(5));
        assertEquals(List.of(), reaper.expired());
        activity.close();
        clock.advance(Duration.ofSeconds(9));
        assertEquals(List.of(), reaper.expired());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of("h"), reaper.expired());
    }

    @Test
    void newGraceTimeAppliesFromNow() {
        reaper.track("h", Duration.ZERO);
        clock.advance(Duration.ofHours(1));
        reaper.setGraceTime("h", Duration.ofSeconds(3));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(List.of(), reaper.expired());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of("h"), reaper.expired());
    }

    @Test
    void reapDestroysEachExpiredContainerOnceAndForgetsIt() {
        reaper.track("a", Duration.ofSeconds(1));
        reaper.track("b", Duration.ofSeconds(100));
        clock.advance(Duration.ofSeconds(5));
        List<String> destroyed = new ArrayList<>();
        reaper.reap(destroyed::add);
        reaper.reap(destroyed::add);
        assertEquals(List.of("a"), destroyed);
    }

    @Test
    void forgottenContainerIsNeverReaped() {
        reaper.track("h", Duration.ofSeconds(1));
        reaper.forget("h");
        clock.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), reaper.expired());
    }
}
