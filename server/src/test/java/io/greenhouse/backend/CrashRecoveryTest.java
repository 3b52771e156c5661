package io.greenhouse.backend;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Creates and destroys as ordered steps, and what a restart makes of each state a crash can leave:
 * only complete containers are served, nothing is removed on doubt.
 */
class CrashRecoveryTest extends BackendFixture {
    private final GardenBackend backend = started(10, Duration.ZERO);

    /** A crash right after {@code step}: the rest of the create never runs. */
    private static final class Crash extends RuntimeException {
    }

    private static StepObserver crashAfter(String operation, String step) {
        return (op, s, handle) -> {
            if (op.equals(operation) && s.equals(step)) {
                throw new Crash();
            }
        };
    }

    /**
     * What a crash leaves: the backend is abandoned mid-create (the crash exception is not the
     * kind its rollback catches in a real crash, so here the fixture's state is restored from what
     * each step made before the crash).
     */
    private void createCutOffAfter(String step) {
        List<String> order = new ArrayList<>();
        GardenBackend crashing = started(10, Duration.ZERO, (op, s, handle) -> {
            order.add(s);
            if (op.equals("create") && s.equals(step)) {
                // take a snapshot of the host as the crash leaves it, then let rollback run
                snapshot = new Snapshot(Map.copyOf(store.records), List.copyOf(store.directories),
                        List.copyOf(rootfs.mounted), Map.copyOf(runtime.running));
                throw new Crash();
            }
        });
        assertThrows(Crash.class, () -> crashing.create(spec("cut")));
        // undo the rollback: the crash killed the server before it could run
        store.records.clear();
        store.records.putAll(snapshot.records);
        store.directories.clear();
        store.directories.addAll(snapshot.directories);
        rootfs.mounted.clear();
        rootfs.mounted.addAll(snapshot.mounted);
        runtime.running.clear();
        runtime.running.putAll(snapshot.running);
    }

    private record Snapshot(Map<String, ContainerRecord> records, List<String> directories, List<java.nio.file.Path> mounted,
                            Map<String, ContainerPlan> running) {
    }

    private Snapshot snapshot;

    @Test
    void aCreateCutOffAfterAnyStepBeforeTheLastIsRolledBackOnReload() {
        for (String step : List.of("depot", "rootfs", "processes", "runtime")) {
            createCutOffAfter(step);
            GardenBackend restarted = backend(10, Duration.ZERO);
            restarted.reload();
            assertEquals(List.of(), restarted.handles(Map.of()), "after " + step);
            assertTrue(store.directories.isEmpty(), "depot after " + step);
            assertTrue(rootfs.mounted.isEmpty(), "mounts after " + step);
            assertTrue(runtime.running.isEmpty(), "runtime after " + step);
        }
    }

    @Test
    void aCreateCutOffAfterItsCompletionMarkerIsServedOnReload() {
        createCutOffAfter("created");
        GardenBackend restarted = backend(10, Duration.ZERO);
        restarted.reload();
        assertEquals(List.of("cut"), restarted.handles(Map.of()));
        assertTrue(processes.calls.contains("reload cut"), processes.calls.toString());
    }

    @Test
    void aDestroyCutOffIsFinishedOnReload() {
        backend.create(spec("going"));
        GardenBackend crashing = started(10, Duration.ZERO, crashAfter("destroy", "runtime"));
        assertThrows(Crash.class, () -> crashing.destroy("going"));
        assertEquals(ContainerRecord.Phase.DESTROYING, store.records.get("going").phase());

        GardenBackend restarted = backend(10, Duration.ZERO);
        restarted.reload();
        assertEquals(List.of(), restarted.handles(Map.of()));
        assertFalse(store.directories.contains("going"));
        assertFalse(rootfs.mounted.contains(store.directory("going").resolve("rootfs")));
    }

    @Test
    void aContainerWhoseStateQueryFailsOnceIsKeptAndServedOnceTheRuntimeAnswers() {
        backend.create(spec("kept"));
        processes.calls.clear();
        runtime.unknownStates = 1;

        GardenBackend restarted = backend(10, Duration.ZERO);
        restarted.reload();
        assertEquals(List.of("kept"), restarted.handles(Map.of()));
        assertEquals(java.util.Set.of("kept"), restarted.doubtfulHandles());
        assertTrue(store.directories.contains("kept"));
        assertTrue(rootfs.mounted.contains(store.directory("kept").resolve("rootfs")));
        assertFalse(processes.calls.contains("reload kept"), "processes wait until the state is known");

        restarted.recheckDoubtful();
        assertEquals(java.util.Set.of(), restarted.doubtfulHandles());
        assertTrue(processes.calls.contains("reload kept"), processes.calls.toString());
        assertEquals(List.of("kept"), restarted.handles(Map.of()));
    }

