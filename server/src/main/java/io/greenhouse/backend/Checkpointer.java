package io.greenhouse.backend;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Freezes a container's processes to disk and brings them back (CRIU through the OCI runtime). What
 * it keeps for a container lives in the container's depot directory, so a checkpointed container
 * survives a restart of the server and is served again, checkpointed.
 */
public interface Checkpointer {
    /**
     * A container property: {@code "true"} at create makes the container's non-TTY processes part
     * of its checkpoints (each runs under a keeper in the container, with its stdio on FIFOs in
     * {@link #STREAMS_DIRECTORY}), at the cost of one more process each.
     */
    String PROCESSES_PROPERTY = "greenhouse.checkpoint.processes";

    /** The directory of the container's depot directory that holds its processes' FIFOs, when it has one. */
    String STREAMS_DIRECTORY = "streams";

    /**
     * The directory of the container's depot directory that holds its checkpoint and, while one is
     * made, the markers the process monitors follow.
     */
    String CHECKPOINT_DIRECTORY = "checkpoint";

    /**
     * Whether the network namespace of the container whose init runs as {@code initPid} is kept
     * across its checkpoints (the processes come back into the very namespace). When not, criu
     * dumps and recreates the namespace, and the caller takes the veth away before
     * ({@link Networker#unplug}) and gives it back after ({@link Networker#replug}).
     */
    default boolean keepsNetworkNamespace(int initPid) {
        return true;
    }

    /** Whether checkpoints can be taken on this host, and if not, why not. */
    Availability availability();

    /**
     * Dumps the init (and every process in its tree) of the running container. Unless
     * {@code leaveRunning}, the container's processes are gone afterwards and only the checkpoint
     * is left. A failure is a {@link GardenException} with the checkpointer's own log excerpt, and
     * leaves the container running and any earlier checkpoint as it was.
     */
    void checkpoint(String handle, Path containerDirectory, int initPid, boolean leaveRunning);

    /**
     * Starts the container again from its checkpoint; returns the pid of its new init. A failure
     * is a {@link GardenException} with the log excerpt, and leaves the checkpoint as it was, so
     * the restore can be tried again.
     */
    int restore(String handle, Path containerDirectory);

    /** True when the container's processes are in a checkpoint and not running. */
    boolean checkpointed(Path containerDirectory);

    /** Removes the container's checkpoint and whatever was kept for it; safe when there is none. */
    void discard(String handle, Path containerDirectory);

    /**
     * Writes the checkpointed container as one archive another cell can {@link #receive}: the
     * manifest, its writable layer and its dump. The container stays checkpointed here.
     */
    default void export(String handle, Path containerDirectory, CheckpointManifest manifest, OutputStream archive) {
        throw new GardenException("checkpoints cannot be exported from this cell");
    }

    /**
     * Starts reading an archive from another cell (hostile input): reads and checks its manifest,
     * which comes first; the rest is read by {@link Incoming#unpack}.
     */
    default Incoming receive(InputStream archive) {
        throw new GardenException("checkpoints cannot be imported on this cell");
    }

    /**
     * Takes over a container made from an archive, whose layer and dump {@link Incoming#unpack}
     * put in its directory and whose fresh init runs as {@code initPid} in the network namespace
     * made for it here: keeps that namespace, removes the fresh init and leaves the container
     * checkpointed, ready to be restored.
     */
    default void adopt(String handle, Path containerDirectory, int initPid) {
        throw new GardenException("checkpoints cannot be imported on this cell");
    }

    /** An archive being received: its manifest, then the rest of it unpacked into a container's directory. */
    interface Incoming {
        CheckpointManifest manifest();

        /**
         * Puts the archive's writable layer in {@code upper} (empty, under the container's
         * directory) and its dump where {@link #restore} finds it; refuses (a
         * {@link GardenException}) anything that does not belong in an archive, or too much of it.
         */
        void unpack(Path containerDirectory, Path upper);
    }

    record Availability(boolean available, String reason) {
    }

    /** For cells without a checkpointer: every checkpoint is refused. */
    Checkpointer NONE = new Checkpointer() {
        @Override
        public Availability availability() {
            return new Availability(false, "no checkpointer configured");
        }

        @Override
        public void checkpoint(String handle, Path containerDirectory, int initPid, boolean leaveRunning) {
            throw new GardenException("checkpoints are not available on this cell");
        }

        @Override
        public int restore(String handle, Path containerDirectory) {
            throw new GardenException("checkpoints are not available on this cell");
        }

        @Override
        public boolean checkpointed(Path containerDirectory) {
            return false;
        }

        @Override
        public void discard(String handle, Path containerDirectory) {
        }
    };
}
