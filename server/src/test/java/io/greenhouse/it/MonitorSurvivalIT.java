package io.greenhouse.it;

import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.greenhouse.it.ProcessIT.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Process monitors outlive what ends the server: the killing of its whole cgroup, and SIGTERM.
 *
 * <p>A container runtime or systemd restarting the server kills every process in its cgroup (a
 * pod restart, {@code KillMode=control-group}): the processes the server started must survive that,
 * because their monitors left the server's cgroup for the cell's own before starting them. So the
 * test runs the server the way a pod would: in a cgroup of its own, made by the test
 * ({@code PARENT-server} in the pids hierarchy and the v2 tree beside it, or in the v2 tree of a
 * v2 host). It kills every process in exactly that cgroup, nothing else, then starts the server
 * again as the other tests do.
 */
class MonitorSurvivalIT extends CellTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

    @Test
    void aProcessSurvivesTheKillingOfTheServersWholeCgroupAndIsAttachedAfterARestart() throws Exception {
        List<Path> serverCgroups = serverCgroups();
        cell.stopServer();
        try {
            for (Path cgroup : serverCgroups) {
                Files.createDirectories(cgroup);
            }
            startServerIn(serverCgroups);
            long server = cell.serverPid();
            for (Path cgroup : serverCgroups) {
                assertTrue(procs(cgroup).contains(server), "the server runs in " + cgroup);
            }

            cell.client.create("cgroup-kill");
            ProcessStreams before = ProcessStreams.collecting();
            GardenProcess p = cell.client.run("cgroup-kill",
                    sh("echo started; read x; echo got $x; exit 7").add("id", "survivor").build(), before);
            assertTrue(TestCell.eventually(WAIT, () -> before.stdoutText().equals("started\n")), before.stdoutText());
            List<Long> monitors = cell.monitors();
            assertEquals(1, monitors.size(), monitors.toString());
            long monitor = monitors.get(0);
            long process = Long.parseLong(Files.readString(
                    cell.depot.resolve("cgroup-kill/processes/survivor/pid")).strip());
            for (Path cgroup : serverCgroups) {
                List<Long> members = procs(cgroup);
                assertFalse(members.contains(monitor), "the monitor left the server's cgroup " + cgroup);
                assertFalse(members.contains(process), "the process is not in the server's cgroup " + cgroup);
            }
            String monitorCgroups = Files.readString(Path.of("/proc", Long.toString(monitor), "cgroup"));
            assertTrue(monitorCgroups.contains("/" + cell.cgroupParent + "/@monitors\n"), monitorCgroups);

            killEveryProcessIn(serverCgroups);
            assertTrue(TestCell.eventually(Duration.ofSeconds(20), () -> !alive(server)), "the server is dead");
            assertTrue(alive(monitor), "the monitor survived");
            assertTrue(alive(process), "the process survived");
            p.close();

            cell.startServer();
            assertEquals(List.of(), procs(serverCgroups.get(0)), "the new server runs elsewhere");
            ProcessStreams after = ProcessStreams.collecting();
            GardenProcess attached = cell.client.attach("cgroup-kill", "survivor", after);
            attached.stdin("x\n");
            assertEquals(7, attached.await(WAIT));
            assertEquals("got x\n", after.stdoutText());
        } finally {
            restoreServer(serverCgroups);
        }
    }

    @Test
    void aMonitorIgnoresSigtermAndStillDeliversTheExitStatus() throws Exception {
        cell.client.create("sigterm");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run("sigterm", sh("echo ready; read x; echo got $x; exit 5").add("id", "p").build(), io);
        assertTrue(TestCell.eventually(WAIT, () -> io.stdoutText().equals("ready\n")), io.stdoutText());
        List<Long> monitors = cell.monitors();
        assertEquals(1, monitors.size(), monitors.toString());
        TestCell.run("kill", "-TERM", monitors.get(0).toString());
        Path log = cell.depot.resolve("sigterm/processes/p/monitor.log");
        assertTrue(TestCell.eventually(WAIT, () -> TestCell.run("cat", log.toString()).contains("ignoring signal 15")),
                TestCell.run("cat", log.toString()));
        assertTrue(alive(monitors.get(0)), "the monitor is still there");
        p.stdin("x\n");
        assertEquals(5, p.await(WAIT));
        assertEquals("ready\ngot x\n", io.stdoutText());
    }

    /** The test server's own cgroup, one per hierarchy it is made in. */
    private List<Path> serverCgroups() {
        String name = cell.cgroupParent + "-server";
        if (Files.exists(CGROUPS.resolve("cgroup.controllers"))) {
            return List.of(CGROUPS.resolve(name));
        }
        List<Path> cgroups = new ArrayList<>(List.of(CGROUPS.resolve("pids").resolve(name)));
        if (Files.exists(CGROUPS.resolve("unified/cgroup.procs"))) {
            cgroups.add(CGROUPS.resolve("unified").resolve(name));
        }
        return cgroups;
    }

    /** Starts the server from a shell that has first moved itself into the cgroups. */
    private void startServerIn(List<Path> cgroups) {
        List<String> command = new ArrayList<>(List.of("sh", "-c",
                "script=$1; shift; for procs in \"$@\"; do echo $$ > \"$procs\" || exit 1; done; exec \"$script\" start "
                        + cell.serverName, "sh", cell.serverScript.toString()));
        cgroups.forEach(c -> command.add(c.resolve("cgroup.procs").toString()));
        TestCell.run(command.toArray(String[]::new));
        cell.awaitReady(Duration.ofSeconds(90));
    }

    /**
     * SIGKILL to every process of the server's own cgroups, as a runtime tearing down the server's
     * cgroup would, until they stay empty. Only cgroups this test made are touched.
     */
    private void killEveryProcessIn(List<Path> cgroups) {
        assertTrue(cgroups.stream().allMatch(c -> c.getFileName().toString().equals(cell.cgroupParent + "-server")));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<Long> pids = new ArrayList<>();
            cgroups.forEach(c -> pids.addAll(procs(c)));
            if (pids.isEmpty()) {
                return;
            }
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            TestCell.sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("processes left in " + cgroups);
    }

    /** Leaves the server running as the other tests expect it, outside the test's cgroups, and removes them. */
    private void restoreServer(List<Path> cgroups) {
        List<Long> left = new ArrayList<>();
        cgroups.stream().filter(Files::isDirectory).forEach(c -> left.addAll(procs(c)));
        if (!left.isEmpty()) {
            cell.stopServer();
            killEveryProcessIn(cgroups);
        }
        try {
            cell.awaitReady(Duration.ofSeconds(1));
        } catch (IllegalStateException e) {
            cell.startServer();
        }
        for (Path cgroup : cgroups) {
            try {
                Files.deleteIfExists(cgroup);
            } catch (IOException e) {
                throw new UncheckedIOException("removing " + cgroup, e);
            }
        }
    }

    private static List<Long> procs(Path cgroup) {
        try {
            return Files.readAllLines(cgroup.resolve("cgroup.procs")).stream()
                    .filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.strip())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
