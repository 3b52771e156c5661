package io.greenhouse.backend;

/**
 * A host (or container) path mounted into the container. {@code fromContainer} means the source
 * path is inside the container's own root filesystem.
 */
public record BindMount(String sourcePath, String destinationPath, boolean readWrite, boolean fromContainer) {
}
