package io.greenhouse.it;

import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.greenhouse.it.ProcessIT.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peas: processes with an image of their own, run by real runc as sidecar containers sharing
 * their container's network, IPC, UTS and PID namespaces but not its mounts.
 */
class PeaIT extends CellTestSupport {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String IMAGE = "raw:///var/lib/greenhouse/rootfs/busybox";
    static final String NAMESPACES = "for n in net pid ipc uts mnt; do readlink /proc/self/ns/$n; done";

    static JsonObjectBuilder pea(String script) {
        return sh(script).add("image", Json.createObjectBuilder().add("uri", IMAGE));
    }

    private ProcessStreams run(String handle, JsonObject spec, int expectedExit) {
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run(handle, spec, io);
        assertEquals(expectedExit, p.await(WAIT), () -> "stdout: " + io.stdoutText() + " stderr: " + io.stderrText());
        return io;
    }

    private Path peasRoot() {
        return cell.peasRuntimeRoot();
    }

    private String peaRuntimeContainers() throws Exception {
        Process p = new ProcessBuilder(cell.runtimeBinary, "--root", peasRoot().toString(), "list", "-q")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out;
    }

    /** Cgroups nested in the container's (v1 pids controller, or the unified hierarchy). */
    private List<String> nestedCgroups(String handle) throws Exception {
        Path v1 = Path.of("/sys/fs/cgroup/pids", cell.cgroupParent, handle);
        Path dir = java.nio.file.Files.isDirectory(Path.of("/sys/fs/cgroup/pids")) ? v1
                : Path.of("/sys/fs/cgroup", cell.cgroupParent, handle);
        if (!java.nio.file.Files.isDirectory(dir)) {
            return List.of();
        }
        try (var children = java.nio.file.Files.list(dir)) {
            return children.filter(java.nio.file.Files::isDirectory).map(c -> c.getFileName().toString()).toList();
        }
    }

    private List<String> processIds(String handle) {
        return cell.client.info(handle).getJsonArray("ProcessIDs").getValuesAs(JsonString.class)
                .stream().map(JsonString::getString).toList();
    }

    @Test
    void peaSharesTheContainersNetworkPidIpcAndUtsNamespacesButNotItsMounts() {
        cell.client.create("sandbox");
        List<String> container = run("sandbox", sh(NAMESPACES).build(), 0).stdoutText().lines().toList();
        List<String> pea = run("sandbox", pea(NAMESPACES).build(), 0).stdoutText().lines().toList();
        assertEquals(5, pea.size(), () -> "pea namespaces: " + pea);
        assertEquals(container.subList(0, 4), pea.subList(0, 4));
        assertNotEquals(container.get(4), pea.get(4));
    }

    @Test
    void peaSeesTheContainersProcessesAndTheContainerSeesThePea() {
        cell.client.create("pids");
        // pid 1 of the shared PID namespace is the container's init.
        assertEquals("/tmp/garden-init \n",
                run("pids", pea("tr '\\0' ' ' < /proc/1/cmdline; echo").build(), 0).stdoutText());
        GardenProcess sleeper = cell.client.run("pids", pea("exec sleep 4321").build(), ProcessStreams.none());
        String seen = run("pids", sh("ps -o args").build(), 0).stdoutText();
        assertTrue(seen.contains("sleep 4321"), () -> "container's ps: " + seen);
        sleeper.signal(1);
        assertEquals(137, sleeper.await(WAIT));
    }

    @Test
    void peaRunsInItsOwnRootFilesystem() {
        cell.client.create("own-rootfs");
        run("own-rootfs", sh("echo container > /marker").build(), 0);
        assertEquals("absent\n", run("own-rootfs",
                pea("test -e /marker && echo present || echo absent; echo pea > /pea-marker").build(), 0).stdoutText());
        assertEquals("absent\n", run("own-rootfs",
                sh("test -e /pea-marker && echo present || echo absent").build(), 0).stdoutText());
    }

    @Test
    void peaStreamsOutputAndReportsItsExitStatus() {
        cell.client.create("exit");
        ProcessStreams io = run("exit", pea("echo out; echo err >&2; exit 42").build(), 42);
        assertEquals("out\n", io.stdoutText());
        assertEquals("err\n", io.stderrText());
    }

    @Test
    void peaRunsAsRootInSlashByDefaultAndAsTheGivenUserOfItsImage() {
        cell.client.create("user");
        assertEquals("0:0 /\n", run("user", pea("echo $(id -u):$(id -g) $PWD").build(), 0).stdoutText());
        assertEquals("65534:65534 nobody\n", run("user",
                pea("echo $(id -u):$(id -g) $USER").add("user", "nobody").build(), 0).stdoutText());
        assertEquals("1000:1001\n", run("user",
                pea("echo $(id -u):$(id -g)").add("user", "1000:1001").build(), 0).stdoutText());
    }

    @Test
    void peaIsNotAContainerAndNothingOfItStaysAfterItExits() throws Exception {
        cell.client.create("tidy");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run("tidy",
                pea("cat").add("id", "the-pea").build(), io);
        assertEquals(List.of("tidy"), cell.client.list(Map.of()));
        assertEquals(List.of("the-pea"), processIds("tidy"));
        assertTrue(!peaRuntimeContainers().isEmpty(), "the pea runs as a runtime container");
        assertEquals(1, nestedCgroups("tidy").size(), "the pea's cgroup is nested in the container's");
        p.stdin("bye\n");
        p.closeStdin();
        assertEquals(0, p.await(WAIT));
        assertEquals("bye\n", io.stdoutText());
        assertEquals(List.of(), processIds("tidy"));
        assertEquals("", peaRuntimeContainers());
        assertEquals(List.of(), nestedCgroups("tidy"));
        List<String> mounts = cell.leftovers().stream().filter(l -> l.startsWith("mount ") && l.contains("/processes/")).toList();
        assertEquals(List.of(), mounts, "the pea's root filesystem is unmounted");
        Path dir = cell.depot.resolve("tidy/processes/the-pea");
        assertTrue(TestCell.eventually(WAIT, () -> !java.nio.file.Files.exists(dir)),
                "its exit was received: the pea's directory (bundle, overlay) is gone");
    }

