package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A checkpointer over a {@link FakeRuntime}: a dump takes the container out of it, a restore puts it back. */
final class FakeCheckpointer implements Checkpointer {
    private final FakeRuntime runtime;
    final Map<Path, ContainerPlan> checkpoints = new HashMap<>();
    final Set<String> discarded = new HashSet<>();
    RuntimeException checkpointFailure;
    RuntimeException restoreFailure;

    FakeCheckpointer(FakeRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Availability availability() {
        return new Availability(true, "fake");
    }

    @Override
    public void checkpoint(String handle, Path containerDirectory, int initPid, boolean leaveRunning) {
        if (checkpointFailure != null) {
            throw checkpointFailure;
        }
        ContainerPlan plan = runtime.running.get(handle);
        if (!leaveRunning) {
            runtime.running.remove(handle);
            checkpoints.put(containerDirectory, plan);
        }
    }

    @Override
    public int restore(String handle, Path containerDirectory) {
        if (restoreFailure != null) {
            throw restoreFailure;
        }
        ContainerPlan plan = checkpoints.remove(containerDirectory);
        runtime.running.put(handle, plan);
        return 42;
    }

    @Override
    public boolean checkpointed(Path containerDirectory) {
        return checkpoints.containsKey(containerDirectory);
    }

    @Override
    public void discard(String handle, Path containerDirectory) {
        checkpoints.remove(containerDirectory);
        discarded.add(handle);
    }
}
