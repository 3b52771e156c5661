package io.greenhouse.backend;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backend's orchestration, with test doubles of the depot, rootfs and runtime. */
class GardenBackendTest extends BackendFixture {
    private final GardenBackend backend = started(10, Duration.ZERO);

    @Test
    void propertyFilterMatchesOnlyContainersHavingEveryGivenValue() {
        backend.create(spec("a", Map.of("app", "x", "zone", "1"), List.of()));
        backend.create(spec("b", Map.of("app", "x", "zone", "2"), List.of()));
        backend.create(spec("c", Map.of(), List.of()));
        assertEquals(List.of("a", "b", "c"), backend.handles(Map.of()));
        assertEquals(List.of("a", "b"), backend.handles(Map.of("app", "x")));
        assertEquals(List.of("b"), backend.handles(Map.of("app", "x", "zone", "2")));
        assertEquals(List.of(), backend.handles(Map.of("app", "")));
        assertEquals(List.of(), backend.handles(Map.of("nope", "x")));
    }

    @Test
    void specEnvOverridesImageEnvByNameKeepingFirstSeenOrder() {
        assertEquals(List.of("PATH=/spec", "A=1", "B=2"),
                ContainerPlan.mergeEnv(List.of("PATH=/img", "A=1"), List.of("B=2", "PATH=/spec")));
        assertEquals(List.of("X"), ContainerPlan.mergeEnv(List.of("X"), List.of()));
    }

    @Test
    void runtimeGetsTheMergedEnvAndTheHandleAsHostname() {
        rootfs.imageEnv = List.of("PATH=/img", "LANG=C");
        backend.create(spec("env-test", Map.of(), List.of("LANG=en", "FOO=bar")));
        ContainerPlan plan = runtime.running.get("env-test");
        assertEquals(List.of("PATH=/img", "LANG=en", "FOO=bar"), plan.env());
        assertEquals("env-test", plan.hostname());
        assertEquals(store.directory("env-test").resolve("rootfs"), plan.rootfs());
    }

    @Test
    void longHandlesKeepTheirTailAsHostname() {
        String handle = "p".repeat(20) + "t".repeat(49);
        assertEquals("t".repeat(49), ContainerPlan.hostname(handle));
    }

    @Test
    void failedRuntimeStartRollsBackRootfsDepotAndHandle() {
        runtime.startFailure = new GardenException("runc run failed");
        GardenException e = assertThrows(GardenException.class,
                () -> backend.create(spec("doomed", Map.of(), List.of())));
        assertEquals("runc run failed", e.getMessage());
        assertEquals(List.of(), backend.handles(Map.of()));
        assertTrue(rootfs.mounted.isEmpty());
        assertTrue(store.directories.isEmpty());
        assertTrue(runtime.deleted.contains("doomed"));
        assertEquals(List.of("create failed"), events.events);

        runtime.startFailure = null;
        assertEquals("doomed", backend.create(spec("doomed", Map.of(), List.of())).handle());
    }

    @Test
    void failedRootfsRollsBackTheDepotDirectory() {
        rootfs.failure = new GardenException("no such image");
        assertThrows(GardenException.class, () -> backend.create(spec("no-image", Map.of(), List.of())));
        assertTrue(store.directories.isEmpty());
        assertTrue(runtime.running.isEmpty());
    }

    @Test
    void duplicateHandleIsRefusedAndTheFirstContainerSurvives() {
        backend.create(spec("dup", Map.of("v", "1"), List.of()));
        GardenException e = assertThrows(GardenException.class, () -> backend.create(spec("dup", Map.of(), List.of())));
        assertTrue(e.getMessage().contains("already in use"));
        assertEquals("1", backend.lookup("dup").property("v"));
        assertTrue(runtime.running.containsKey("dup"));
    }

    @Test
    void createsBeyondTheMaximumAreRefused() {
        GardenBackend small = started(1, Duration.ZERO);
        small.create(spec("one", Map.of(), List.of()));
        GardenException e = assertThrows(GardenException.class, () -> small.create(spec("two", Map.of(), List.of())));
        assertEquals("max containers reached", e.getMessage());
        assertFalse(store.directories.contains("two"));
    }

    @Test
    void destroyRemovesEveryTraceAndReportsIt() {
        backend.create(spec("gone", Map.of(), List.of()));
        backend.destroy("gone");
        assertTrue(runtime.running.isEmpty());
        assertTrue(rootfs.mounted.isEmpty());
        assertTrue(store.directories.isEmpty());
        assertThrows(ContainerNotFoundException.class, () -> backend.lookup("gone"));
        assertThrows(ContainerNotFoundException.class, () -> backend.destroy("gone"));
        assertEquals(List.of("created gone", "destroyed gone"), events.events);
    }

