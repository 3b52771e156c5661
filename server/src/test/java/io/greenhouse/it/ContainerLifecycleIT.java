package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Black-box tests of the container lifecycle over HTTP, with real runC containers. */
class ContainerLifecycleIT extends CellTestSupport {

    @Test
    void pingAnswersEmptyJson() {
        HttpResponse<String> r = cell.client.raw("GET", "/ping", null);
        assertEquals(200, r.statusCode());
        assertEquals("{}", r.body().strip());
    }

    @Test
    void capacityReportsHostMemoryDiskAndMaxContainers() {
        JsonObject c = cell.client.capacity();
        assertTrue(c.getJsonNumber("memory_in_bytes").longValue() > 1L << 30);
        assertTrue(c.getJsonNumber("disk_in_bytes").longValue() > 1L << 30);
        assertTrue(c.getJsonNumber("max_containers").longValue() > 0);
    }

    @Test
    void createdContainerRunsInRuncWithItsHandleAsHostname() {
        String handle = cell.client.create("lifecycle-runs");
        String state = TestCell.run(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "state", handle);
        assertTrue(state.contains("\"status\": \"running\""), state);
        String hostname = TestCell.run(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "exec", handle, "hostname");
        assertEquals(handle, hostname.strip());
        JsonObject info = cell.client.info(handle);
        assertEquals("active", info.getString("State"));
        assertEquals(cell.depot.resolve(handle).toString(), info.getString("ContainerPath"));
    }

    @Test
    void containerWithoutHandleGetsAGeneratedOne() {
        String handle = cell.client.create(Json.createObjectBuilder().build());
        assertFalse(handle.isEmpty());
        assertTrue(cell.client.list(Map.of()).contains(handle));
    }

    @Test
    void writesGoToTheContainersOwnLayerNotTheImage() {
        String a = cell.client.create("cow-a");
        String b = cell.client.create("cow-b");
        TestCell.run(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "exec", a, "sh", "-c", "echo mine > /etc/only-in-a");
        String inB = TestCell.run(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "exec", b, "cat", "/etc/only-in-a");
        assertTrue(inB.contains("No such file"), inB);
        assertTrue(Files.exists(cell.depot.resolve(a).resolve("overlay/upper/etc/only-in-a")));
        assertFalse(Files.exists(Path.of("/var/lib/greenhouse/rootfs/busybox/etc/only-in-a")));
    }

    @Test
    void listFiltersByEveryGivenProperty() {
        cell.client.create(Json.createObjectBuilder().add("handle", "filter-1")
                .add("properties", Json.createObjectBuilder().add("app", "x").add("zone", "z1")).build());
        cell.client.create(Json.createObjectBuilder().add("handle", "filter-2")
                .add("properties", Json.createObjectBuilder().add("app", "x").add("zone", "z2")).build());
        assertEquals(List.of("filter-1", "filter-2"), cell.client.list(Map.of("app", "x")));
        assertEquals(List.of("filter-2"), cell.client.list(Map.of("app", "x", "zone", "z2")));
        assertEquals(List.of(), cell.client.list(Map.of("app", "y")));
    }

