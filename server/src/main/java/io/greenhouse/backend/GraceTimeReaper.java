package io.greenhouse.backend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Destroys containers nobody has touched for their grace time. Every client request about a
 * container counts as activity; while a request is in flight (a process stream attached, a
 * stream-in running) the clock does not run at all.
 */
public final class GraceTimeReaper {
    private final Clock clock;
    private final Map<String, Tracker> trackers = new ConcurrentHashMap<>();

    public GraceTimeReaper(Clock clock) {
        this.clock = clock;
    }

    public void track(String handle, Duration graceTime) {
        trackers.put(handle, new Tracker(graceTime, clock.instant()));
    }

    public void forget(String handle) {
        trackers.remove(handle);
    }

    public void setGraceTime(String handle, Duration graceTime) {
        Tracker t = trackers.get(handle);
        if (t != null) {
            synchronized (t) {
                t.graceTime = graceTime;
                t.lastActivity = clock.instant();
            }
        }
    }

    public void touch(String handle) {
        Tracker t = trackers.get(handle);
        if (t != null) {
            synchronized (t) {
                t.lastActivity = clock.instant();
            }
        }
    }

    /** Stops the clock until the returned activity is closed. */
    public Activity hold(String handle) {
        Tracker t = trackers.get(handle);
        if (t == null) {
            return () -> { };
        }
        synchronized (t) {
            t.holds++;
            t.lastActivity = clock.instant();
        }
        return () -> {
            synchronized (t) {
                t.holds--;
                t.lastActivity = clock.instant();
            }
        };
    }

    /** Handles whose grace time has run out; the caller destroys them. */
    public List<String> expired() {
        Instant now = clock.instant();
        return trackers.entrySet().stream()
                .filter(e -> e.getValue().expiredAt(now))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Runs {@code destroy} for each expired container, forgetting it first so it fires once. */
    public void reap(Consumer<String> destroy) {
        for (String handle : expired()) {
            if (trackers.remove(handle) != null) {
                destroy.accept(handle);
            }
        }
    }

    /** An in-flight use of a container. */
    public interface Activity extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Tracker {
        Duration graceTime;
        Instant lastActivity;
        int holds;

        Tracker(Duration graceTime, Instant lastActivity) {
            this.graceTime = graceTime;
            this.lastActivity = lastActivity;
        }

        synchronized boolean expiredAt(Instant now) {
            return holds == 0 && !graceTime.isZero() && !graceTime.isNegative()
                    && !now.isBefore(lastActivity.plus(graceTime));
        }
    }
}
