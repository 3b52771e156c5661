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

    @Override
    public Rootfs create(String handle, ImageRef image, Path containerDirectory) {
        if (failure != null) {
            throw failure;
        }
        mounted.add(handle);
        return new Rootfs(containerDirectory.resolve("rootfs"), imageEnv);
    }

    @Override
    public void destroy(String handle, Path containerDirectory) {
        mounted.remove(handle);
    }
}
