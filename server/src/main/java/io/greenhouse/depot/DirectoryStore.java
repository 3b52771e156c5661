package io.greenhouse.depot;

import io.greenhouse.backend.ContainerRecord;
import io.greenhouse.backend.ContainerStore;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.Handles;
import io.greenhouse.linux.MountTable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The depot on disk: {@code DEPOT/HANDLE/container.json} next to the container's bundle and root
 * filesystem. Metadata is written to a temporary file and renamed, so a crash never leaves half a
 * record.
 */
public final class DirectoryStore implements ContainerStore {
    private static final Logger LOG = Logger.getLogger(DirectoryStore.class.getName());
    static final String RECORD = "container.json";

    private final Path depot;
    private final RecordCodec codec;

    public DirectoryStore(Path depot, RecordCodec codec) {
        this.depot = depot;
        this.codec = codec;
        try {
            Files.createDirectories(depot);
        } catch (IOException e) {
            throw new UncheckedIOException("creating depot " + depot, e);
        }
    }

    @Override
    public Path create(String handle) {
        Path dir = directory(handle);
        try {
            Files.createDirectory(dir);
            // the entry must be on disk before anything is made for it, or a crash could leave
            // a mount or runtime container that no depot entry leads reload to
            fsync(depot);
            return dir;
        } catch (FileAlreadyExistsException e) {
            throw new GardenException("Handle '" + handle + "' already in use");
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Path directory(String handle) {
        return depot.resolve(Handles.validate(handle));
    }

    /**
     * Writes the record to a temporary file, flushes it, renames it over the old one and flushes
     * the directory: after a crash the record is the old one or the new one, never part of one,
     * and once this returns the new one survives a power loss too.
     */
    @Override
    public void save(ContainerRecord record) {
        Path dir = directory(record.handle());
        Path tmp = dir.resolve(RECORD + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(codec.encode(record).getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            try {
                Files.move(tmp, dir.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(RECORD), StandardCopyOption.REPLACE_EXISTING);
            }
            fsync(dir);
        } catch (IOException e) {
            // the cause's words (No space left on device, Read-only file system) are what an operator needs
            deleteQuietly(tmp);
            throw new UncheckedIOException("saving the record of " + record.handle() + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.FINE, "removing " + file, e);
        }
    }

    /** Flushes a directory's entries; Linux lets a directory be opened read-only for that. */
    static void fsync(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    @Override
    public List<ContainerRecord> loadAll() {
        List<ContainerRecord> records = new ArrayList<>();
        for (Path dir : containerDirectories()) {
            Path file = dir.resolve(RECORD);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    records.add(codec.decode(Files.readString(file)));
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "container " + dir.getFileName() + " is broken: its record " + file
                            + " cannot be read (" + e + "); it is neither served nor removed until the record is"
                            + " repaired or the directory removed", e);
                }
            }
        }
        return records;
    }

    @Override
    public List<String> incomplete() {
        List<String> handles = new ArrayList<>();
        for (Path dir : containerDirectories()) {
            if (!Files.isRegularFile(dir.resolve(RECORD), LinkOption.NOFOLLOW_LINKS)) {
                handles.add(dir.getFileName().toString());
            }
        }
        return handles;
    }

    @Override
    public java.util.Map<String, String> unreadable() {
        java.util.Map<String, String> broken = new java.util.TreeMap<>();
        for (Path dir : containerDirectories()) {
            Path file = dir.resolve(RECORD);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    codec.decode(Files.readString(file));
                } catch (IOException | RuntimeException e) {
                    broken.put(dir.getFileName().toString(), RECORD + " cannot be read: " + e.getMessage());
                }
            }
        }
        return broken;
    }

    private List<Path> containerDirectories() {
        try (Stream<Path> s = Files.list(depot)) {
            return s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> isHandle(p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing depot " + depot, e);
        }
    }

    private static boolean isHandle(String name) {
        try {
            Handles.validate(name);
            return true;
        } catch (GardenException e) {
            return false;
        }
    }

    @Override
    public void remove(String handle) {
        Path dir = directory(handle);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // Nothing may still be mounted below: deleting through a live mount would delete the
        // image or a bind-mounted host directory.
        if (MountTable.anyMountUnder(dir)) {
            throw new GardenException("refusing to remove " + dir + ": something is still mounted below it");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            // the record goes first: a crash part-way leaves a directory without one, which
            // reload rolls back, never a record over half a container
            Files.deleteIfExists(dir.resolve(RECORD));
            List<Path> paths = walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
            fsync(depot);
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + dir, e);
        }
    }
}
