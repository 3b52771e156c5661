package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Root filesystems that are only names; can be told to fail. */
final class FakeRootfs implements RootfsProvider {
    final Set<String> mounted = new HashSet<>();
    List<String> imageEnv = List.of();
    RuntimeException failure;
    RuntimeException destroyFailure;
    /** Runs inside create before it mounts anything, so a test can hold a create in flight. */
    Runnable duringCreate = () -> { };

    @Override
    public Rootfs create(String handle, ImageRef image, Path containerDirectory) {
        duringCreate.run();
        if (failure != null) {
            throw failure;
        }
        mounted.add(handle);
        return new Rootfs(containerDirectory.resolve("rootfs"), imageEnv);
    }

    @Override
    public Path mountPoint(Path containerDirectory) {
        return containerDirectory.resolve("rootfs");
    }

    @Override
    public Rootfs restore(String handle, Path containerDirectory, List<String> env) {
        if (!mounted.contains(handle)) {
            throw new ContainerGoneException("the root filesystem of " + handle + " is not mounted");
        }
        return new Rootfs(mountPoint(containerDirectory), env);
    }

    @Override
    public void destroy(String handle, Path containerDirectory) {
        if (destroyFailure != null) {
            throw destroyFailure;
        }
        mounted.remove(handle);
    }
}
