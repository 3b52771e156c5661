package io.greenhouse.bench;

import io.greenhouse.testsupport.HostTraces;
import io.greenhouse.testsupport.NetworkTraces;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a cell started by {@code gats-cell.sh start WORKTREE NAME ...} has left on the host once it
 * holds no container: mounts, runC containers and peas, cgroups under its parent, depot entries,
 * writable layers, monitors and their sockets, tar helpers, and its network's links, chains and
 * rules. The same checks as the suite's {@code TestCell.leftovers()}, for a cell the suite did not
 * start. Empty when nothing leaked.
 */
public record CellLeaks(Path state, Path runRoot, String cgroupParent, String networkPrefix) {

    /** The layout of gats-cell.sh: /var/tmp/gh-NAME-cell, /run/gh-NAME-cell, cgroup gh-NAME-cell. */
    public static CellLeaks ofGatsCell(String name, String networkPrefix) {
        return new CellLeaks(Path.of("/var/tmp/gh-" + name + "-cell"), Path.of("/run/gh-" + name + "-cell"),
                "gh-" + name + "-cell", networkPrefix);
    }

    public Path depot() {
        return state.resolve("depot");
    }

    public List<String> leftovers() {
        List<String> found = new ArrayList<>(new HostTraces(depot(), "runc", runRoot.resolve("runc"), cgroupParent).leftovers());
        String peas = HostTraces.run("runc", "--root", runRoot.resolve("peas").toString(), "list", "-q").strip();
        if (!peas.isEmpty()) {
            found.add("runc peas " + peas.replace('\n', ' '));
        }
        HostTraces.children(runRoot.resolve("monitors")).forEach(s -> found.add("monitor socket " + s));
        HostTraces.children(state.resolve("layers")).forEach(l -> found.add("quota store layer " + l));
        processes("greenhouse-monitor", "--dir\0" + depot()).forEach(p -> found.add("process monitor " + p));
        processes("greenhouse-tar", state.toString()).forEach(p -> found.add("tar helper " + p));
        found.addAll(NetworkTraces.of(networkPrefix, networkPrefix).leftovers());
        return found;
    }

    /** Pids whose command line names {@code program} and contains {@code marker}. */
    static List<Long> processes(String program, String marker) {
        List<Long> pids = new ArrayList<>();
        for (Path proc : HostTraces.children(Path.of("/proc"))) {
            String name = proc.getFileName().toString();
            if (!name.chars().allMatch(Character::isDigit)) {
                continue;
            }
            try {
                String cmdline = Files.readString(proc.resolve("cmdline"));
                if (cmdline.contains(program) && cmdline.contains(marker)) {
                    pids.add(Long.parseLong(name));
                }
            } catch (IOException | UncheckedIOException e) {
                // gone meanwhile
            }
        }
        return pids;
    }

    /**
     * The pid of the process listening on TCP {@code port} (the cell's JVM): the socket's inode
     * from /proc/net/tcp{,6}, then the process holding it. 0 when none is found.
     */
    public static long listenerPid(int port) {
        String hexPort = String.format(":%04X", port);
        List<String> inodes = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // local_address st=0A (LISTEN) ... inode
                    if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                        inodes.add("socket:[" + f[9] + "]");
                    }
                }
            } catch (IOException e) {
                // no IPv6
            }
        }
        if (inodes.isEmpty()) {
            return 0;
        }
        for (Path proc : HostTraces.children(Path.of("/proc"))) {
            String name = proc.getFileName().toString();
            if (!name.chars().allMatch(Character::isDigit)) {
                continue;
            }
            try {
                for (Path fd : HostTraces.children(proc.resolve("fd"))) {
                    if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
                        return Long.parseLong(name);
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // the process or the fd went meanwhile
            }
        }
        return 0;
    }
}
