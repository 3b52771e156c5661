package io.greenhouse.backend;

import java.nio.file.Path;

/** Measures a container's root filesystem. */
public interface DiskMeter {
    DiskUsage usage(String handle, Path containerDirectory);

    /** The container's usage; meters that need its spec (its image) read it here. */
    default DiskUsage usage(Container container) {
        return usage(container.handle(), container.directory());
    }
}
