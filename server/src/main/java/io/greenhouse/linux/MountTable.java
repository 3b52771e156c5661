package io.greenhouse.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the host's mount table to find mounts below a directory. */
public final class MountTable {
    private MountTable() {
    }

    public static List<String> mountPoints() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(line -> line.split(" "))
                    .filter(f -> f.length > 4)
                    .map(f -> unescape(f[4]))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("reading mountinfo", e);
        }
    }

    /** Whether something is mounted exactly at {@code dir}. */
    public static boolean isMountPoint(Path dir) {
        String path = dir.toAbsolutePath().normalize().toString();
        return mountPoints().contains(path);
    }

    public static boolean anyMountUnder(Path dir) {
        String prefix = dir.toAbsolutePath().normalize().toString();
        return mountPoints().stream().anyMatch(m -> m.equals(prefix) || m.startsWith(prefix + "/"));
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // not an escape; keep the backslash
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
