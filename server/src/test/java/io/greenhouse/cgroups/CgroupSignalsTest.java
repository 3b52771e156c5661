package io.greenhouse.cgroups;

import io.greenhouse.backend.ProcessSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stopping through a cgroup v2 tree laid out as the kernel does (a temp directory stands for
 * /sys/fs/cgroup); the signaller records what would be sent. Cgroup v1 runs for real in the ITs.
 */
class CgroupSignalsTest {
    @TempDir
    Path root;

    private final List<String> sent = new ArrayList<>();
    /** What the "kernel" saw written to cgroup.freeze, in order. */
    private final List<String> freezes = new ArrayList<>();
    private Path container;

    private CgroupSignals signals() {
        return new CgroupSignals(root, "cell", true, (pid, signal) -> {
            sent.add(pid + " " + signal);
            freezes.add("signal while " + read(container, "cgroup.freeze"));
        }, Duration.ofMillis(50));
    }

    private static Path cgroup(Path dir, String... pids) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cgroup.procs"), pids.length == 0 ? "" : String.join("\n", pids) + "\n");
        Files.writeString(dir.resolve("cgroup.freeze"), "0\n");
        // Frozen as soon as asked: the fake kernel is instant.
        Files.writeString(dir.resolve("cgroup.events"), "populated 1\nfrozen 1\n");
        Files.writeString(dir.resolve("cgroup.kill"), "");
        return dir;
    }

    private static String read(Path dir, String file) {
        try {
            return Files.readString(dir.resolve(file)).strip();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void terminatesEveryProcessButInitWithTheCgroupFrozenThenThaws() throws IOException {
        container = cgroup(root.resolve("cell/web"), "100", "101", "102");
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        signals().signalAllBut("web", 100, ProcessSignal.TERMINATE);
        assertEquals(List.of("101 TERMINATE", "102 TERMINATE"), sent);
        assertEquals(List.of("signal while 1", "signal while 1"), freezes);
        assertEquals("0", read(container, "cgroup.freeze"));
    }

    @Test
    void nestedPeaCgroupsAreSignalledOnTermAndKilledWholeOnKill() throws IOException {
        container = cgroup(root.resolve("cell/web"), "100", "101");
        Path pea = cgroup(container.resolve("pea-1"), "200", "201");
        signals().signalAllBut("web", 100, ProcessSignal.TERMINATE);
        assertEquals(List.of("101 TERMINATE", "200 TERMINATE", "201 TERMINATE"), sent);
        sent.clear();
        signals().signalAllBut("web", 100, ProcessSignal.KILL);
        assertEquals(List.of("101 KILL"), sent, "the pea's processes die by cgroup.kill, not one by one");
        assertEquals("1", read(pea, "cgroup.kill"));
        assertEquals("", read(container, "cgroup.kill"), "the container's own cgroup holds its init: never killed whole");
    }

    @Test
    void pidsOutsideOurPidNamespaceReadAsZeroAndAreSkipped() throws IOException {
        container = cgroup(root.resolve("cell/web"), "100", "0", "103");
        signals().signalAllBut("web", 100, ProcessSignal.KILL);
        assertEquals(List.of("103 KILL"), sent);
    }

    @Test
    void aContainerWithoutCgroupIsNothingToSignalOrWaitFor() {
        CgroupSignals s = signals();
        s.signalAllBut("gone", 1, ProcessSignal.KILL);
        assertEquals(List.of(), sent);
        assertTrue(s.awaitOnly("gone", 1, Duration.ZERO));
    }

    @Test
    void waitingEndsOnceOnlyInitIsLeftInTheWholeTree() throws IOException {
        container = cgroup(root.resolve("cell/web"), "100");
        Path pea = cgroup(container.resolve("pea-1"), "200");
        CgroupSignals s = signals();
        assertFalse(s.awaitOnly("web", 100, Duration.ofMillis(20)), "a pea process is still there");
        Files.writeString(pea.resolve("cgroup.procs"), "");
        assertTrue(s.awaitOnly("web", 100, Duration.ofMillis(20)));
    }

    @Test
    void waitingSeesProcessesLeaveWhileItPolls() throws Exception {
        container = cgroup(root.resolve("cell/web"), "100", "101");
        Thread exiter = new Thread(() -> {
            try {
                Thread.sleep(30);
                Files.writeString(container.resolve("cgroup.procs"), "100\n");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        exiter.start();
        assertTrue(signals().awaitOnly("web", 100, Duration.ofSeconds(30)));
        exiter.join();
    }

    @Test
    void onV1TheFreezerCopyOfTheCgroupIsFrozenAndListsTheProcesses() throws IOException {
        container = root.resolve("freezer/cell/web");
        Files.createDirectories(container);
        Files.createDirectories(root.resolve("pids/cell/web"));
        Files.writeString(container.resolve("cgroup.procs"), "100\n101\n");
        Files.writeString(container.resolve("freezer.state"), "THAWED\n");
        List<String> states = new ArrayList<>();
        new CgroupSignals(root, "cell", false, (pid, signal) -> {
            sent.add(pid + " " + signal);
            states.add(read(container, "freezer.state"));
        }, Duration.ofMillis(50)).signalAllBut("web", 100, ProcessSignal.KILL);
        assertEquals(List.of("101 KILL"), sent);
        assertEquals(List.of("FROZEN"), states);
        assertEquals("THAWED", read(container, "freezer.state"));
    }

    @Test
    void aCgroupThatDoesNotFreezeInTimeIsSignalledAnywayAndThawed() throws IOException {
        container = cgroup(root.resolve("cell/web"), "100", "101");
        Files.writeString(container.resolve("cgroup.events"), "populated 1\nfrozen 0\n");
        signals().signalAllBut("web", 100, ProcessSignal.TERMINATE);
        assertEquals(List.of("101 TERMINATE"), sent);
        assertEquals("0", read(container, "cgroup.freeze"));
    }
}
