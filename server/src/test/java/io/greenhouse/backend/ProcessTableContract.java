package io.greenhouse.backend;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link ProcessTable} does, the unit tests' double (FakeProcessesTest) and the
 * monitor-backed process manager in a real runC container (ProcessManagerIT) alike. Waits are
 * deadlines on conditions (generous: a loaded host must not fail them), never fixed times.
 */
public abstract class ProcessTableContract {
    /** A deadline, not an expectation: processes here finish in milliseconds. */
    protected static final long WAIT_SECONDS = 60;

    private ProcessTable table;
    private ProcessTarget target;

    protected abstract ProcessTable newTable();

    /** A running container to run processes in; made before each test. */
    protected abstract ProcessTarget newContainer(String handle);

    /** Called after each test, once its processes are forgotten: removes the container. */
    protected abstract void removeContainer(ProcessTarget container);

    /** A process that writes {@code stdout} and exits with {@code status}. */
    protected abstract ProcessSpec exiting(String id, String stdout, int status);

    /** A process that runs until it is signalled. */
    protected abstract ProcessSpec runningUntilSignalled(String id);

    @BeforeEach
    void freshContainer() {
        table = newTable();
        target = newContainer("processes");
    }

    @AfterEach
    void forgetTheContainer() {
        try {
            for (String id : table.runningIds(target.handle())) {
                table.find(target.handle(), id).signal(ProcessSignal.KILL);
            }
            for (String id : table.runningIds(target.handle())) {
                exitOf(table.find(target.handle(), id));
            }
            table.forget(target.handle());
        } finally {
            removeContainer(target);
        }
    }

    private static int exitOf(ContainerProcess p) {
        try {
            return p.exitStatus().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("process " + p.id() + " did not report its exit", e);
        }
    }

    @Test
    void aProcessRunsToItsExitStatus() {
        ContainerProcess p = table.run(target, exiting("exits-3", "", 3));
        assertEquals("exits-3", p.id());
        assertEquals(3, exitOf(p));
    }

    @Test
    void aProcessWithoutAnIdGetsOne() {
        ContainerProcess p = table.run(target, exiting("", "", 0));
        assertFalse(p.id().isEmpty());
        assertEquals(p.id(), table.find(target.handle(), p.id()).id());
        assertEquals(0, exitOf(p));
    }

    @Test
    void outputBufferedBeforeAnyoneAttachedIsHandedToTheFirstSink() throws Exception {
        ContainerProcess p = table.run(target, exiting("talks", "hello from the process", 0));
        assertEquals(0, exitOf(p));
        Sink sink = new Sink();
        p.attachStdout(sink);
        assertTrue(sink.ended.await(WAIT_SECONDS, TimeUnit.SECONDS), "the stream of an exited process ends");
        assertEquals("hello from the process", sink.text());
    }

    @Test
    void aRunningProcessIsListedUntilItIsKilled() {
        ContainerProcess p = table.run(target, runningUntilSignalled("sleeper"));
        assertEquals(List.of("sleeper"), table.runningIds(target.handle()));
        assertEquals("sleeper", table.find(target.handle(), "sleeper").id());
        p.signal(ProcessSignal.KILL);
        assertEquals(137, exitOf(p));
        assertEquals(List.of(), table.runningIds(target.handle()));
        assertEquals("sleeper", table.find(target.handle(), "sleeper").id(), "an exited process can still be found");
    }

    @Test
    void terminateEndsAProcessThatDoesNotHandleIt() {
        ContainerProcess p = table.run(target, runningUntilSignalled("terminated"));
        p.signal(ProcessSignal.TERMINATE);
        assertEquals(143, exitOf(p));
    }

    @Test
    void anIdIsTakenWhileItsProcessRunsAndFreeOnceItExited() {
        ContainerProcess first = table.run(target, runningUntilSignalled("same-id"));
        GardenException e = assertThrows(GardenException.class, () -> table.run(target, exiting("same-id", "", 0)));
        assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        first.signal(ProcessSignal.KILL);
        assertEquals(137, exitOf(first));
        ContainerProcess second = table.run(target, exiting("same-id", "", 4));
        assertNotEquals(first, second);
        assertEquals(4, exitOf(second));
    }

    @Test
    void idsThatAreNotSafeAsANameAreRefused() {
        assertThrows(GardenException.class, () -> table.run(target, exiting("../escape", "", 0)));
        assertThrows(GardenException.class, () -> table.run(target, exiting("a/b", "", 0)));
    }

    @Test
    void unknownProcessesAreNotFound() {
        assertThrows(ProcessNotFoundException.class, () -> table.find(target.handle(), "never-ran"));
        assertThrows(ProcessNotFoundException.class, () -> table.find("no-such-container", "never-ran"));
        assertEquals(List.of(), table.runningIds("no-such-container"));
    }

    @Test
    void aForgottenContainerHasNoProcesses() {
        ContainerProcess p = table.run(target, exiting("forgotten", "", 0));
        assertEquals(0, exitOf(p));
        table.forget(target.handle());
        assertThrows(ProcessNotFoundException.class, () -> table.find(target.handle(), "forgotten"));
        assertEquals(List.of(), table.runningIds(target.handle()));
    }

    /** Collects what a process writes; counts down when the stream ends. */
    static final class Sink implements OutputSink {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public synchronized void write(byte[] data, int offset, int length) {
            bytes.write(data, offset, length);
        }

        @Override
        public void end() {
            ended.countDown();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
