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
    /** false: as for a user-namespaced container, criu dumps the network namespace itself. */
    boolean keepsNetwork = true;

    FakeCheckpointer(FakeRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public boolean keepsNetworkNamespace(int initPid) {
        return keepsNetwork;
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

    /** The "archive" is the manifest's handle; receive finds what export wrote for it. */
    final Map<String, CheckpointManifest> exported = new HashMap<>();
    RuntimeException unpackFailure;

    @Override
    public void export(String handle, Path containerDirectory, CheckpointManifest manifest, java.io.OutputStream out) {
        exported.put(handle, manifest);
        try {
            out.write(handle.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public Incoming receive(java.io.InputStream archive) {
        CheckpointManifest m;
        try {
            m = exported.get(new String(archive.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (m == null) {
            throw new GardenException("checkpoint archive refused: unknown");
        }
        return new Incoming() {
            @Override
            public CheckpointManifest manifest() {
                return m;
            }

            @Override
            public void unpack(Path containerDirectory, Path upper) {
                if (unpackFailure != null) {
                    throw unpackFailure;
                }
            }
        };
    }

    @Override
    public void adopt(String handle, Path containerDirectory, int initPid) {
        ContainerPlan plan = runtime.running.remove(handle);
        checkpoints.put(containerDirectory, plan);
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
