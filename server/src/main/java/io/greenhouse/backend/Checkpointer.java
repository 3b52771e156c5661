package io.greenhouse.backend;

import java.nio.file.Path;

/**
 * Freezes a container's processes to disk and brings them back (CRIU through the OCI runtime). What
 * it keeps for a container lives in the container's depot directory, so a checkpointed container
 * survives a restart of the server and is served again, checkpointed.
 */
public interface Checkpointer {

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
