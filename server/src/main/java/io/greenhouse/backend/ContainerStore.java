package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.List;

/**
 * The depot: one directory per container holding its metadata, bundle and root filesystem, so
 * the container list survives a restart of the server.
 */
public interface ContainerStore {

    /** Makes the container's directory; fails if it already exists. */
    Path create(String handle);

    Path directory(String handle);

    void save(ContainerRecord record);

    /** Every container with saved metadata. */
    List<ContainerRecord> loadAll();

    /** Directories in the depot that have no readable metadata (a create cut short). */
    List<String> incomplete();

    /**
     * Containers whose record is there but cannot be read (corrupt or truncated by a disk or a
     * hand, since saves are atomic), each with why: they are neither served nor removed, since
     * what they hold cannot be told, and are reported until the record is repaired or removed.
     */
    java.util.Map<String, String> unreadable();

    /** Removes the container's directory and everything left in it. */
    void remove(String handle);
}
