package io.greenhouse.cgroups;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The OOM kill counter of both cgroup versions, from fake cgroupfs trees shaped like the kernel's. */
class CgroupOomCounterTest {
    @TempDir
    Path root;

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static String v1OomControl(long kills) {
        return "oom_kill_disable 0\nunder_oom 0\noom_kill " + kills + "\n";
    }

    private static String v2Events(long kills) {
        return "low 0\nhigh 0\nmax 17\noom 3\noom_kill " + kills + "\noom_group_kill 0\n";
    }

    @Test
    void v2ReadsMemoryEventsOfTheContainersCgroup() throws IOException {
        write(root.resolve("gh/c1/memory.events"), v2Events(2));
        write(root.resolve("gh/c2/memory.events"), v2Events(0));
        CgroupOomCounter counter = new CgroupOomCounter(root, "gh", true);
        assertEquals(2, counter.oomKills("c1"));
        assertEquals(0, counter.oomKills("c2"));
    }

    @Test
    void v2DoesNotAddNestedCgroupsTheParentAlreadyCounts() throws IOException {
        // v2 propagates memory.events up the tree: the container's file includes its nested peas
        write(root.resolve("gh/c1/memory.events"), v2Events(1));
        write(root.resolve("gh/c1/pea/memory.events"), v2Events(1));
        assertEquals(1, new CgroupOomCounter(root, "gh", true).oomKills("c1"));
    }

    @Test
    void v1ReadsOomControlOfTheMemoryHierarchyAndAddsNestedCgroups() throws IOException {
        write(root.resolve("memory/gh/c1/memory.oom_control"), v1OomControl(1));
        write(root.resolve("memory/gh/c1/pea-1/memory.oom_control"), v1OomControl(2));
        write(root.resolve("memory/gh/c2/memory.oom_control"), v1OomControl(0));
        CgroupOomCounter counter = new CgroupOomCounter(root, "gh", false);
        assertEquals(3, counter.oomKills("c1"));
        assertEquals(0, counter.oomKills("c2"));
    }

    @Test
    void v1KernelWithoutTheCounterReportsNone() throws IOException {
        write(root.resolve("memory/gh/c1/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");
        assertEquals(0, new CgroupOomCounter(root, "gh", false).oomKills("c1"));
    }

    @Test
    void aContainerWithoutACgroupHasNoKills() {
        assertEquals(0, new CgroupOomCounter(root, "gh", false).oomKills("gone"));
        assertEquals(0, new CgroupOomCounter(root, "gh", true).oomKills("gone"));
    }
}
