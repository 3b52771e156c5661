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

    @Test
    void anExportedContainerIsMadeAgainCheckpointedWithItsPropertiesAndNetIn() {
        GardenBackend b = backend(checkpointer);
        b.create(new ContainerSpec("c", Duration.ofMinutes(3), ImageRef.DEFAULT, List.of(), "", Map.of("p", "1"),
                List.of("A=b"), false, null, List.of(new ContainerInfo.PortMapping(0, 8080)), List.of()));
        b.lookup("c").setProperty("q", "2");
        GardenException running = assertThrows(GardenException.class, () -> b.exportCheckpoint("c", new java.io.ByteArrayOutputStream()));
        assertTrue(running.getMessage().contains("not checkpointed"), running::getMessage);
        b.checkpoint("c", false);
        java.io.ByteArrayOutputStream archive = new java.io.ByteArrayOutputStream();
        b.exportCheckpoint("c", archive);
        assertEquals("checkpointed", b.lookup("c").info().state(), "stays checkpointed here");
        CheckpointManifest m = checkpointer.exported.get("c");
        assertEquals(CheckpointManifest.VERSION, m.version());
        assertEquals("2", m.record().properties().get("q"));
        assertEquals(1, m.netIn().size());
        b.destroy("c");

        Container moved = b.importCheckpoint("moved", new java.io.ByteArrayInputStream(archive.toByteArray()));
        assertEquals("moved", moved.handle());
        assertEquals("checkpointed", moved.info().state());
        assertEquals("2", moved.properties().get("q"));
        assertEquals(Duration.ofMinutes(3), moved.record().graceTime());
        assertEquals(List.of(8080L), moved.record().spec().netIn().stream().map(ContainerInfo.PortMapping::containerPort).toList());
        assertEquals(0L, moved.record().spec().netIn().get(0).hostPort(), "host ports from this cell's pool");
        assertEquals(ContainerRuntime.RuntimeState.ABSENT, f.runtime.state("moved"), "its fresh init is gone");
        b.restoreCheckpoint("moved");
        assertEquals("active", b.lookup("moved").info().state());
    }

    @Test
    void aFailedImportLeavesNothing() {
        GardenBackend b = backend(checkpointer);
        b.create(BackendFixture.spec("c"));
        b.checkpoint("c", false);
        java.io.ByteArrayOutputStream archive = new java.io.ByteArrayOutputStream();
        b.exportCheckpoint("c", archive);
        checkpointer.unpackFailure = new GardenException("checkpoint archive refused: hostile");
        assertThrows(GardenException.class, () -> b.importCheckpoint("other", new java.io.ByteArrayInputStream(archive.toByteArray())));
        assertThrows(ContainerNotFoundException.class, () -> b.lookup("other"));
        assertTrue(checkpointer.discarded.contains("other"));
        assertThrows(GardenException.class, () -> b.importCheckpoint("c", new java.io.ByteArrayInputStream(archive.toByteArray())),
                "a handle in use");
    }

    @Test
    void aContainerWithBindMountsIsNotExported() {
        GardenBackend b = backend(checkpointer);
        b.create(new ContainerSpec("c", null, ImageRef.DEFAULT, List.of(new BindMount("/tmp", "/mnt", false, false)), "",
                Map.of(), List.of(), false, null, List.of(), List.of()));
        b.checkpoint("c", false);
        GardenException e = assertThrows(GardenException.class, () -> b.exportCheckpoint("c", new java.io.ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("bind mounts"), e::getMessage);
    }

    @Test
    void aContainerWhoseNetworkNamespaceCriuDumpsHasItsVethTakenForTheDumpAndGivenToTheRestoredInit() {
        checkpointer.keepsNetwork = false;
        GardenBackend b = backend(checkpointer);
        b.create(BackendFixture.spec("c"));
        b.checkpoint("c", false);
        assertEquals(List.of("unplug c"), f.networker.plugs);
        b.restoreCheckpoint("c");
        assertEquals(List.of("unplug c", "replug c 42"), f.networker.plugs, "to the restored init's pid");
    }

    @Test
    void aFailedOrLeaveRunningCheckpointGivesTheVethBackAtOnce() {
        checkpointer.keepsNetwork = false;
        GardenBackend b = backend(checkpointer);
        b.create(BackendFixture.spec("c"));
        int pid = f.runtime.state("c").pid();
        b.checkpoint("c", true);
        assertEquals(List.of("unplug c", "replug c " + pid), f.networker.plugs);
        f.networker.plugs.clear();
        checkpointer.checkpointFailure = new GardenException("checkpoint of c failed: criu: boom");
        assertThrows(GardenException.class, () -> b.checkpoint("c", false));
        assertEquals(List.of("unplug c", "replug c " + pid), f.networker.plugs);
        assertEquals("active", b.lookup("c").info().state());
    }

    @Test
    void aKeptNetworkNamespaceNeedsNoUnplugging() {
        GardenBackend b = backend(checkpointer);
        b.create(BackendFixture.spec("c"));
        b.checkpoint("c", false);
        b.restoreCheckpoint("c");
        assertEquals(List.of(), f.networker.plugs);
    }
}