    @Test
    void aDoubtfulContainerFoundGoneOnRecheckIsDestroyed() {
        backend.create(spec("doubt"));
        runtime.unknownStates = 1;
        GardenBackend restarted = backend(10, Duration.ZERO);
        restarted.reload();
        runtime.running.remove("doubt");

        restarted.recheckDoubtful();
        assertEquals(List.of(), restarted.handles(Map.of()));
        assertFalse(store.directories.contains("doubt"));
        assertFalse(rootfs.mounted.contains(store.directory("doubt").resolve("rootfs")));
    }

    @Test
    void aRunningContainerWhoseRootfsIsNoLongerMountedIsNotServed() {
        backend.create(spec("hollow"));
        rootfs.mounted.remove(store.directory("hollow").resolve("rootfs"));
        GardenBackend restarted = backend(10, Duration.ZERO);
        restarted.reload();
        assertEquals(List.of(), restarted.handles(Map.of()));
        assertFalse(runtime.running.containsKey("hollow"), "its init is deleted");
        assertFalse(store.directories.contains("hollow"));
    }

    @Test
    void aFailedDestroyKeepsTheContainerListedUndoesEveryOtherStepAndCanBeRepeated() {
        backend.create(spec("stuck"));
        rootfs.destroyFailure = new IllegalStateException("device busy");
        GardenException failed = assertThrows(GardenException.class, () -> backend.destroy("stuck"));
        assertTrue(failed.getMessage().contains("device busy"), failed.getMessage());
        assertEquals(List.of("stuck"), backend.handles(Map.of()));
        assertFalse(runtime.running.containsKey("stuck"), "the runtime step was undone regardless");
        assertTrue(processes.calls.contains("forget stuck"));
        assertTrue(store.records.containsKey("stuck"), "metadata stays until everything is gone");
        assertThrows(GardenException.class, () -> backend.run("stuck",
                new ProcessSpec("", "/bin/true", List.of(), List.of(), "", "", Map.of(), null, ImageRef.DEFAULT, List.of())));

        rootfs.destroyFailure = null;
        backend.destroy("stuck");
        assertEquals(List.of(), backend.handles(Map.of()));
        assertFalse(store.directories.contains("stuck"));
    }

    @Test
    void createsInFlightCountAgainstTheMaximum() throws Exception {
        GardenBackend one = started(1, Duration.ZERO);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        rootfs.duringCreate = () -> {
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        CompletableFuture<Container> first = CompletableFuture.supplyAsync(() -> one.create(spec("first")));
        assertTrue(inside.await(30, TimeUnit.SECONDS));
        rootfs.duringCreate = () -> { };
        GardenException refused = assertThrows(GardenException.class, () -> one.create(spec("second")));
        assertEquals("max containers reached", refused.getMessage());
        release.countDown();
        assertEquals("first", first.get(30, TimeUnit.SECONDS).handle());
        assertEquals(List.of("first"), one.handles(Map.of()));
    }

    @Test
    void imageCredentialsNeverReachTheDepot() {
        rootfs.images.add("docker:///app#1");
        backend.create(new ContainerSpec("private", null, new ImageRef("docker:///app#1", "user", "s3cret"),
                null, null, null, null, false, null, null, null));
        ContainerRecord stored = store.records.get("private");
        assertEquals("docker:///app#1", stored.spec().image().uri());
        assertEquals("", stored.spec().image().password());
        assertEquals("", stored.spec().image().username());
        assertFalse(stored.spec().toString().contains("s3cret"));
    }

    @Test
    void createsAndDestroysWaitUntilReloadHasDecidedAboutEverythingThePreviousRunLeft() {
        backend.create(spec("old"));
        GardenBackend restarting = backend(10, Duration.ZERO);
        assertThrows(ServiceUnavailableException.class, () -> restarting.create(spec("new")));
        assertThrows(ServiceUnavailableException.class, () -> restarting.destroy("old"));
        assertFalse(store.directories.contains("new"), "a refused create makes nothing");
        restarting.reload();
        restarting.create(spec("new"));
        assertEquals(List.of("new", "old"), restarting.handles(Map.of()));
    }

    @Test
    void createTimeComesFromTheInjectedClock() {
        backend.create(spec("timed"));
        assertEquals(clock.instant(), store.records.get("timed").createdAt());
    }
}
