package io.greenhouse.cgroups;

import io.greenhouse.backend.ContainerSignals;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ProcessSignal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Signals a container's processes through its cgroup at PARENT/HANDLE (the cgroupsPath the bundle
 * gives runC), with the cgroups nested in it (peas). On the unified hierarchy (v2) the cgroup is
 * frozen with {@code cgroup.freeze} and nested cgroups that are to die are killed whole with
 * {@code cgroup.kill}; on v1 the freezer controller's copy of the cgroup is frozen and its
 * {@code cgroup.procs} lists the processes. Reading these files costs no process exec, unlike
 * asking the runtime ({@code runc ps}).
 */
public final class CgroupSignals implements ContainerSignals {
    private static final Logger LOG = Logger.getLogger(CgroupSignals.class.getName());
    /** Freezing waits for every task to stop; a task stuck in the kernel must not hold a stop up forever. */
    private static final Duration FREEZE_WAIT = Duration.ofSeconds(2);
    private static final long FIRST_POLL_NANOS = 2_000_000;
    private static final long MAX_POLL_NANOS = 100_000_000;
    /** v1 controllers whose copy of the cgroup lists the processes when there is no freezer. */
    private static final List<String> V1_CONTROLLERS = List.of("freezer", "pids", "devices", "memory", "cpu");

    /** Sends a signal to one process (kill(2)); a double in unit tests. */
    @FunctionalInterface
    public interface Signaller {
        void send(int pid, ProcessSignal signal);
    }

    private final Path root;
    private final String parent;
    private final boolean unified;
    private final Signaller signaller;
    private final Duration freezeWait;

    public CgroupSignals(Path root, String parent) {
        this(root, parent, CgroupUsageMeter.isUnified(root), CgroupSignals::kill, FREEZE_WAIT);
    }

    CgroupSignals(Path root, String parent, boolean unified, Signaller signaller, Duration freezeWait) {
        this.root = root;
        this.parent = parent;
        this.unified = unified;
        this.signaller = signaller;
        this.freezeWait = freezeWait;
    }

    /** ProcessHandle sends SIGTERM or SIGKILL to any pid (not only the JVM's children). */
    static void kill(int pid, ProcessSignal signal) {
        ProcessHandle.of(pid).ifPresent(p -> {
            if (signal == ProcessSignal.KILL) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
        });
    }

    @Override
    public void signalAllBut(String handle, int spared, ProcessSignal signal) {
        Path cgroup = cgroup(handle);
        if (cgroup == null) {
            return;
        }
        boolean frozen = freeze(cgroup);
        try {
            List<Path> cgroups = subtree(cgroup);
            for (Path c : cgroups) {
                // A nested cgroup holds no init of ours: where it is to die, the kernel kills it whole.
                if (signal == ProcessSignal.KILL && !c.equals(cgroup) && killWhole(c)) {
                    continue;
                }
                for (int pid : procs(c)) {
                    if (pid != spared) {
                        signaller.send(pid, signal);
                    }
                }
            }
        } finally {
            if (frozen) {
                thaw(cgroup);
            }
        }
    }

    @Override
    public boolean awaitOnly(String handle, int spared, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_POLL_NANOS;
        while (true) {
            Path cgroup = cgroup(handle);
            if (cgroup == null || others(cgroup, spared).isEmpty()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            // No event says "only init is left" (v2's populated counts init too): poll, backing off.
            sleepNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_POLL_NANOS);
        }
    }

    /** Every pid of the cgroup and those nested in it, but the spared one. */
    Set<Integer> others(Path cgroup, int spared) {
        Set<Integer> pids = new LinkedHashSet<>();
        for (Path c : subtree(cgroup)) {
            pids.addAll(procs(c));
        }
        pids.remove(spared);
        return pids;
    }

    /** The container's cgroup directory (on v1 in the freezer, or another controller); null if gone. */
    Path cgroup(String handle) {
        if (unified) {
            Path c = root.resolve(parent).resolve(handle);
            return Files.isDirectory(c) ? c : null;
        }
        for (String controller : V1_CONTROLLERS) {
            Path c = root.resolve(controller).resolve(parent).resolve(handle);
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        return null;
    }

    private boolean freeze(Path cgroup) {
        String file = unified ? "cgroup.freeze" : "freezer.state";
        if (!Files.exists(cgroup.resolve(file))) {
            return false;
        }
        if (!write(cgroup, file, unified ? "1" : "FROZEN")) {
            return false;
        }
        long deadline = System.nanoTime() + freezeWait.toNanos();
        long pause = FIRST_POLL_NANOS;
        while (!isFrozen(cgroup)) {
            if (System.nanoTime() - deadline > 0) {
                LOG.warning(() -> "cgroup " + cgroup + " did not freeze in " + freezeWait + "; signalling anyway");
                break;
            }
            sleepNanos(pause);
            pause = Math.min(pause * 2, MAX_POLL_NANOS);
        }
        return true;
    }

    private boolean isFrozen(Path cgroup) {
        if (unified) {
            // Freezing is asynchronous on v2: cgroup.events says when every task stopped.
            return read(cgroup, "cgroup.events").lines().anyMatch(l -> l.strip().equals("frozen 1"));
        }
        return read(cgroup, "freezer.state").strip().equals("FROZEN");
    }

    private void thaw(Path cgroup) {
        if (!write(cgroup, unified ? "cgroup.freeze" : "freezer.state", unified ? "0" : "THAWED")
                && Files.isDirectory(cgroup)) {
            throw new GardenException("could not thaw cgroup " + cgroup);
        }
    }

    /** cgroup.kill (v2, Linux 5.14+): every process of the cgroup and below, at once. */
    private boolean killWhole(Path cgroup) {
        return unified && Files.exists(cgroup.resolve("cgroup.kill")) && write(cgroup, "cgroup.kill", "1");
    }

    /** The cgroup and every cgroup below it, parents first. */
    private static List<Path> subtree(Path cgroup) {
        try (Stream<Path> walk = Files.walk(cgroup)) {
            return walk.filter(Files::isDirectory).toList();
        } catch (NoSuchFileException | UncheckedIOException gone) {
            // The container (or a pea) went away while we looked: what is left is listed next time.
            return Files.isDirectory(cgroup) ? List.of(cgroup) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("listing cgroup " + cgroup, e);
        }
    }

    /** Host pids in cgroup.procs; 0 stands for a process outside our PID namespace and is skipped. */
    static List<Integer> procs(Path cgroup) {
        List<Integer> pids = new ArrayList<>();
        for (String line : read(cgroup, "cgroup.procs").split("\n")) {
            String s = line.strip();
            if (!s.isEmpty()) {
                int pid = Integer.parseInt(s);
                if (pid > 0) {
                    pids.add(pid);
                }
            }
        }
        return pids;
    }

    private static String read(Path cgroup, String file) {
        try {
            return Files.readString(cgroup.resolve(file));
        } catch (NoSuchFileException gone) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + cgroup.resolve(file), e);
        }
    }

    /** False when the cgroup is gone; cgroupfs files take one write of the whole value. */
    private static boolean write(Path cgroup, String file, String value) {
        try {
            // Never CREATE: a control file that is not there must not be made (and cannot be on cgroupfs).
            Files.writeString(cgroup.resolve(file), value, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            return true;
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + cgroup.resolve(file), e);
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GardenException("interrupted while stopping processes");
        }
    }
}
