package io.greenhouse.runc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.stream.Stream;

/**
 * On cgroup v1 runC bind-mounts a container's cgroups into it from inside its user namespace, as
 * an unmapped "other": the cgroups above the container's (the cell's parent, made under the
 * server's umask 027) must be searchable by others. Reading them stays root's.
 */
final class CgroupSearch {
    private CgroupSearch() {
    }

    static void openParents(Path cgroupRoot, String cgroupsPath) {
        if (cgroupsPath == null || Files.exists(cgroupRoot.resolve("cgroup.controllers"))) {
            return; // v2: nothing is bind-mounted
        }
        Path relative = Path.of(cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath).getParent();
        if (relative == null) {
            return;
        }
        try (Stream<Path> hierarchies = Files.list(cgroupRoot)) {
            for (Path h : hierarchies.toList()) {
                Path d = h.resolve(relative);
                while (d.startsWith(h) && !d.equals(h)) {
                    if (Files.isDirectory(d) && !Files.isSymbolicLink(h)) {
                        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(d);
                        if (mode.add(PosixFilePermission.OTHERS_EXECUTE)) {
                            Files.setPosixFilePermissions(d, mode);
                        }
                    }
                    d = d.getParent();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("opening the cgroups above " + cgroupsPath, e);
        }
    }
}
