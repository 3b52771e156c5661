package io.greenhouse.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a client is shown of a criu log: its error lines (criu writes thousands of debug lines per
 * dump), the last few of them, since the first failure is followed by the unwinding it caused.
 */
final class CriuLog {
    static final int MAX_LINES = 8;

    private CriuLog() {
    }

    static String excerpt(Path log) {
        List<String> lines;
        try {
            lines = List.of(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            return "(no criu log at " + log + ")";
        }
        return excerpt(lines);
    }

    static String excerpt(List<String> lines) {
        List<String> errors = new ArrayList<>();
        for (String line : lines) {
            // criu's own complaint about RLIMIT_NOFILE for itself is harmless and in every log
            if (line.contains("Error (") && !line.contains("RLIMIT_NOFILE for self")) {
                errors.add(line.strip());
            }
        }
        if (errors.isEmpty()) {
            int from = Math.max(0, lines.size() - 3);
            errors = lines.subList(from, lines.size()).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        }
        List<String> last = errors.subList(Math.max(0, errors.size() - MAX_LINES), errors.size());
        return String.join("; ", last);
    }
}
