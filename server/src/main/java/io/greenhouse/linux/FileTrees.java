package io.greenhouse.linux;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removing a directory tree on the host without ever following a symlink in it: trees Greenhouse
 * removes (layers, writable layers, checkpoint images, process directories) hold files a container
 * made, so a link in them must be deleted, not walked into.
 */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Deletes TOP and everything below it; a TOP that is a symlink is deleted itself. Files that
     * vanish meanwhile (another remover, a process exiting) are not errors; anything else is.
     */
    public static void delete(Path top) throws IOException {
        if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
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
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** As {@link #delete} for clean-up paths that report what is left by looking afterwards. */
    public static void deleteQuietly(Path top) {
        try {
            delete(top);
        } catch (IOException e) {
            // the caller checks what is left
        }
    }
}
