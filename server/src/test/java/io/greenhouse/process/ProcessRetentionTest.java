package io.greenhouse.process;

import io.greenhouse.backend.ContainerProcess;
import io.greenhouse.backend.MutableClock;
import io.greenhouse.backend.ProcessNotFoundException;
import io.greenhouse.backend.ProcessTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finished processes go once a client received their exit, or unclaimed after the retention,
 * counted from the exit (for one that ended while the server was down: from when its monitor
 * recorded the status). Processes come from depot directories as a restarted server finds them.
 */
class ProcessRetentionTest {
    private static final Duration RETENTION = Duration.ofMinutes(5);

    @TempDir
    Path work;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private ServerSocketChannel fakeMonitor;

    /** Output pumps block on their monitor's socket, so each needs a thread of its own. */
    private final java.util.concurrent.ExecutorService pumps = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-pump");
        t.setDaemon(true);
        return t;
    });

    private ProcessManager manager() {
        // Reloading never launches a monitor: no launcher needed.
        return new ProcessManager(null, work.resolve("sockets"), 1024, null, null, clock, RETENTION, pumps, null);
    }

    private ProcessTarget container() {
        return new ProcessTarget("web", work.resolve("depot/web"), work.resolve("depot/web/rootfs"), List.of(), false);
    }

    private Path processDir(String id) throws IOException {
        Path dir = work.resolve("depot/web/processes").resolve(id);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(ProcessDirectory.PROCESS_SPEC), "{}");
        return dir;
    }

    /** A process whose monitor recorded status 3 (and some output nobody read) at the given time. */
    private Path exitedAt(String id, Instant at) throws IOException {
        Path dir = processDir(id);
        Files.writeString(dir.resolve("stdout.tail"), "bye\n");
        Files.writeString(dir.resolve(ProcessDirectory.EXIT_STATUS), "3\n");
        Files.setLastModifiedTime(dir.resolve(ProcessDirectory.EXIT_STATUS), FileTime.from(at));
        return dir;
    }

    private static int status(ContainerProcess p) throws Exception {
        return p.exitStatus().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeFakeMonitor() throws IOException {
        if (fakeMonitor != null) {
            fakeMonitor.close();
        }
    }

    @Test
    void anUnclaimedExitIsServedUntilTheRetentionPassedThenPruned() throws Exception {
        Path dir = exitedAt("health-1", clock.instant().minus(Duration.ofMinutes(1)));
        ProcessManager m = manager();
        m.reload(container());
        assertEquals(3, status(m.find("web", "health-1")));
        clock.advance(Duration.ofMinutes(3).plusSeconds(59));
        m.pruneExpired();
        assertTrue(Files.exists(dir), "4m59s after its exit it is still kept");
        assertEquals(3, status(m.find("web", "health-1")));
        clock.advance(Duration.ofSeconds(1));
        m.pruneExpired();
        assertFalse(Files.exists(dir));
        assertThrows(ProcessNotFoundException.class, () -> m.find("web", "health-1"));
    }

    @Test
    void anExitAClientReceivedIsPrunedAtOnce() throws Exception {
        Path dir = exitedAt("health-2", clock.instant());
        ProcessManager m = manager();
        m.reload(container());
        ContainerProcess p = m.find("web", "health-2");
        assertEquals(3, status(p));
        p.exitDelivered();
        assertFalse(Files.exists(dir));
        assertThrows(ProcessNotFoundException.class, () -> m.find("web", "health-2"));
        // A second delivery (two clients were attached) is harmless.
        p.exitDelivered();
        assertTrue(Files.isDirectory(work.resolve("depot/web/processes")), "only the process's own directory goes");
    }

    @Test
    void anExitThatOutlivedTheRetentionWhileTheServerWasDownIsNotServed() throws Exception {
        Path stale = exitedAt("stale", clock.instant().minus(Duration.ofMinutes(6)));
        Path fresh = exitedAt("fresh", clock.instant().minus(Duration.ofMinutes(4)));
        ProcessManager m = manager();
        m.reload(container());
        assertThrows(ProcessNotFoundException.class, () -> m.find("web", "stale"), "pruned on access");
        assertFalse(Files.exists(stale));
        assertEquals(3, status(m.find("web", "fresh")));
        assertTrue(Files.exists(fresh));
    }

    @Test
    void aRunningProcessIsNeverPrunedAndItsRetentionStartsWhenItExits() throws Exception {
        ProcessManager m = manager();
        Path dir = processDir("app");
        Path socket = m.socket("web", "app");
        Files.createDirectories(socket.getParent());
        fakeMonitor = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        fakeMonitor.bind(UnixDomainSocketAddress.of(socket));
        m.reload(container());
        try (SocketChannel server = fakeMonitor.accept()) {
            ContainerProcess p = m.find("web", "app");
            assertEquals(List.of("app"), m.runningIds("web"));
            p.exitDelivered();
            clock.advance(Duration.ofHours(1));
            m.pruneExpired();
            assertTrue(Files.exists(dir), "running for an hour: kept");
            assertEquals(List.of("app"), m.runningIds("web"));

            server.write(ByteBuffer.allocate(9).put(MonitorLink.EXIT).putInt(4).putInt(7).flip());
            assertEquals(7, status(p));
            clock.advance(RETENTION.minusSeconds(1));
            m.pruneExpired();
            assertTrue(Files.exists(dir), "the retention counts from the exit, not the start");
            clock.advance(Duration.ofSeconds(1));
            m.pruneExpired();
            assertFalse(Files.exists(dir));
            assertFalse(Files.exists(socket));
            assertThrows(ProcessNotFoundException.class, () -> m.find("web", "app"));
        }
    }

    @Test
    void aLostProcessIsKeptForTheRetentionFromWhenItWasFoundLost() throws Exception {
        Path dir = processDir("lost");
        ProcessManager m = manager();
        m.reload(container());
        ContainerProcess p = m.find("web", "lost");
        assertTrue(p.exitStatus().toCompletableFuture().isCompletedExceptionally());
        clock.advance(RETENTION.minusSeconds(1));
        m.pruneExpired();
        assertTrue(Files.exists(dir));
        clock.advance(Duration.ofSeconds(1));
        m.pruneExpired();
        assertFalse(Files.exists(dir));
    }

    @Test
    void forgettingTheContainerRemovesWhatIsLeftOfItsProcesses() throws Exception {
        Path dir = exitedAt("left", clock.instant());
        ProcessManager m = manager();
        m.reload(container());
        m.forget("web");
        assertFalse(Files.exists(dir));
        assertThrows(ProcessNotFoundException.class, () -> m.find("web", "left"));
    }
}
