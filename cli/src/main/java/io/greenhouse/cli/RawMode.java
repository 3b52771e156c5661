package io.greenhouse.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The local terminal in raw mode while an interactive process runs, so every key (Ctrl-C, Ctrl-D,
 * arrows) goes to the container's terminal and only its echo is shown. Java has no termios, so
 * stty does it on the standard input it inherits, which is the terminal; the saved settings are
 * put back on close, and by a shutdown hook if the JVM is ended first.
 */
final class RawMode implements AutoCloseable {
    private final String saved;
    private final Thread restoreOnExit;

    private RawMode(String saved) {
        this.saved = saved;
        this.restoreOnExit = new Thread(this::restore, "greenhouse-restore-terminal");
        Runtime.getRuntime().addShutdownHook(restoreOnExit);
    }

    static RawMode enter() {
        RawMode mode = new RawMode(stty("-g").strip());
        stty("raw", "-echo");
        return mode;
    }

    /** Columns and rows of the terminal, or 80x24 when it does not say. */
    static int[] size() {
        String[] rowsColumns = stty("size").strip().split("\\s+");
        try {
            int rows = Integer.parseInt(rowsColumns[0]);
            int columns = Integer.parseInt(rowsColumns[1]);
            if (rows > 0 && columns > 0) {
                return new int[] {columns, rows};
            }
        } catch (RuntimeException e) {
            // no size known
        }
        return new int[] {80, 24};
    }

    private void restore() {
        stty(saved);
    }

    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreOnExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook restores
        }
    }

    private static String stty(String... args) {
        List<String> command = new ArrayList<>(List.of("stty"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("stty " + String.join(" ", args) + " failed");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("stty: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
