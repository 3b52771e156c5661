package io.greenhouse.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Files of a container's root filesystem as the container sees them, read by the server on the
 * host. The container controls its root filesystem, so its symlinks are resolved inside it, never
 * on the host: the same resolution as the helpers' (src/main/c/inroot.h), by the same system call
 * ({@link Syscalls#openInRoot}). A symlink {@code /etc/passwd -> /usr/lib/passwd} works as in the
 * container; {@code -> ../../../../etc/shadow} or a host path resolves inside the root or not at all.
 */
public final class InRootFiles {
    private final Syscalls syscalls;

    public InRootFiles(Syscalls syscalls) {
        this.syscalls = syscalls;
    }

    /**
     * The content of the regular file {@code path} of {@code root}; null when it is absent, not a
     * regular file (a FIFO or device is never opened for reading) or larger than {@code maxBytes}.
     */
    public byte[] readRegularFile(Path root, String path, int maxBytes) {
        int fd = syscalls.openInRoot(root, path);
        if (fd < 0) {
            return null;
        }
        try {
            // The descriptor is O_PATH: its /proc/self/fd link stats and reopens that very file.
            Path file = Path.of("/proc/self/fd", Integer.toString(fd));
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile() || attributes.size() > maxBytes) {
                return null;
            }
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes(maxBytes);
            }
        } catch (IOException e) {
            return null;
        } finally {
            syscalls.close(fd);
        }
    }

    /** Whether {@code path} of {@code root} is a directory (or a symlink resolving to one inside the root). */
    public boolean isDirectory(Path root, String path) {
        int fd = syscalls.openInRoot(root, path);
        if (fd < 0) {
            return false;
        }
        try {
            return Files.isDirectory(Path.of("/proc/self/fd", Integer.toString(fd)));
        } finally {
            syscalls.close(fd);
        }
    }
}
