package io.greenhouse.image;

import io.greenhouse.backend.DiskMeter;
import io.greenhouse.backend.DiskUsage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * Measures the overlay root filesystems {@link ImageRootfsProvider} builds: what the container
 * wrote is its upper layer (exclusive usage); what it sees is the merged mount (total usage: image
 * plus its writes). Bytes are apparent file sizes; inodes are the entries, hard links counted once.
 */
public final class OverlayDiskMeter implements DiskMeter {

    @Override
    public DiskUsage usage(String handle, Path containerDirectory) {
        Tally exclusive = tally(containerDirectory.resolve(ImageRootfsProvider.UPPER));
        Tally total = tally(containerDirectory.resolve(ImageRootfsProvider.MERGED));
        return new DiskUsage(total.bytes, total.inodes, exclusive.bytes, exclusive.inodes);
    }

    static Tally tally(Path top) {
        Tally tally = new Tally();
        if (!Files.isDirectory(top)) {
            return tally;
        }
        try {
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    tally.add(attrs);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    tally.add(attrs);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // a file the container removed while we walked: it no longer uses anything
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("measuring " + top, e);
        }
        return tally;
    }

    static final class Tally {
        private final Set<Object> seen = new HashSet<>();
        long bytes;
        long inodes;

        void add(BasicFileAttributes attrs) {
            Object key = attrs.fileKey();
            if (key != null && !seen.add(key)) {
                return;
            }
            inodes++;
            if (attrs.isRegularFile()) {
                bytes += attrs.size();
            }
        }
    }
}
