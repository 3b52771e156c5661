package io.greenhouse.cgroups;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Guardian's good/bad moves on both cgroup versions' layouts, on plain directories. */
class CpuEnforcerTest {
    @TempDir
    Path root;
    final FakeProcs procs = new FakeProcs();

    @Test
    void v1PunishCopiesTheSharesAndMovesEveryProcessOfTheCpuCgroupOnly() throws IOException {
        CpuCgroups cgroups = new CpuCgroups(root, "cell", false);
        Path good = Files.createDirectories(root.resolve("cpu/cell/good/web"));
        Files.writeString(good.resolve("cpu.shares"), "100\n");
        Path memory = Files.createDirectories(root.resolve("memory/cell/good/web"));
        procs.put(10, good);
        procs.put(11, good);
        CpuEnforcer enforcer = new CpuEnforcer(cgroups, procs);

        enforcer.punish("web");

        Path bad = root.resolve("cpu/cell/bad/web");
        assertEquals(bad, cgroups.bad("web"));
        assertEquals("100", Files.readString(bad.resolve("cpu.shares")));
        assertEquals(List.of(10, 11), procs.list(bad));
        assertEquals(List.of(), procs.list(good));
        assertTrue(enforcer.punished("web"));
        assertFalse(Files.exists(root.resolve("memory/cell/bad")), "v1 bad cgroups live in the cpu hierarchy only");
        assertTrue(Files.isDirectory(memory));

        enforcer.release("web");
        assertEquals(List.of(10, 11), procs.list(good));
        assertFalse(enforcer.punished("web"));
    }

    @Test
    void v2PunishAlsoCarriesTheMemoryAndPidLimitsOver() throws IOException {
        CpuCgroups cgroups = new CpuCgroups(root, "cell", true);
        Path good = Files.createDirectories(root.resolve("cell/good/web"));
        Files.writeString(good.resolve("cpu.weight"), "4\n");
        Files.writeString(good.resolve("memory.max"), "67108864\n");
        Files.writeString(good.resolve("memory.swap.max"), "0\n");
        Files.writeString(good.resolve("pids.max"), "max\n");
        procs.put(20, good);

        new CpuEnforcer(cgroups, procs).punish("web");

        Path bad = root.resolve("cell/bad/web");
        assertEquals("4", Files.readString(bad.resolve("cpu.weight")));
        assertEquals("67108864", Files.readString(bad.resolve("memory.max")));
        assertEquals("0", Files.readString(bad.resolve("memory.swap.max")));
        assertEquals("max", Files.readString(bad.resolve("pids.max")));
        assertEquals(List.of(20), procs.list(bad));
    }

    @Test
    void aContainerWithoutAGoodCgroupIsLeftAloneAndReleaseWithoutABadOneDoesNothing() throws IOException {
        CpuEnforcer enforcer = new CpuEnforcer(new CpuCgroups(root, "cell", false), procs);
        enforcer.punish("gone");
        enforcer.release("never-punished");
        assertFalse(Files.exists(root.resolve("cpu/cell/bad/gone")));
    }

    @Test
    void processesForkedWhileMovingAreMovedInTheNextRound() throws IOException {
        CpuCgroups cgroups = new CpuCgroups(root, "cell", false);
        Path good = Files.createDirectories(root.resolve("cpu/cell/good/web"));
        procs.put(1, good);
        CpuCgroups.Procs forking = new CpuCgroups.Procs() {
            int forks = 3;

            @Override
            public List<Integer> list(Path cgroup) throws IOException {
                return procs.list(cgroup);
            }

            @Override
            public void remove(Path cgroup) throws IOException {
                procs.remove(cgroup);
            }

            @Override
            public void move(int pid, Path to) throws IOException {
                procs.move(pid, to);
                if (forks-- > 0) {
                    procs.put(100 + forks, good); // a child appears in the old cgroup meanwhile
                }
            }
        };
        new CpuEnforcer(cgroups, forking).punish("web");
        assertEquals(List.of(), procs.list(good));
        assertEquals(4, procs.list(cgroups.bad("web")).size());
    }

    @Test
    void badCgroupsOfDestroyedContainersAreRemovedOnceEmpty() throws IOException {
        CpuCgroups cgroups = new CpuCgroups(root, "cell", false);
        Files.createDirectories(cgroups.bad("live"));
        Files.createDirectories(cgroups.bad("gone"));
        Path busy = Files.createDirectories(cgroups.bad("dying"));
        procs.put(7, busy);

        List<String> removed = new CpuEnforcer(cgroups, procs).removeOrphans(Set.of("live"));

        assertEquals(List.of("gone"), removed);
        assertTrue(Files.isDirectory(cgroups.bad("live")));
        assertTrue(Files.isDirectory(busy));
    }

    @Test
    void prepareMakesGoodAndBadAndOnV2EnablesTheControllersForTheirChildren() throws IOException {
        Files.createDirectories(root.resolve("cell"));
        Files.writeString(root.resolve("cell/cgroup.controllers"), "cpuset cpu io memory pids\n");
        CpuCgroups v2 = new CpuCgroups(root, "cell", true);
        v2.prepare();
        assertEquals("+cpuset +cpu +io +memory +pids", Files.readString(root.resolve("cell/cgroup.subtree_control")));
        assertTrue(Files.isDirectory(root.resolve("cell/good")));
        assertTrue(Files.isDirectory(root.resolve("cell/bad")));
        assertEquals("cell/good", CpuCgroups.containerParent("cell"));

        CpuCgroups v1 = new CpuCgroups(root, "cell1", false);
        v1.prepare();
        assertTrue(Files.isDirectory(root.resolve("cpu/cell1/bad")));
    }
}
