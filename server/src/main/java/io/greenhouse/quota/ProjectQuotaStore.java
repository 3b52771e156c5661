package io.greenhouse.quota;

import io.greenhouse.backend.DiskQuota;
import io.greenhouse.backend.DiskUsage;
import io.greenhouse.linux.ProjectQuotas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Writable layers on a file system with project quotas (grootfs's way): each container's layer is
 * {@code STORE/HANDLE}, a directory in a project of its own with the inherit flag, so everything
 * the overlay writes there counts against that project; the container directory's
 * {@code overlay} is a link to it. Project ids are the directories' own, read back after a restart.
 */
public final class ProjectQuotaStore implements DiskQuota {
    private static final Logger LOG = Logger.getLogger(ProjectQuotaStore.class.getName());
    private final Path root;
    private final ProjectQuotas quotas;
    private final String description;
    /** Project ids in use; filled from the store's directories on first use. */
    private Set<Integer> used;

    public ProjectQuotaStore(Path root, ProjectQuotas quotas, String description) {
        this.root = root;
        this.quotas = quotas;
        this.description = description;
    }

    @Override
    public Status status() {
        return new Status(true, "project quotas on " + description);
    }

    @Override
    public void place(String handle, Path layer) {
        Path dir = root.resolve(handle);
        int id = allocate();
        try {
            Files.createDirectory(dir);
            quotas.assign(dir, id);
            // a stale limit of a project id reused after a crash must not apply to the new layer
            quotas.limit(root, id, 0, 0);
            Files.createDirectories(layer.getParent());
            Files.createSymbolicLink(layer, dir);
        } catch (IOException | RuntimeException e) {
            free(id);
            try {
                release(handle, layer);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("placing the writable layer of " + handle + " in " + root, io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public void limit(String handle, Path layer, long bytes, long inodes) {
        Path dir = root.resolve(handle);
        quotas.limit(root, quotas.projectId(dir), bytes, inodes);
    }

    @Override
    public Optional<DiskUsage> usage(String handle, Path layer) {
        Path dir = root.resolve(handle);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(DiskUsage.NONE);
        }
        ProjectQuotas.Usage u = quotas.usage(root, quotas.projectId(dir));
        return Optional.of(new DiskUsage(u.bytes(), u.inodes(), u.bytes(), u.inodes()));
    }

    @Override
    public void release(String handle, Path layer) {
        Path dir = root.resolve(handle);
        try {
            if (Files.isSymbolicLink(layer)) {
                Files.delete(layer);
            }
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                int id = quotas.projectId(dir);
                removeTree(dir);
                if (id != 0) {
                    quotas.limit(root, id, 0, 0);
                    free(id);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing the writable layer of " + handle, e);
        }
    }

    @Override
    public long freeBytes() {
        try {
            return Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    private synchronized int allocate() {
        if (used == null) {
            used = new HashSet<>();
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
                for (Path d : dirs) {
                    if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                        used.add(quotas.projectId(d));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading the quota store " + root, e);
            }
        }
        // id 0 is the file system's default project: never limited
        int id = 1;
        while (used.contains(id)) {
            id++;
        }
        used.add(id);
        return id;
    }

    private synchronized void free(int id) {
        if (used != null) {
            used.remove(id);
        }
    }

    private static void removeTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
        LOG.fine(() -> "removed writable layer " + dir);
    }
}
