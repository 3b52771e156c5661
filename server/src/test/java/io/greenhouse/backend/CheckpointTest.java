package io.greenhouse.backend;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    private final BackendFixture f = new BackendFixture();
    private final FakeCheckpointer checkpointer = new FakeCheckpointer(f.runtime);

    private GardenBackend backend(Checkpointer c) {
        GardenBackend b = new GardenBackend(f.store, f.rootfs, f.runtime, f.signals, f.processes, f.host,
                new CellSettings(10, Duration.ZERO, Duration.ofSeconds(1), false), f.clock,
                new MetricsCollector(handle -> new ResourceUsage(Map.of(), 0, 0, 0, 0, 0, 0),
                        (handle, dir) -> DiskUsage.NONE, f.host, f.clock),
                f.events, f.networker, StepObserver.NONE, handle -> 0L, c);
        b.reload();
        return b;
    }

    @Test
    void aCheckpointedContainerIsListedAsSuchUntilRestored() {
        GardenBackend b = backend(checkpointer);
        b.create(BackendFixture.spec("c"));
        b.checkpoint("c", false);
        assertEquals("checkpointed", b.lookup("c").info().state());
        assertEquals(ContainerRuntime.RuntimeState.ABSENT, f.runtime.state("c"));
        GardenException e = assertThrows(GardenException.class,
                () -> b.run("c", new ProcessSpec("", "/bin/true", List.of(), List.of(), "", "", Map.of(), null, ImageRef.DEFAULT, List.of())));
        assertTrue(e.getMessage().contains("checkpointed"));
        assertThrows(GardenException.class, () -> b.checkpoint("c", false), "already checkpointed");

        b.restoreCheckpoint("c");
        assertEquals("active", b.lookup("c").info().state());
        assertTrue(f.runtime.state("c").running());
        assertThrows(GardenException.class, () -> b.restoreCheckpoint("c"), "not checkpointed any more");
    }

    @Test
    void leaveRunningKeepsTheContainerActive() {
        GardenBackend b = backend(checkpointer);
        b.create(BackendFixture.spec("c"));
        b.checkpoint("c", true);
        assertEquals("active", b.lookup("c").info().state());
        assertTrue(f.runtime.state("c").running());
    }

    @Test
    void aFailedCheckpointLeavesTheContainerActive() {
        GardenBackend b = backend(checkpointer);
        b.create(BackendFixture.spec("c"));
        checkpointer.checkpointFailure = new GardenException("checkpoint of c failed: criu: boom");
        assertThrows(GardenException.class, () -> b.checkpoint("c", false));
        assertEquals("active", b.lookup("c").info().state());
    }

    @Test
    void aFailedRestoreLeavesTheContainerCheckpointedForARetry() {
        GardenBackend b = backend(checkpointer);
        b.create(BackendFixture.spec("c"));
        b.checkpoint("c", false);
        checkpointer.restoreFailure = new GardenException("restore of c failed: criu: boom");
        assertThrows(GardenException.class, () -> b.restoreCheckpoint("c"));
        assertEquals("checkpointed", b.lookup("c").info().state());
        checkpointer.restoreFailure = null;
        b.restoreCheckpoint("c");
        assertEquals("active", b.lookup("c").info().state());
    }

    @Test
    void aCheckpointedContainerIsServedAgainAfterARestartThoughTheRuntimeHasNone() {
        GardenBackend first = backend(checkpointer);
        first.create(BackendFixture.spec("c"));
        first.checkpoint("c", false);

        GardenBackend second = backend(checkpointer);
        assertEquals(List.of("c"), second.handles(Map.of()));
        assertEquals("checkpointed", second.lookup("c").info().state());
        second.restoreCheckpoint("c");
        assertEquals("active", second.lookup("c").info().state());
    }

    @Test
    void aContainerWhoseInitIsGoneWithoutACheckpointIsStillRemovedOnReload() {
        GardenBackend first = backend(checkpointer);
        first.create(BackendFixture.spec("c"));
        f.runtime.running.remove("c");
        GardenBackend second = backend(checkpointer);
        assertEquals(List.of(), second.handles(Map.of()));
    }

    @Test
    void destroyDiscardsTheCheckpoint() {
        GardenBackend b = backend(checkpointer);
        b.create(BackendFixture.spec("c"));
        b.checkpoint("c", false);
        b.destroy("c");
        assertTrue(checkpointer.discarded.contains("c"));
        assertFalse(checkpointer.checkpointed(f.store.directory("c")));
    }

    @Test
    void withoutACheckpointerCheckpointsAreRefused() {
        GardenBackend b = backend(Checkpointer.NONE);
        b.create(BackendFixture.spec("c"));
        GardenException e = assertThrows(GardenException.class, () -> b.checkpoint("c", false));
        assertTrue(e.getMessage().contains("not available"), e.getMessage());
        assertFalse(b.checkpointAvailability().available());
        assertEquals("active", b.lookup("c").info().state());
    }
}