    @Test
    void propertiesCanBeReadSetAndRemoved() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "props")
                .add("properties", Json.createObjectBuilder().add("a", "1")).build());
        cell.client.setProperty(h, "b", "2");
        assertEquals("2", cell.client.property(h, "b"));
        // Guardian lists the network's garden.network.* properties beside the client's.
        var clients = Json.createObjectBuilder();
        cell.client.properties(h).forEach((k, v) -> {
            if (!k.startsWith("garden.network.")) {
                clients.add(k, v);
            }
        });
        assertEquals(Json.createObjectBuilder().add("a", "1").add("b", "2").build(), clients.build());
        cell.client.removeProperty(h, "a");
        GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.property(h, "a"));
        assertTrue(e.getMessage().contains("a"));
    }

    @Test
    void bulkInfoReportsUnknownHandlesPerEntry() {
        cell.client.create("bulk-1");
        JsonObject bulk = cell.client.bulkInfo(List.of("bulk-1", "bulk-missing"));
        assertEquals("active", bulk.getJsonObject("bulk-1").getJsonObject("Info").getString("State"));
        assertEquals("ContainerNotFoundError",
                bulk.getJsonObject("bulk-missing").getJsonObject("Err").getString("Type"));
    }

    @Test
    void unknownHandleIsContainerNotFoundWith404() {
        GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.info("no-such"));
        assertEquals(404, e.status());
        assertEquals("ContainerNotFoundError", e.type());
        assertEquals("no-such", e.handle());
        GardenClientException d = assertThrows(GardenClientException.class, () -> cell.client.destroy("no-such"));
        assertEquals(404, d.status());
    }

    @Test
    void duplicateHandleIsRefusedAndTheFirstContainerSurvives() {
        cell.client.create("dup");
        GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.create("dup"));
        assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        assertEquals("active", cell.client.info("dup").getString("State"));
    }

    @Test
    void malformedBodiesGetGardenErrorJsonNotAStackTrace() {
        for (String body : List.of("{bad", "[1,2]", "{\"properties\": [1]}", "{\"grace_time\": \"soon\"}")) {
            HttpResponse<String> r = cell.client.raw("POST", "/containers", body);
            assertEquals(500, r.statusCode(), body);
            JsonObject err = Json.createReader(new java.io.StringReader(r.body())).readObject();
            assertTrue(err.containsKey("Type") && err.containsKey("Message"), r.body());
            assertFalse(r.body().contains("at io.greenhouse"), r.body());
        }
        assertEquals(List.of(), cell.client.list(Map.of()));
    }

    @Test
    void hostileHandlesNeverTouchThePathsTheyName() {
        for (String handle : List.of("../escape", "a/b", "..", ".", "x".repeat(300), "sp ace")) {
            GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.create(handle));
            assertEquals(500, e.status(), handle);
        }
        assertFalse(Files.exists(cell.depot.resolveSibling("escape")));
    }

    @Test
    void destroyRemovesContainerMountCgroupAndDepotDirectory() {
        String h = cell.client.create("destroy-me");
        assertTrue(TestCell.mounts().contains(cell.depot.resolve(h).resolve("rootfs").toString()));
        cell.client.destroy(h);
        assertEquals(List.of(), cell.leftovers());
        assertThrows(GardenClientException.class, () -> cell.client.info(h));
    }

    @Test
    void stopKillsEveryProcessButInitAndMarksTheContainerStopped() {
        String h = cell.client.create("stop-me");
        // Detached processes keep runc's stdio: point it away from this test's pipes.
        TestCell.run("sh", "-c", "runc --root " + cell.runtimeRoot + " exec -d " + h + " sleep 1000 </dev/null >/dev/null 2>&1");
        cell.client.stop(h, false);
        assertEquals("stopped", cell.client.info(h).getString("State"));
        String ps = TestCell.run(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "ps", h);
        assertFalse(ps.contains("sleep"), ps);
    }

    @Test
    void stopReachesTheWholeProcessTreeKillsWhatIgnoresTermAndLeavesInitRunningInAThawedCgroup() throws Exception {
        String h = cell.client.create("stop-tree");
        // A tree the API never saw, ignoring SIGTERM (inherited by its children): only the SIGKILL
        // after the stop timeout ends it.
        TestCell.run("sh", "-c", "runc --root " + cell.runtimeRoot + " exec -d " + h
                + " sh -c \"trap '' TERM; sleep 1000 & sleep 1001 & wait\" </dev/null >/dev/null 2>&1");
        Path cgroup = freezerOrUnified(h);
        assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> procs(cgroup).size() == 4),
                () -> "init, sh and two sleeps: " + procs(cgroup));
        cell.client.stop(h, false);
        String init = TestCell.run("cat", cell.depot.resolve(h).resolve("init.pid").toString()).strip();
        assertEquals(List.of(init), procs(cgroup));
        assertFalse(frozen(cgroup), "the cgroup is thawed after the stop");
        assertTrue(TestCell.run("runc", "--root", cell.runtimeRoot.toString(), "state", h).contains("\"running\""));
        assertEquals("stopped", cell.client.info(h).getString("State"));
    }

    @Test
    void stopWithKillEndsEveryProcessButInitAtOnce() throws Exception {
        String h = cell.client.create("kill-tree");
        TestCell.run("sh", "-c", "runc --root " + cell.runtimeRoot + " exec -d " + h
                + " sh -c \"trap '' TERM; sleep 1000 & wait\" </dev/null >/dev/null 2>&1");
        Path cgroup = freezerOrUnified(h);
        assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> procs(cgroup).size() == 3));
        long started = System.nanoTime();
        cell.client.stop(h, true);
        assertEquals(1, procs(cgroup).size(), () -> "only init: " + procs(cgroup));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(9)) < 0,
                "a kill does not wait for the stop timeout");
        assertFalse(frozen(cgroup));
    }

    /** The container's cgroup where stop freezes it: the v1 freezer's copy, or the unified one. */
    private Path freezerOrUnified(String handle) {
        Path v1 = Path.of("/sys/fs/cgroup/freezer", cell.cgroupParent, handle);
        return Files.isDirectory(v1.getParent().getParent()) ? v1 : Path.of("/sys/fs/cgroup", cell.cgroupParent, handle);
    }

    private static List<String> procs(Path cgroup) {
        try {
            return Files.readAllLines(cgroup.resolve("cgroup.procs")).stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean frozen(Path cgroup) throws java.io.IOException {
        Path v1 = cgroup.resolve("freezer.state");
        return Files.exists(v1) ? !Files.readString(v1).strip().equals("THAWED")
                : !Files.readString(cgroup.resolve("cgroup.freeze")).strip().equals("0");
    }

    @Test
    void graceTimeReapsAnIdleContainer() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "reap-me")
                .add("grace_time", Duration.ofSeconds(2).toNanos()).build());
        // The reaper looks once a second; give it time to spare on a busy host.
        assertTrue(TestCell.eventually(Duration.ofSeconds(60), () -> !cell.client.list(Map.of()).contains(h)));
        assertTrue(TestCell.eventually(Duration.ofSeconds(30), () -> cell.leftovers().isEmpty()),
                () -> "leftovers: " + cell.leftovers());
    }

    @Test
    void activityKeepsPushingTheGraceTimeOut() {
        String h = cell.client.create("reap-later");
        // Touched every second for longer than its grace time: only a six-second stall between two
        // touches (far beyond any request's time) could let it expire.
        Duration grace = Duration.ofSeconds(6);
        cell.client.setGraceTime(h, grace);
        long until = System.nanoTime() + grace.plusSeconds(2).toNanos();
        while (System.nanoTime() < until) {
            TestCell.sleep(Duration.ofSeconds(1));
            cell.client.info(h);
        }
        assertTrue(cell.client.list(Map.of()).contains(h));
        assertTrue(TestCell.eventually(Duration.ofSeconds(60), () -> !cell.client.list(Map.of()).contains(h)));
    }

    @Test
    void limitsAreEnforcedInTheCgroupAndReportedBack() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "limited")
                .add("limits", Json.createObjectBuilder()
                        .add("memory_limits", Json.createObjectBuilder().add("limit_in_bytes", 64L << 20))
                        .add("pid_limits", Json.createObjectBuilder().add("max", 50))
                        .add("cpu_limits", Json.createObjectBuilder().add("weight", 512)))
                .build());
        assertEquals(64L << 20, cell.client.limits(h, "memory").getJsonNumber("limit_in_bytes").longValue());
        String mem = TestCell.run("cat", "/sys/fs/cgroup/memory/" + cell.cgroupParent + "/" + h + "/memory.limit_in_bytes");
        assertEquals(Long.toString(64L << 20), mem.strip());
        String pids = TestCell.run("cat", "/sys/fs/cgroup/pids/" + cell.cgroupParent + "/" + h + "/pids.max");
        assertEquals("50", pids.strip());
        String shares = TestCell.run("cat", "/sys/fs/cgroup/cpu/" + cell.cgroupParent + "/" + h + "/cpu.shares");
        assertEquals("512", shares.strip());
    }
}
