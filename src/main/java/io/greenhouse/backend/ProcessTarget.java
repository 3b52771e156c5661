package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.List;

/**
 * The container a process runs in, as the process runner needs it.
 *
 * @param directory  the container's depot directory (processes keep their state under it)
 * @param rootfs     the container's root filesystem as the host sees it
 * @param env        the container's environment (image env, then the container spec's)
 */
public record ProcessTarget(String handle, Path directory, Path rootfs, List<String> env, boolean privileged) {
    public ProcessTarget {
        env = List.copyOf(env);
    }
}
