package io.greenhouse.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host program to completion with a deadline, capturing its output. */
public final class HostCommand {
    private HostCommand() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The most useful line to show a client: stderr if any, else stdout. */
        public String message() {
            String s = stderr.isBlank() ? stdout : stderr;
            return s.strip();
        }
    }

    public static Result run(List<String> command, Duration timeout) {
        return run(command, timeout, null);
    }

    /**
     * The output goes to two temporary files rather than pipes: with pipes, each would need a
     * thread of its own to drain it so neither could fill and stall the child, and this runs on
     * any thread, in static contexts, with no executor at hand. Files also cannot be held open by
     * a detached grandchild the way a pipe can (runc run --detach), so the wait ends when the
     * command does.
     */
    public static Result run(List<String> command, Duration timeout, Path directory) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("greenhouse-command-", ".out");
            err = Files.createTempFile("greenhouse-command-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (directory != null) {
                pb.directory(directory.toFile());
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException("starting " + command.get(0), e);
            }
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IllegalStateException("interrupted while running " + command.get(0), e);
            }
            // Not Files.readString: that refuses malformed UTF-8, which a failing command may print.
            return new Result(p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                    new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("running " + command.get(0), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a stray temporary file harms nothing
            }
        }
    }
}
