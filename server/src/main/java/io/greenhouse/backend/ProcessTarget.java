package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.List;

/**
 * The container a process runs in, as the process runner needs it.
 *
 * @param directory  the container's depot directory (processes keep their state under it)
 * @param rootfs     the container's root filesystem as the host sees it
 * @param env        the container's environment (image env, then the container spec's)
 * @param sharedMounts  bind mounts the container's peas get too (its /etc/hosts and /etc/resolv.conf)
 */
public record ProcessTarget(String handle, Path directory, Path rootfs, List<String> env, boolean privileged,
                            List<BindMount> sharedMounts) {
    public ProcessTarget {
        env = List.copyOf(env);
        sharedMounts = sharedMounts == null ? List.of() : List.copyOf(sharedMounts);
    }

    public ProcessTarget(String handle, Path directory, Path rootfs, List<String> env, boolean privileged) {
        this(handle, directory, rootfs, env, privileged, List.of());
    }
}
