package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Root filesystems that are only names: the mount points it says are mounted. Knows the default
 * image and the URIs in {@link #images}, as the real provider knows only the directories that are
 * there; can be told to fail. Keeps RootfsProviderContract (FakeRootfsTest).
 */
final class FakeRootfs implements RootfsProvider {
    final Set<Path> mounted = new HashSet<>();
    final Set<String> images = new HashSet<>(Set.of(""));
    List<String> imageEnv = List.of();
    RuntimeException failure;
    RuntimeException destroyFailure;
    RuntimeException restoreFailure;
    /** Runs inside create before it mounts anything, so a test can hold a create in flight. */
    Runnable duringCreate = () -> { };
    DiskUsage imageSize = DiskUsage.NONE;

    @Override
    public Rootfs create(String handle, ImageRef image, Path containerDirectory) {
        duringCreate.run();
        if (failure != null) {
            throw failure;
        }
        if (!images.contains(image.uri())) {
            throw new GardenException("image " + image.uri() + ": not known to this fake rootfs");
        }
        Path path = mountPoint(containerDirectory);
        mounted.add(path);
        return new Rootfs(path, imageEnv);
    }

    @Override
    public DiskUsage imageSize(ImageRef image, Path containerDirectory) {
        return imageSize;
    }

    @Override
    public Path mountPoint(Path containerDirectory) {
        return containerDirectory.resolve("rootfs");
    }

    @Override
    public Rootfs restore(String handle, Path containerDirectory, List<String> env) {
        if (restoreFailure != null) {
            throw restoreFailure;
        }
        if (!mounted.contains(mountPoint(containerDirectory))) {
            throw new ContainerGoneException("the root filesystem of " + handle + " is not mounted");
        }
        return new Rootfs(mountPoint(containerDirectory), env);
    }

    @Override
    public void destroy(String handle, Path containerDirectory) {
        if (destroyFailure != null) {
            throw destroyFailure;
        }
        mounted.remove(mountPoint(containerDirectory));
    }
}
