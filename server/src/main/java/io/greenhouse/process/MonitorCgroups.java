package io.greenhouse.process;

import io.greenhouse.backend.GardenException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The cgroup the process monitors live in: one of the cell's own, not the server's. A container
 * runtime or systemd restarting the server kills every process in the server's cgroup (a pod
 * restart, {@code KillMode=control-group}); monitors, and the processes they start, must not be
 * among them. So each monitor moves itself into PATH (by default {@code PARENT/@monitors}, beside
 * the containers' cgroups; a handle can never be "@monitors") under every hierarchy before it
 * runs the runtime: the unified tree on cgroup v2; on v1 every mounted hierarchy, and the v2 tree a
 * hybrid host mounts beside them, since which one a killer reads its pids from is up to it
 * (systemd: its own; runc: devices or freezer).
 *
 * <p>The cgroup is shared by all monitors of the cell and stays when the last one exits, like the
 * parent cgroup the runtime makes for the containers.
 */
public final class MonitorCgroups {
    private final Path root;
    private final String path;

    /** {@code root} is the cgroup mount ({@code /sys/fs/cgroup}); {@code path} the monitors' cgroup under it. */
    public MonitorCgroups(Path root, String path) {
        this.root = root;
        this.path = validate(path);
    }

    /** The monitors' cgroup for a cell whose containers' cgroups are under {@code cgroupParent}. */
    public static String defaultPath(String cgroupParent) {
        return stripSlashes(cgroupParent) + "/@monitors";
    }

    /**
     * Monitors stay wherever the server is: for a cell that manages no cgroups (unit tests, a
     * host without a cgroup mount).
     */
    public static MonitorCgroups none() {
        return new MonitorCgroups(null, "none");
    }

    /** The monitors' cgroup in each hierarchy, whether it exists yet or not. */
    public List<Path> directories() {
        if (root == null || !Files.isDirectory(root)) {
            return List.of();
        }
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return List.of(root.resolve(path));
        }
        Set<Path> hierarchies = new LinkedHashSet<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.sorted().toList()) {
                // A symlink (cpu -> cpu,cpuacct) names a hierarchy that is listed under its own name too.
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)
                        && Files.isRegularFile(child.resolve("cgroup.procs"), LinkOption.NOFOLLOW_LINKS)) {
                    hierarchies.add(child);
                }
            }
        } catch (IOException e) {
            throw new GardenException("listing cgroup hierarchies under " + root + ": " + e.getMessage(), e);
        }
        return hierarchies.stream().map(h -> h.resolve(path)).toList();
    }

    /**
     * The {@code cgroup.procs} file of the monitors' cgroup in each hierarchy, made first where it is
     * missing (again if someone removed it). A monitor writes its pid into each before it starts
     * anything, so no process of it ever runs in the server's cgroups.
     */
    public List<Path> procsFiles() {
        List<Path> files = new ArrayList<>();
        for (Path dir : directories()) {
            try {
                create(dir);
            } catch (IOException e) {
                throw new GardenException("creating the process monitors' cgroup " + dir + ": " + e.getMessage(), e);
            }
            files.add(dir.resolve("cgroup.procs"));
        }
        return files;
    }

    /** Makes the directory and its missing parents, each a usable cgroup. */
    private static void create(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        create(dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            return;
        }
        inheritCpuset(dir);
    }

    /**
     * A new v1 cpuset cgroup starts with no CPUs and no memory nodes, and a process cannot join
     * it: give it its parent's, as the runtime does for the containers' cgroups. (On v2 an empty
     * cpuset means the parent's.)
     */
    static void inheritCpuset(Path dir) throws IOException {
        if (Files.exists(dir.resolve("cgroup.controllers"))) {
            return;
        }
        for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
            Path own = dir.resolve(file);
            if (Files.exists(own) && Files.readString(own, StandardCharsets.US_ASCII).isBlank()) {
                Files.writeString(own, Files.readString(dir.getParent().resolve(file), StandardCharsets.US_ASCII).strip(),
                        StandardCharsets.US_ASCII);
            }
        }
    }

    private static String validate(String path) {
        String p = stripSlashes(path == null ? "" : path);
        if (p.isEmpty()) {
            throw new IllegalArgumentException("the process monitors' cgroup must not be the cgroup root");
        }
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.contains("\n")) {
                throw new IllegalArgumentException("invalid process monitors' cgroup: " + path);
            }
        }
        return p;
    }

    private static String stripSlashes(String s) {
        String p = s;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
