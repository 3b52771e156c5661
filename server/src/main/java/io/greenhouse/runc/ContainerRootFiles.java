package io.greenhouse.runc;

import io.greenhouse.oci.Linux;
import io.greenhouse.oci.Mount;
import io.greenhouse.oci.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The files Greenhouse bind-mounts from the container's own directory (its /etc/hosts and
 * /etc/resolv.conf) belong to the container's root: in a user namespace that is the host id
 * container root maps to, or they would appear as nobody's and be unwritable for container root.
 * Readable by every user of the container (a resolver runs as any user), writable by its root.
 */
final class ContainerRootFiles {
    private ContainerRootFiles() {
    }

    static void own(Spec spec, Path containerDirectory) {
        long uid = root(spec.linux().uidMappings());
        long gid = root(spec.linux().gidMappings());
        if (uid < 0 || gid < 0) {
            return;
        }
        for (Mount m : spec.mounts()) {
            if (!"bind".equals(m.type()) || m.source() == null) {
                continue;
            }
            Path source = Path.of(m.source()).normalize();
            // Only Greenhouse's own files: sources directly in the container's directory.
            if (!containerDirectory.equals(source.getParent()) || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.setAttribute(source, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(source, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
                Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (IOException e) {
                throw new UncheckedIOException("owning " + source + " by the container's root", e);
            }
        }
    }

    private static long root(java.util.List<Linux.IdMapping> mappings) {
        for (Linux.IdMapping m : mappings) {
            if (m.containerId() == 0) {
                return m.hostId();
            }
        }
        return -1;
    }
}
