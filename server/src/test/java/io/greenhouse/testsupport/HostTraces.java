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
        for (Path parent : cgroupDirectories(cgroupParent)) {
            for (Path child : children(parent)) {
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

    /**
     * The cell's cgroup parent in every hierarchy there is: each v1 controller (and the named
     * ones, such as systemd and the hybrid host's unified mount), or the v2 tree itself.
     */
    public static List<Path> cgroupDirectories(String cgroupParent) {
        Path root = Path.of("/sys/fs/cgroup");
        List<Path> dirs = new ArrayList<>();
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            dirs.add(root.resolve(cgroupParent));
        } else {
            for (Path hierarchy : children(root)) {
                if (Files.isDirectory(hierarchy) && !Files.isSymbolicLink(hierarchy)) {
                    dirs.add(hierarchy.resolve(cgroupParent));
                }
            }
        }
        return dirs.stream().filter(Files::isDirectory).toList();
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
