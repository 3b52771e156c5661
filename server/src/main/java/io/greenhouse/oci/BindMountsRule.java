package io.greenhouse.oci;

import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.GardenException;

import java.nio.file.Path;
import java.util.List;

/**
 * The plan's bind mounts, after the standard mounts. Both paths must be absolute; a source in the
 * container's own filesystem is resolved in its rootfs and may not lead out of it.
 */
public final class BindMountsRule implements BundleRule {
    @Override
    public Spec apply(Spec spec, BundleInput input) {
        Path rootfs = input.plan().rootfs();
        return spec.plusMounts(input.plan().bindMounts().stream().map(b -> mount(rootfs, b)).toList());
    }

    static Mount mount(Path rootfs, BindMount b) {
        if (b.destinationPath() == null || !b.destinationPath().startsWith("/")) {
            throw new GardenException("bind mount destination must be an absolute path: " + b.destinationPath());
        }
        if (b.sourcePath() == null || !b.sourcePath().startsWith("/")) {
            throw new GardenException("bind mount source must be an absolute path: " + b.sourcePath());
        }
        String source = b.fromContainer()
                ? rootfs.resolve(b.sourcePath().substring(1)).normalize().toString()
                : b.sourcePath();
        if (b.fromContainer() && !Path.of(source).startsWith(rootfs)) {
            throw new GardenException("bind mount source escapes the container: " + b.sourcePath());
        }
        return new Mount(b.destinationPath(), "bind", source, List.of("bind", b.readWrite() ? "rw" : "ro", "rprivate"));
    }
}
