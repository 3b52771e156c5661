package io.greenhouse.backend;

import java.nio.file.Path;

/** Measures a container's root filesystem. */
public interface DiskMeter {
    DiskUsage usage(String handle, Path containerDirectory);
}
