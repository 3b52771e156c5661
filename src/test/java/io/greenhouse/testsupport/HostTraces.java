package io.greenhouse.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What containers of one cell leave on the host: mounts under its
 * depot, runC containers under its runtime root, cgroups under its parent (v1 controllers and the
 * v2 unified tree) and depot entries. Empty when nothing leaked.
 */
public record HostTraces(Path depot, String runtimeBinary, Path runtimeRoot, String cgroupParent) {
    /** The process monitors' cgroup under the parent (Settings' default). */
    public static final String MONITORS_CGROUP = "@monitors";

    public List<String> leftovers() {
        List<String> found = new ArrayList<>();
        for (String mount : mountPoints()) {
            if (mount.startsWith(depot + "/")) {
                found.add("mount " + mount);
            }
        }
        String listed = run(runtimeBinary, "--root", runtimeRoot.toString(), "list", "-q").strip();
        if (!listed.isEmpty()) {
            found.add("runtime containers " + listed.replace('\n', ' '));
        }
        for (String controller : List.of("memory", "pids", "cpu", "unified", "")) {
            for (Path child : children(Path.of("/sys/fs/cgroup", controller, cgroupParent))) {
                if (child.getFileName().toString().equals(MONITORS_CGROUP)) {
                    // Shared by the cell's monitors and kept; but none may outlive its container.
                    String pids = read(child.resolve("cgroup.procs")).strip();
                    if (!pids.isEmpty()) {
                        found.add("pids in the monitors' cgroup " + child + ": " + pids.replace('\n', ' '));
                    }
                } else if (Files.isDirectory(child)) {
                    found.add("cgroup " + child);
                }
            }
        }
        for (Path entry : children(depot)) {
            found.add("depot entry " + entry);
        }
        return found;
    }

    public static List<String> mountPoints() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(line -> line.split(" ")[4]).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    public static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a host command to its end (at most two minutes) and returns its output and errors. */
    public static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
