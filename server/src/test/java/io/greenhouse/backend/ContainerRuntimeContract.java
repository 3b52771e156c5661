package io.greenhouse.backend;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link ContainerRuntime} does, the unit tests' double (FakeRuntimeTest) and runC on
 * real bundles (RuncRuntimeIT) alike. One test per method's core behaviour, so that a change to
 * the interface changes one test here and both sides follow.
 */
public abstract class ContainerRuntimeContract {
    /** How long a real runtime may take to see its init die: generous, it is a deadline, not a timing. */

    private ContainerRuntime runtime;
    private final List<String> started = new ArrayList<>();

    protected abstract ContainerRuntime newRuntime();

    /** Everything a start of this handle needs (bundle directory, mounted root filesystem). */
    protected abstract ContainerPlan plan(String handle);

    /** A plan whose start must fail (e.g. a root filesystem that is not there). */
    protected abstract ContainerPlan unstartablePlan(String handle);

    /** Called after each test once every container it started is deleted: nothing may be left. */
    protected void assertNothingLeft() {
    }

    @BeforeEach
    void freshRuntime() {
        runtime = newRuntime();
    }

    @AfterEach
    void deleteWhatWasStarted() {
        started.forEach(runtime::delete);
        assertEquals(List.of(), runtime.handles().stream().filter(started::contains).toList());
        assertNothingLeft();
    }

    private ContainerPlan start(String handle) {
        ContainerPlan plan = plan(handle);
        started.add(handle);
        runtime.start(plan);
        return plan;
    }

    @Test
    void aStartedContainerRunsItsInit() {
        start("runs");
        ContainerRuntime.RuntimeState state = runtime.state("runs");
        assertTrue(state.running(), state.toString());
        assertTrue(state.pid() > 1, state.toString());
        assertTrue(runtime.handles().contains("runs"), runtime.handles().toString());
    }

    @Test
    void anUnknownContainerIsAbsent() {
        assertEquals(ContainerRuntime.RuntimeState.Status.ABSENT, runtime.state("never-started").status());
        assertFalse(runtime.handles().contains("never-started"));
    }

    @Test
    void deleteRemovesTheContainerAndMayBeRepeated() {
        start("deleted");
        runtime.delete("deleted");
        assertEquals(ContainerRuntime.RuntimeState.Status.ABSENT, runtime.state("deleted").status());
        assertFalse(runtime.handles().contains("deleted"));
        runtime.delete("deleted");
        runtime.delete("never-started");
    }

    @Test
    void aFailedStartLeavesNothingOfTheRuntimes() {
        ContainerPlan plan = unstartablePlan("unstartable");
        started.add("unstartable");
        assertThrows(GardenException.class, () -> runtime.start(plan));
        assertEquals(ContainerRuntime.RuntimeState.Status.ABSENT, runtime.state("unstartable").status());
        assertFalse(runtime.handles().contains("unstartable"));
    }

    @Test
    void containersAreIndependent() {
        start("first");
        start("second");
        runtime.delete("first");
        assertTrue(runtime.state("second").running());
        assertEquals(List.of("second"), runtime.handles().stream().filter(started::contains).toList());
    }
}
