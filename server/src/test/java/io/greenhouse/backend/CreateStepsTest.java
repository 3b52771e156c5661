package io.greenhouse.backend;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each create step makes its part, undoes it (also when it was never made) and finds it after a restart. */
class CreateStepsTest {
    private final InMemoryStore store = new InMemoryStore();
    private final FakeRootfs rootfs = new FakeRootfs();
    private final FakeRuntime runtime = new FakeRuntime();
    private final FakeProcesses processes = new FakeProcesses();

    private Assembly assembly(String handle) {
        Path dir = store.create(handle);
        ContainerSpec spec = new ContainerSpec(handle, null, null, null, null, Map.of(), List.of("A=spec"), false, null, null, null);
        ContainerRecord record = new ContainerRecord(spec, Map.of(), null, Instant.EPOCH, List.of(), false,
                ContainerRecord.Phase.CREATING);
        store.save(record);
        return new Assembly(spec, dir, record);
    }

    @Test
    void rootfsStepMountsAndKeepsTheImageEnvInTheRecord() {
        rootfs.imageEnv = List.of("A=image");
        Assembly c = assembly("r");
        new RootfsStep(rootfs, store).make(c);
        assertTrue(rootfs.mounted.contains(store.directory("r").resolve("rootfs")));
        assertEquals(List.of("A=image"), store.records.get("r").rootfsEnv());
        assertEquals(c.directory().resolve("rootfs"), c.rootfs().path());
    }

    @Test
    void rootfsStepUndoUnmountsAndToleratesNothingMounted() {
        Assembly c = assembly("r");
        RootfsStep step = new RootfsStep(rootfs, store);
        step.unmake(c);
        step.make(c);
        step.unmake(c);
        assertFalse(rootfs.mounted.contains(store.directory("r").resolve("rootfs")));
    }

    @Test
    void rootfsStepRestoresAMountedRootfsWithTheRecordedEnvAndReportsAMissingOneAsGone() {
        rootfs.imageEnv = List.of("A=image");
        RootfsStep step = new RootfsStep(rootfs, store);
        Assembly made = assembly("r");
        step.make(made);
        Assembly restarted = new Assembly(made.spec(), made.directory(), store.records.get("r"));
        step.restore(restarted);
        assertEquals(List.of("A=image"), restarted.rootfs().env());

        rootfs.mounted.clear();
        assertThrows(ContainerGoneException.class, () -> step.restore(restarted));
    }

    @Test
    void runtimeStepStartsTheInitWithTheMergedEnvAndRemembersItsPid() {
        rootfs.imageEnv = List.of("A=image", "B=image");
        Assembly c = assembly("t");
        new RootfsStep(rootfs, store).make(c);
        new RuntimeStep(runtime, Checkpointer.NONE).make(c);
        assertEquals(List.of("A=spec", "B=image"), runtime.running.get("t").env());
        assertEquals(42, c.initPid());
    }

    @Test
    void runtimeStepUndoDeletesAndToleratesAnAbsentContainer() {
        Assembly c = assembly("t");
        RuntimeStep step = new RuntimeStep(runtime, Checkpointer.NONE);
        step.unmake(c);
        assertTrue(runtime.deleted.contains("t"));
    }

    @Test
    void runtimeStepRestoreTellsRunningGoneAndUnknownApart() {
        Assembly c = assembly("t");
        new RootfsStep(rootfs, store).make(c);
        RuntimeStep step = new RuntimeStep(runtime, Checkpointer.NONE);
        step.make(c);

        Assembly restarted = new Assembly(c.spec(), c.directory(), c.record().orElseThrow());
        step.restore(restarted);
        assertEquals(42, restarted.initPid());

        runtime.unknownStates = 1;
        assertThrows(StateUnknownException.class, () -> step.restore(restarted));

        runtime.running.remove("t");
        assertThrows(ContainerGoneException.class, () -> step.restore(restarted));
    }

    @Test
    void processesStepUndoForgetsTheContainersProcesses() {
        Assembly c = assembly("p");
        ProcessesStep step = new ProcessesStep(processes);
        step.make(c);
        step.restore(c);
        assertEquals(List.of(), processes.calls, "nothing to make or restore");
        step.unmake(c);
        assertEquals(List.of("forget p"), processes.calls);
    }
}
