package io.greenhouse.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Guardian's CPU throttling layout: with throttling on, every container's cgroup is PARENT/good/HANDLE
 * (in every hierarchy) and a container over its CPU entitlement has its processes moved to
 * PARENT/bad/HANDLE, which on cgroup v1 exists in the cpu hierarchy only (so memory, pids, freezer and
 * devices still see the processes where runC put them), on v2 in the one unified hierarchy.
 *
 * <p>File access goes through {@link Procs} so that moving tasks (the kernel takes a pid out of one
 * cgroup.procs when it is written to another) can be simulated in unit tests on plain directories.
 */
public final class CpuCgroups {
    public static final String GOOD = "good";
    public static final String BAD = "bad";

    /** Lists and moves the processes of a cgroup. */
    public interface Procs {
        List<Integer> list(Path cgroup) throws IOException;

        void move(int pid, Path to) throws IOException;

        /** Removes an empty cgroup (rmdir: its interface files go with it); one that is gone is fine. */
        void remove(Path cgroup) throws IOException;
    }

    /** The kernel's: cgroup.procs read and written. */
    public static final Procs KERNEL = new Procs() {
        @Override
        public List<Integer> list(Path cgroup) throws IOException {
            List<Integer> pids = new ArrayList<>();
            for (String line : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    pids.add(Integer.parseInt(line.trim()));
                }
            }
            return pids;
        }

        @Override
        public void move(int pid, Path to) throws IOException {
            try {
                Files.writeString(to.resolve("cgroup.procs"), Integer.toString(pid));
            } catch (IOException e) {
                // ESRCH: the process exited between the listing and the move; nothing to move
                if (!String.valueOf(e.getMessage()).contains("No such process")) {
                    throw e;
                }
            }
        }

        @Override
        public void remove(Path cgroup) throws IOException {
            try {
                Files.delete(cgroup);
            } catch (NoSuchFileException gone) {
                // already removed
            }
        }
    };

    private final Path cpuRoot;
    private final String parent;
    private final boolean unified;

    /**
     * @param root    the cgroup mount (/sys/fs/cgroup)
     * @param parent  the cell's cgroup parent (the good and bad cgroups are made in it)
     * @param unified cgroup v2
     */
    public CpuCgroups(Path root, String parent, boolean unified) {
        this.cpuRoot = unified ? root : root.resolve("cpu");
        this.parent = parent;
        this.unified = unified;
    }

    /** The parent the containers' cgroups go under when throttling is on. */
    public static String containerParent(String parent) {
        return parent + "/" + GOOD;
    }

    public boolean unified() {
        return unified;
    }

    public Path goodParent() {
        return cpuRoot.resolve(parent).resolve(GOOD);
    }

    public Path badParent() {
        return cpuRoot.resolve(parent).resolve(BAD);
    }

    public Path good(String handle) {
        return goodParent().resolve(handle);
    }

    public Path bad(String handle) {
        return badParent().resolve(handle);
    }

    /** cpu.shares on v1, cpu.weight on v2. */
    public String sharesFile() {
        return unified ? "cpu.weight" : "cpu.shares";
    }

    /** Makes PARENT/good and PARENT/bad (v2: with the controllers enabled for their children). */
    public void prepare() throws IOException {
        Files.createDirectories(goodParent());
        Files.createDirectories(badParent());
        if (unified) {
            enableControllers(cpuRoot.resolve(parent));
            enableControllers(goodParent());
            enableControllers(badParent());
        }
    }

    /** v2: a cgroup's children get the controllers it has (cpu, memory, pids at least). */
    static void enableControllers(Path cgroup) throws IOException {
        Path controllers = cgroup.resolve("cgroup.controllers");
        if (!Files.exists(controllers)) {
            return;
        }
        StringBuilder enable = new StringBuilder();
        for (String c : Files.readString(controllers).trim().split("\\s+")) {
            if (!c.isEmpty()) {
                enable.append(enable.length() == 0 ? "" : " ").append('+').append(c);
            }
        }
        if (enable.length() > 0) {
            Files.writeString(cgroup.resolve("cgroup.subtree_control"), enable.toString());
        }
    }

    /** The container's bad cgroup, made on first use (v2: with the controllers enabled). */
    Path ensureBad(String handle) throws IOException {
        Path bad = bad(handle);
        if (!Files.isDirectory(bad)) {
            Files.createDirectories(bad);
        }
        return bad;
    }
}