    @Test
    void defaultGraceTimeAppliesWhenTheSpecGivesNoneAndReapingDestroys() {
        GardenBackend reaping = started(10, Duration.ofSeconds(5));
        reaping.create(spec("idle", Map.of(), List.of()));
        assertEquals(Duration.ofSeconds(5), reaping.lookup("idle").record().graceTime());
        clock.advance(Duration.ofSeconds(6));
        reaping.reapExpired();
        assertEquals(List.of(), reaping.handles(Map.of()));
        assertTrue(events.events.contains("destroyed idle"));
    }

    @Test
    void reloadServesRunningContainersAndCleansUpTheRest() {
        backend.create(spec("alive", Map.of("k", "v"), List.of()));
        backend.create(spec("dead", Map.of(), List.of()));
        runtime.running.remove("dead");
        store.create("half-made");

        GardenBackend restarted = backend(10, Duration.ZERO);
        assertThrows(ServiceUnavailableException.class, restarted::ping);
        restarted.reload();
        restarted.ping();
        assertEquals(List.of("alive"), restarted.handles(Map.of()));
        assertEquals("v", restarted.lookup("alive").property("k"));
        assertFalse(store.directories.contains("dead"));
        assertFalse(store.directories.contains("half-made"));
    }

    @Test
    void processesRunInTheContainersRootfsWithItsMergedEnv() {
        rootfs.imageEnv = List.of("A=image", "B=image");
        backend.create(new ContainerSpec("runner", Duration.ZERO, ImageRef.DEFAULT, List.of(), null, Map.of(),
                List.of("B=spec"), true, ResourceLimits.NONE, null, null));
        backend.run("runner",
                new ProcessSpec("", "/bin/true", List.of(), List.of(), "", "", Map.of(), null, ImageRef.DEFAULT, List.of()));
        ProcessTarget target = processes.targets.get(0);
        assertEquals(List.of("A=image", "B=spec"), target.env());
        assertEquals(store.directory("runner").resolve("rootfs"), target.rootfs());
        assertTrue(target.privileged());
    }

    @Test
    void destroyForgetsTheProcessesAfterTheRuntimeKilledThem() {
        backend.create(spec("with-processes", Map.of(), List.of()));
        backend.lookup("with-processes").stop(true);
        backend.destroy("with-processes");
        assertEquals(List.of("signal peas with-processes KILL", "forget with-processes"), processes.calls);
    }

    @Test
    void stopTerminatesEverythingButInitThroughTheCgroupAndWaits() {
        backend.create(spec("stopping", Map.of(), List.of()));
        backend.lookup("stopping").stop(false);
        assertEquals(List.of("signal stopping but 42 TERMINATE", "await stopping only 42"), signals.calls);
        assertEquals(List.of("signal peas stopping TERMINATE"), processes.calls);
        assertEquals("stopped", backend.lookup("stopping").info().state());
    }

    @Test
    void stopKillsWhatOutlivesTheStopTimeout() {
        backend.create(spec("stubborn", Map.of(), List.of()));
        signals.ignoreTerm = true;
        backend.lookup("stubborn").stop(false);
        assertEquals(List.of("signal stubborn but 42 TERMINATE", "await stubborn only 42",
                "signal stubborn but 42 KILL", "await stubborn only 42"), signals.calls);
        assertEquals(List.of("signal peas stubborn TERMINATE", "signal peas stubborn KILL"), processes.calls);
    }

    @Test
    void stopWithKillSignalsOnceAndDoesNotWait() {
        backend.create(spec("killed", Map.of(), List.of()));
        backend.lookup("killed").stop(true);
        assertEquals(List.of("signal killed but 42 KILL"), signals.calls);
    }

    @Test
    void reloadPicksUpTheProcessesOfRunningContainersOnly() {
        backend.create(spec("alive", Map.of(), List.of()));
        backend.create(spec("dead", Map.of(), List.of()));
        runtime.running.remove("dead");
        processes.calls.clear();
        backend(10, Duration.ZERO).reload();
        assertTrue(processes.calls.contains("reload alive"), processes.calls.toString());
        assertFalse(processes.calls.contains("reload dead"), processes.calls.toString());
        assertTrue(processes.calls.contains("forget dead"), processes.calls.toString());
    }

    @Test
    void capacityReportsHostAndLimit() {
        Capacity c = backend.capacity();
        assertEquals(8L << 30, c.memoryInBytes());
        assertEquals(100L << 30, c.diskInBytes());
        assertEquals(10, c.maxContainers());
    }

    // Networking (issue 9)

