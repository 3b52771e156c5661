package io.greenhouse.backend;

import java.io.InputStream;

/**
 * Moves files in and out of a running container as tar streams, resolving every path as the
 * container sees it and acting as one of the container's users.
 */
public interface ContainerFiles {

    /** The container to act in: its init (whose namespaces are joined) and whether it is privileged. */
    record Target(String handle, int initPid, boolean privileged) {
    }

    /**
     * Extracts {@code tar} into {@code destination} (created if missing; relative to the user's home
     * when relative), as {@code user}. Returns once every entry is on disk; a hostile or malformed
     * stream, an unknown user or a refused destination is a {@link GardenException}.
     */
    void streamIn(Target target, String destination, String user, InputStream tar);

    /**
     * A tar of {@code source} read as {@code user}, produced while it is read. Failures that can be
     * known before the first byte (unknown user, missing or unreadable source) are thrown here.
     * The caller must close the stream.
     */
    InputStream streamOut(Target target, String source, String user);
}
