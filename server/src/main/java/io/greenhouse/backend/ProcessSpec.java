package io.greenhouse.backend;

import java.util.List;
import java.util.Map;

/**
 * A process to run in a container, as the client asked for it.
 *
 * @param id       the client's id for it; empty to have one generated
 * @param user     a user name or uid[:gid] in the container's own /etc/passwd; empty for root
 * @param dir      working directory, created if missing; empty for the user's home
 * @param rlimits  resource limits by Garden's name (nofile, nproc, ...), soft = hard
 * @param tty      the terminal to give the process, or null for pipes
 * @param limitsOverride for a pea: its own memory and CPU limits instead of sharing the container's,
 *                 or null to share them (Garden's OverrideContainerLimits)
 */
public record ProcessSpec(
        String id,
        String path,
        List<String> args,
        List<String> env,
        String dir,
        String user,
        Map<String, Long> rlimits,
        WindowSize tty,
        ImageRef image,
        List<BindMount> bindMounts,
        ResourceLimits limitsOverride) {

    public ProcessSpec(String id, String path, List<String> args, List<String> env, String dir, String user,
                       Map<String, Long> rlimits, WindowSize tty, ImageRef image, List<BindMount> bindMounts) {
        this(id, path, args, env, dir, user, rlimits, tty, image, bindMounts, null);
    }

    /** A process with an image, bind mounts or limits of its own runs as a pea, beside the container. */
    public boolean isPea() {
        return !image.isDefault() || !bindMounts.isEmpty() || limitsOverride != null;
    }

    public ProcessSpec {
        id = id == null ? "" : id;
        path = path == null ? "" : path;
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        dir = dir == null ? "" : dir;
        user = user == null ? "" : user;
        rlimits = rlimits == null ? Map.of() : Map.copyOf(rlimits);
        image = image == null ? ImageRef.DEFAULT : image;
        bindMounts = bindMounts == null ? List.of() : List.copyOf(bindMounts);
    }

    public ProcessSpec withId(String newId) {
        return new ProcessSpec(newId, path, args, env, dir, user, rlimits, tty, image, bindMounts, limitsOverride);
    }
}
