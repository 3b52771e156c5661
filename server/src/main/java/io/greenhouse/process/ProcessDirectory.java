package io.greenhouse.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What a process keeps in DEPOT/HANDLE/processes/ID: process.json (written by the server), and,
 * written by its monitor, pid, exit-status and the output tails nobody had read when it exited.
 */
final class ProcessDirectory {
    static final String PROCESS_SPEC = "process.json";
    static final String EXIT_STATUS = "exit-status";
    static final int MAX_TAIL = 16 << 20;

    private ProcessDirectory() {
    }

    static Path root(Path containerDirectory) {
        return containerDirectory.resolve("processes");
    }

    /** The recorded exit status, or null while the process runs (or if it was never recorded). */
    static Integer exitStatus(Path dir) {
        try {
            return Integer.parseInt(Files.readString(dir.resolve(EXIT_STATUS)).strip());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** The process's host pid as the runtime wrote it for the monitor, or 0 if there is none. */
    static long pid(Path dir) {
        try {
            return Long.parseLong(Files.readString(dir.resolve("pid")).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** When the monitor recorded the exit status (the file's time), or null if it did not. */
    static Instant exitedAt(Path dir) {
        try {
            return Files.getLastModifiedTime(dir.resolve(EXIT_STATUS)).toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    static byte[] tail(Path dir, String name) {
        Path file = dir.resolve(name);
        try {
            if (Files.size(file) > MAX_TAIL) {
                return new byte[0];
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    static boolean isTerminal(Path dir) {
        try {
            return jakarta.json.Json.createReader(Files.newBufferedReader(dir.resolve(PROCESS_SPEC)))
                    .readObject().getBoolean("terminal", false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Process ids become directory names: no separators, no dot names, nothing unprintable. */
    static boolean validId(String id) {
        return !id.isEmpty() && id.length() <= 200 && !id.equals(".") && !id.equals("..")
                && id.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != '\\');
    }

    /**
     * Deletes a finished process's directory, unless something is still mounted on a pea's root
     * filesystem in it: a walk would go down into the image. True when it is gone.
     */
    static boolean remove(Path dir) {
        Path rootfs = dir.resolve("rootfs");
        try {
            if (Files.isDirectory(rootfs, LinkOption.NOFOLLOW_LINKS)
                    && !Files.getAttribute(rootfs, "unix:dev", LinkOption.NOFOLLOW_LINKS)
                    .equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                return false;
            }
        } catch (IOException e) {
            // gone while we looked: the walk below finds what is left
        }
        deleteRecursively(dir);
        return !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // reported by the caller's check below
                }
            });
        } catch (IOException e) {
            // the directory vanished while walking: fine
        }
    }
}
