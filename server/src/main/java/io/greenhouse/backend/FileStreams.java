package io.greenhouse.backend;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * StreamIn and StreamOut: finds the container, holds its grace-time clock for as long as the
 * stream runs, and hands the work to {@link ContainerFiles} with the container's init.
 */
public final class FileStreams {
    private final GardenBackend backend;
    private final ContainerRuntime runtime;
    private final ContainerFiles files;

    public FileStreams(GardenBackend backend, ContainerRuntime runtime, ContainerFiles files) {
        this.backend = backend;
        this.runtime = runtime;
        this.files = files;
    }

    public void streamIn(String handle, String destination, String user, InputStream tar) {
        Container container = backend.lookup(handle);
        try (GraceTimeReaper.Activity activity = backend.activity(handle)) {
            files.streamIn(target(container), nonNull(destination), nonNull(user), tar);
        }
    }

    /** The tar stream; closing it ends the helper and lets the grace-time clock run again. */
    public InputStream streamOut(String handle, String source, String user) {
        Container container = backend.lookup(handle);
        GraceTimeReaper.Activity activity = backend.activity(handle);
        try {
            InputStream tar = files.streamOut(target(container), nonNull(source), nonNull(user));
            return new FilterInputStream(tar) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        activity.close();
                    }
                }
            };
        } catch (RuntimeException e) {
            activity.close();
            throw e;
        }
    }

    private ContainerFiles.Target target(Container container) {
        ContainerRuntime.RuntimeState state = runtime.state(container.handle());
        if (!state.running() || state.pid() <= 1) {
            throw new GardenException("container " + container.handle() + " is not running");
        }
        return new ContainerFiles.Target(container.handle(), state.pid(), container.record().spec().privileged());
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
