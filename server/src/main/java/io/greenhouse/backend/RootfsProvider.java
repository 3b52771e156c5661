package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.List;

/** Turns an image reference into a private, writable root filesystem for one container. */
public interface RootfsProvider {

    /**
     * The directory under a container's directory that holds its writable layer (upper and work
     * directories); a {@link DiskQuota} may make it a link into a quota store before {@link #create}.
     */
    String WRITABLE_LAYER = "overlay";

    /** Mounts the container's root filesystem under its directory; on failure nothing is left. */
    Rootfs create(String handle, ImageRef image, Path containerDirectory);

    /** Where {@link #create} mounts the root filesystem of the container with this directory. */
    Path mountPoint(Path containerDirectory);

    /**
     * After a restart: the root filesystem {@link #create} mounted for the container, with the image
     * environment it returned then.
     *
     * @throws ContainerGoneException when it is no longer mounted
     */
    Rootfs restore(String handle, Path containerDirectory, List<String> imageEnv);

    /** Unmounts and removes what {@link #create} made; safe to call when nothing (or part) exists. */
    void destroy(String handle, Path containerDirectory);

    /**
     * Bytes and inodes of the image under the container's writable layer (for disk limits of scope
     * total and for metrics); zero when the provider cannot tell.
     */
    default DiskUsage imageSize(ImageRef image, Path containerDirectory) {
        return DiskUsage.NONE;
    }

    /** The mounted root filesystem and the environment its image asks processes to get. */
    record Rootfs(Path path, List<String> env) {
        public Rootfs {
            env = env == null ? List.of() : List.copyOf(env);
        }
    }
}
