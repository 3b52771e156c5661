package io.greenhouse.cgroups;

import io.greenhouse.backend.MetricsCollector.CpuStanding;
import io.greenhouse.backend.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The check Guardian's throttler makes, over real directories and a kernel-like cgroup.procs. */
class CpuThrottlerTest {
    @TempDir
    Path root;
    CpuCgroups cgroups;
    Procs procs;
    final Map<String, CpuStanding> standings = new HashMap<>();
    final List<String> handles = new ArrayList<>();
    final MutableClock clock = new MutableClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
    CpuThrottler throttler;

    /** A process is in one cgroup at a time. */
    static final class Procs implements CpuCgroups.Procs {
        final Map<Integer, Path> where = new HashMap<>();

        @Override
        public List<Integer> list(Path cgroup) {
            return where.entrySet().stream().filter(e -> e.getValue().equals(cgroup)).map(Map.Entry::getKey)
                    .sorted().toList();
        }

        @Override
        public void move(int pid, Path to) {
            where.put(pid, to);
        }

        @Override
        public void remove(Path cgroup) throws IOException {
            if (Files.isDirectory(cgroup)) {
                try (var files = Files.list(cgroup)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(cgroup);
            }
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        cgroups = new CpuCgroups(root, "cell", false);
        cgroups.prepare();
        procs = new Procs();
        throttler = new CpuThrottler(() -> List.copyOf(handles), h -> Optional.ofNullable(standings.get(h)),
                new CpuEnforcer(cgroups, procs), new SharesBalancer(cgroups, procs), () -> 8L << 30, 1.0, clock);
    }

    private Path container(String handle, int pid, long shares) throws IOException {
        Path good = Files.createDirectories(cgroups.good(handle));
        Files.writeString(good.resolve("cpu.shares"), Long.toString(shares));
        procs.where.put(pid, good);
        handles.add(handle);
        return good;
    }

    @Test
    void overItsEntitlementGoesBadAndBackWhenTheEntitlementCatchesUp() throws IOException {
        Path good = container("spinner", 1, 100);
        container("idle", 2, 8192);
        standings.put("spinner", new CpuStanding(5_000, 1_000));
        standings.put("idle", new CpuStanding(10, 1_000_000));

        throttler.run();

        assertEquals(List.of(1), procs.list(cgroups.bad("spinner")));
        assertEquals(List.of(2), procs.list(cgroups.good("idle")));
        assertEquals("100", Files.readString(cgroups.badParent().resolve("cpu.shares")));
        assertEquals("8092", Files.readString(cgroups.goodParent().resolve("cpu.shares")));

        standings.put("spinner", new CpuStanding(5_000, 5_000)); // entitled to what it used: not over
        throttler.run();
        assertEquals(List.of(1), procs.list(good));
        assertEquals("2", Files.readString(cgroups.badParent().resolve("cpu.shares")));
    }

    @Test
    void aHeldContainerIsReleasedAndLeftAloneForAWhile() throws IOException {
        Path good = container("spinner", 1, 100);
        standings.put("spinner", new CpuStanding(5_000, 1_000));
        throttler.run();
        assertTrue(Files.isDirectory(cgroups.bad("spinner")));

        throttler.hold("spinner");
        assertEquals(List.of(1), procs.list(good));
        throttler.run();
        assertEquals(List.of(1), procs.list(good), "held: not punished again");

        clock.advance(CpuThrottler.HOLD.plus(Duration.ofSeconds(1)));
        throttler.run();
        assertEquals(List.of(1), procs.list(cgroups.bad("spinner")));
    }

    @Test
    void theBadCgroupOfADestroyedContainerGoes() throws IOException {
        container("spinner", 1, 100);
        standings.put("spinner", new CpuStanding(5_000, 1_000));
        throttler.run();
        throttler.hold("spinner");
        procs.where.remove(1); // the destroy killed it
        handles.remove("spinner");
        standings.remove("spinner");
        throttler.run();
        assertFalse(Files.exists(cgroups.bad("spinner")));
    }

    @Test
    void theMultiplierIsTheConfiguredEntitlementOverTheDefault() {
        assertEquals(1.0, CpuThrottler.multiplier(0, 0.02));
        assertEquals(2.0, CpuThrottler.multiplier(0.04, 0.02), 1e-12);
    }
}