    @Test
    void theNetworkIsConnectedOnceTheInitRunsAndItsFilesAreBindMounted() {
        Container c = backend.create(spec("net", Map.of(), List.of()));
        ContainerPlan plan = runtime.running.get("net");
        assertEquals(List.of("/etc/hosts", "/etc/resolv.conf"),
                plan.bindMounts().stream().map(BindMount::destinationPath).toList());
        ContainerInfo info = c.info();
        assertEquals("10.254.0.2", info.containerIp());
        assertEquals("10.254.0.1", info.hostIp());
        assertEquals("192.0.2.2", info.externalIp());
        assertEquals("10.254.0.2", c.properties().get("garden.network.container-ip"));
        assertEquals(plan.bindMounts(), c.processTarget().sharedMounts());
    }

    @Test
    void netInIsReportedInInfoAndDestroyDisconnects() {
        Container c = backend.create(new ContainerSpec("ports", null, null, null, null, null, null, false, null,
                List.of(new ContainerInfo.PortMapping(0, 8080)), null));
        ContainerInfo.PortMapping second = c.netIn(0, 9090);
        assertEquals(List.of(new ContainerInfo.PortMapping(61001, 8080), second), c.info().mappedPorts());
        backend.destroy("ports");
        assertTrue(networker.connected.isEmpty());
    }

    @Test
    void aFailedConnectLeavesNothingBehind() {
        networker.connectFailure = new GardenException("insufficient subnets remaining in the pool");
        GardenException e = assertThrows(GardenException.class, () -> backend.create(spec("nonet", Map.of(), List.of())));
        assertTrue(e.getMessage().contains("insufficient"), e.getMessage());
        assertTrue(runtime.deleted.contains("nonet"));
        assertFalse(store.directories.contains("nonet"));
        assertThrows(ContainerNotFoundException.class, () -> backend.lookup("nonet"));
    }

    @Test
    void reloadInLanesServesEveryRunningContainerOnTheGivenExecutor() throws Exception {
        for (int i = 0; i < 7; i++) {
            backend.create(spec("c" + i, Map.of("n", Integer.toString(i)), List.of()));
        }
        runtime.running.remove("c3");
        GardenBackend restarted = backend(10, Duration.ZERO);
        // one thread, so the test doubles (not thread-safe) see one lane at a time
        java.util.concurrent.ExecutorService lanes = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "reload-lane"));
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try {
            restarted.reload(task -> lanes.execute(() -> {
                threads.add(Thread.currentThread().getName());
                task.run();
            }), 3);
        } finally {
            lanes.shutdown();
        }
        restarted.ping();
        assertEquals(List.of("c0", "c1", "c2", "c4", "c5", "c6"), restarted.handles(Map.of()));
        assertEquals("5", restarted.lookup("c5").property("n"));
        assertEquals(java.util.Set.of("reload-lane"), threads);
        assertFalse(store.directories.contains("c3"));
    }

    @Test
    void aContainerWhoseReloadFailsUnexpectedlyIsServedAndAskedAgain() {
        backend.create(spec("odd", Map.of(), List.of()));
        backend.create(spec("fine", Map.of(), List.of()));
        rootfs.restoreFailure = new IllegalStateException("unreadable mount table");
        GardenBackend restarted = backend(10, Duration.ZERO);
        restarted.reload(Runnable::run, 2);
        restarted.ping();
        // nothing is removed on doubt
        assertEquals(List.of("fine", "odd"), restarted.handles(Map.of()));
        assertTrue(store.directories.contains("odd"));
        assertTrue(runtime.running.containsKey("odd"));
        rootfs.restoreFailure = null;
        restarted.recheckDoubtful();
        assertEquals(List.of("fine", "odd"), restarted.handles(Map.of()));
        assertTrue(runtime.running.containsKey("odd"));
    }

    @Test
    void reloadRestoresTheNetworkOfRunningContainers() {
        backend.create(spec("kept", Map.of(), List.of()));
        backend.lookup("kept").netIn(0, 8080);
        GardenBackend restarted = backend(10, Duration.ZERO, new FakeNetworker(64, networker.saved), StepObserver.NONE);
        restarted.reload();
        ContainerInfo info = restarted.lookup("kept").info();
        assertEquals("10.254.0.2", info.containerIp());
        assertEquals(List.of(new ContainerInfo.PortMapping(61001, 8080)), info.mappedPorts());
    }

    @Test
    void theAddressPoolBoundsMaxContainers() {
        GardenBackend small = backend(250, Duration.ZERO, new FakeNetworker(2), StepObserver.NONE);
        small.reload();
        assertEquals(2, small.capacity().maxContainers());
        small.create(spec("one", Map.of(), List.of()));
        small.create(spec("two", Map.of(), List.of()));
        assertThrows(GardenException.class, () -> small.create(spec("three", Map.of(), List.of())));
    }
}
