package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.List;

/** Everything the runtime needs to start a container whose root filesystem is already mounted. */
public record ContainerPlan(
        String handle,
        String hostname,
        Path bundleDirectory,
        Path rootfs,
        List<String> env,
        List<BindMount> bindMounts,
        ResourceLimits limits,
        boolean privileged) {
}