    @Test
    void stopEndsPeasNestedInTheContainersCgroupAndThoseWithLimitsOfTheirOwn() {
        cell.client.create("stop-peas");
        GardenProcess nested = cell.client.run("stop-peas", pea("exec sleep 1000").build(), ProcessStreams.none());
        GardenProcess beside = cell.client.run("stop-peas", pea("exec sleep 1001")
                .add("limits", Json.createObjectBuilder().add("memory_limits",
                        Json.createObjectBuilder().add("limit_in_bytes", 64L << 20))).build(), ProcessStreams.none());
        cell.client.stop("stop-peas", true);
        assertEquals(137, nested.await(WAIT));
        assertEquals(137, beside.await(WAIT));
        assertEquals("stopped", cell.client.info("stop-peas").getString("State"));
    }

    @Test
    void destroyingTheContainerKillsItsPeas() throws Exception {
        cell.client.create("doomed");
        GardenProcess p = cell.client.run("doomed", pea("exec sleep 1000").build(), ProcessStreams.none());
        cell.client.destroy("doomed");
        assertEquals(137, p.await(WAIT));
        assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> {
            try {
                return peaRuntimeContainers().isEmpty();
            } catch (Exception e) {
                return false;
            }
        }), "no pea left in the runtime");
    }

    private static JsonObject limitedContainer(String handle, long memoryBytes) {
        return Json.createObjectBuilder().add("handle", handle)
                .add("limits", Json.createObjectBuilder().add("memory_limits",
                        Json.createObjectBuilder().add("limit_in_bytes", memoryBytes)))
                .build();
    }

    private static final String FILL_SHM_48M = "dd if=/dev/zero of=/dev/shm/fill bs=1M count=48 && echo filled";

    @Test
    void peaSharesTheContainersMemoryLimitUnlessItHasLimitsOfItsOwn() {
        cell.client.create(limitedContainer("limited", 32L << 20));
        ProcessStreams shared = ProcessStreams.collecting();
        int status = cell.client.run("limited", pea(FILL_SHM_48M).build(), shared).await(WAIT);
        assertNotEquals(0, status, () -> "48 MiB fit a 32 MiB container: " + shared.stdoutText());
        assertEquals("filled\n", run("limited", pea(FILL_SHM_48M)
                .add("limits", Json.createObjectBuilder()).build(), 0).stdoutText());
        ProcessStreams own = ProcessStreams.collecting();
        status = cell.client.run("limited", pea(FILL_SHM_48M).add("limits", Json.createObjectBuilder()
                .add("memory_limits", Json.createObjectBuilder().add("limit_in_bytes", 16L << 20))).build(), own)
                .await(WAIT);
        assertNotEquals(0, status, () -> "48 MiB fit a 16 MiB pea: " + own.stdoutText());
    }

    @Test
    void peaWithAMissingExecutableIsAnExecutableNotFoundErrorAndLeavesNothing() throws Exception {
        cell.client.create("nobin");
        io.greenhouse.client.GardenClientException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.greenhouse.client.GardenClientException.class,
                () -> cell.client.run("nobin", Json.createObjectBuilder().add("path", "no-such-binary")
                        .add("image", Json.createObjectBuilder().add("uri", IMAGE)).build(), ProcessStreams.none()));
        assertEquals("ExecutableNotFoundError", e.type(), e::getMessage);
        assertEquals("", peaRuntimeContainers());
        assertEquals(List.of(), processIds("nobin"));
    }

    @Test
    void peaGetsATerminalOfTheRequestedSize() {
        cell.client.create("pea-tty");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run("pea-tty", pea("stty size; tty")
                .add("tty", Json.createObjectBuilder().add("window_size",
                        Json.createObjectBuilder().add("columns", 123).add("rows", 45))).build(), io);
        assertEquals(0, p.await(WAIT));
        String out = io.stdoutText();
        assertTrue(out.contains("45 123"), out);
        assertTrue(out.contains("/dev/pts/"), out);
    }

    @Test
    void peaOutlivesARestartOfTheServerAndIsCleanedUpWhenItExitsLater() throws Exception {
        cell.client.create("survivor");
        cell.client.run("survivor", pea("while [ ! -e /go ]; do sleep 0.1; done; echo finished; exit 6")
                .add("id", "pea").build(), ProcessStreams.none());
        cell.killServer();
        cell.startServer();
        assertEquals(List.of("survivor"), cell.client.list(Map.of()));
        assertEquals(List.of("pea"), processIds("survivor"));
        assertTrue(!peaRuntimeContainers().isEmpty(), "the pea still runs after the restart");
        ProcessStreams after = ProcessStreams.collecting();
        GardenProcess p = cell.client.attach("survivor", "pea", after);
        TestCell.run("touch", cell.depot.resolve("survivor/processes/pea/rootfs/go").toString());
        assertEquals(6, p.await(WAIT));
        assertEquals("finished\n", after.stdoutText());
        assertEquals("", peaRuntimeContainers());
    }
}
