package io.greenhouse.cgroups;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Moves a container's processes between its good and its bad cgroup, as Guardian's enforcer does:
 * punishing copies the container's shares (weight) onto its bad cgroup and moves every process of
 * PARENT/good/HANDLE there (again until none is left, since a process may fork meanwhile); releasing
 * moves them back. Only the processes directly in the container's cgroup move; nested cgroups
 * (peas) stay where runC put them, as in Guardian.
 *
 * <p>On cgroup v2 a move takes the processes out of every controller of the good cgroup, so the
 * bad cgroup also gets the good one's memory.max, memory.swap.max and pids.max (Guardian copies the
 * weight only, which on v2 would leave a punished container without memory or pid limits).
 */
public final class CpuEnforcer {
    /** A process that forks faster than it can be moved must not hold the check forever. */
    private static final int MAX_ROUNDS = 50;
    private static final List<String> V2_LIMITS = List.of("memory.max", "memory.swap.max", "pids.max");

    private final CpuCgroups cgroups;
    private final CpuCgroups.Procs procs;

    public CpuEnforcer(CpuCgroups cgroups, CpuCgroups.Procs procs) {
        this.cgroups = cgroups;
        this.procs = procs;
    }

    /** Moves the container to its bad cgroup; a container without a good cgroup (gone) is skipped. */
    public void punish(String handle) throws IOException {
        Path good = cgroups.good(handle);
        if (!Files.isDirectory(good)) {
            return;
        }
        Path bad = cgroups.ensureBad(handle);
        copy(good, bad, cgroups.sharesFile());
        if (cgroups.unified()) {
            for (String limit : V2_LIMITS) {
                copy(good, bad, limit);
            }
        }
        moveAll(good, bad);
    }

    /** Moves the container's processes back from its bad cgroup; nothing to do when it has none. */
    public void release(String handle) throws IOException {
        Path bad = cgroups.bad(handle);
        Path good = cgroups.good(handle);
        if (!Files.isDirectory(bad) || !Files.isDirectory(good)) {
            return;
        }
        moveAll(bad, good);
    }

    /** True when the container's bad cgroup holds processes. */
    public boolean punished(String handle) throws IOException {
        Path bad = cgroups.bad(handle);
        return Files.isDirectory(bad) && !procs.list(bad).isEmpty();
    }

    /**
     * Removes the bad cgroups of containers that no longer exist (their processes are gone with
     * them); a bad cgroup that still holds a process stays until the next time.
     */
    public List<String> removeOrphans(Set<String> live) throws IOException {
        List<String> removed = new ArrayList<>();
        Path parent = cgroups.badParent();
        if (!Files.isDirectory(parent)) {
            return removed;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(parent, Files::isDirectory)) {
            for (Path child : children) {
                String handle = child.getFileName().toString();
                if (!live.contains(handle) && procs.list(child).isEmpty()) {
                    try {
                        procs.remove(child);
                        removed.add(handle);
                    } catch (IOException busy) {
                        // a process arrived meanwhile; the next check removes it
                    }
                }
            }
        }
        return removed;
    }

    private void moveAll(Path from, Path to) throws IOException {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<Integer> pids;
            try {
                pids = procs.list(from);
            } catch (NoSuchFileException gone) {
                return;
            }
            if (pids.isEmpty()) {
                return;
            }
            for (int pid : pids) {
                procs.move(pid, to);
            }
        }
        throw new IOException("processes of " + from + " keep appearing; moved for " + MAX_ROUNDS + " rounds");
    }

    private static void copy(Path from, Path to, String file) throws IOException {
        Path source = from.resolve(file);
        if (Files.exists(source)) {
            Files.writeString(to.resolve(file), Files.readString(source).trim());
        }
    }
}
