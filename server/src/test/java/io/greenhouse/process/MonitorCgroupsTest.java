package io.greenhouse.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where monitors go, on fake cgroup mounts: cgroup v2, v1, and v1 with the v2 tree beside it. */
class MonitorCgroupsTest {

    @Test
    void onCgroupV2TheMonitorsHaveOneCgroupInTheUnifiedTree(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        Files.writeString(root.resolve("cgroup.procs"), "");
        Files.createDirectories(root.resolve("system.slice"));
        Files.writeString(root.resolve("system.slice/cgroup.procs"), "");
        MonitorCgroups cgroups = new MonitorCgroups(root, MonitorCgroups.defaultPath("greenhouse"));
        assertEquals(List.of(root.resolve("greenhouse/@monitors")), cgroups.directories());
        assertEquals(List.of(root.resolve("greenhouse/@monitors/cgroup.procs")), cgroups.procsFiles());
        assertTrue(Files.isDirectory(root.resolve("greenhouse/@monitors")));
    }

    @Test
    void onCgroupV1EveryHierarchyGetsOneAndTheHybridUnifiedTreeToo(@TempDir Path root) throws Exception {
        for (String h : List.of("cpu,cpuacct", "memory", "pids", "systemd", "unified")) {
            Files.createDirectories(root.resolve(h));
            Files.writeString(root.resolve(h).resolve("cgroup.procs"), "");
        }
        Files.writeString(root.resolve("unified/cgroup.controllers"), "");
        // Debian's aliases of a co-mounted hierarchy, and something that is no hierarchy at all.
        Files.createSymbolicLink(root.resolve("cpu"), root.resolve("cpu,cpuacct"));
        Files.createSymbolicLink(root.resolve("cpuacct"), root.resolve("cpu,cpuacct"));
        Files.createDirectories(root.resolve("not-mounted"));
        MonitorCgroups cgroups = new MonitorCgroups(root, "/cells/a/@monitors/");
        assertEquals(List.of(root.resolve("cpu,cpuacct/cells/a/@monitors"), root.resolve("memory/cells/a/@monitors"),
                root.resolve("pids/cells/a/@monitors"), root.resolve("systemd/cells/a/@monitors"),
                root.resolve("unified/cells/a/@monitors")), cgroups.directories());
        assertEquals(5, cgroups.procsFiles().size());
        assertTrue(Files.isDirectory(root.resolve("memory/cells/a/@monitors")));
    }

    @Test
    void aNewV1CpusetCgroupGetsItsParentsCpusAndMemoryNodes(@TempDir Path root) throws Exception {
        // What the kernel puts in a new cpuset directory: empty files (no process could join it).
        Path parent = Files.createDirectories(root.resolve("cpuset/greenhouse"));
        Files.writeString(parent.resolve("cpuset.cpus"), "0-3\n");
        Files.writeString(parent.resolve("cpuset.mems"), "0\n");
        Path dir = Files.createDirectories(parent.resolve("@monitors"));
        Files.writeString(dir.resolve("cpuset.cpus"), "\n");
        Files.writeString(dir.resolve("cpuset.mems"), "");
        MonitorCgroups.inheritCpuset(dir);
        assertEquals("0-3", Files.readString(dir.resolve("cpuset.cpus")));
        assertEquals("0", Files.readString(dir.resolve("cpuset.mems")));
        // Set already (cgroup.clone_children), or another controller's hierarchy: left alone.
        Files.writeString(dir.resolve("cpuset.cpus"), "2");
        MonitorCgroups.inheritCpuset(dir);
        assertEquals("2", Files.readString(dir.resolve("cpuset.cpus")));
        Path memory = Files.createDirectories(root.resolve("memory/greenhouse/@monitors"));
        MonitorCgroups.inheritCpuset(memory);
        assertTrue(Files.notExists(memory.resolve("cpuset.cpus")));
    }

    @Test
    void onCgroupV2AnEmptyCpusetMeansTheParentsAndIsLeftAlone(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("greenhouse/@monitors"));
        Files.writeString(dir.resolve("cgroup.controllers"), "cpuset\n");
        Files.writeString(dir.resolve("cpuset.cpus"), "");
        MonitorCgroups.inheritCpuset(dir);
        assertEquals("", Files.readString(dir.resolve("cpuset.cpus")));
    }

    @Test
    void withoutACgroupMountMonitorsStayPut(@TempDir Path root) {
        assertEquals(List.of(), new MonitorCgroups(root.resolve("absent"), "greenhouse/@monitors").procsFiles());
        assertEquals(List.of(), MonitorCgroups.none().procsFiles());
    }

    @Test
    void theCgroupMustBeAPathBelowTheRoot() {
        for (String bad : List.of("", "/", "a/../b", "a//b", "./a", "a/\nb")) {
            assertThrows(IllegalArgumentException.class, () -> new MonitorCgroups(Path.of("/sys/fs/cgroup"), bad), bad);
        }
    }
}
