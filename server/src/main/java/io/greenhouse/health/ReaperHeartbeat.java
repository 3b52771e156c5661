package io.greenhouse.health;

import java.time.Instant;
import java.util.Optional;

/** What the liveness check needs of the grace-time reaper, whoever runs it (CellLifecycle in the cell). */
public interface ReaperHeartbeat {
    /** When the reaper last finished a round; empty before its first. */
    Optional<Instant> lastRound();
}
