package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import io.greenhouse.testsupport.TarBuilder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults injected into the real test cell: a runtime binary that fails, hangs or is missing, a
 * process monitor killed with SIGKILL, clients that vanish in the middle of a stream, and corrupt
 * metadata in the depot. Each ends with the cell serving its other containers and nothing leaked.
 */
class FaultsIT extends CellTestSupport {
    /** Whether the running server was started with other settings; the next test must not get them. */
    private boolean restarted;

    @AfterEach
    void serverRunsAsConfigured() {
        if (restarted) {
            cell.stopServer();
            cell.startServer();
            restarted = false;
        }
    }

    // --- the runtime binary -------------------------------------------------------------------

    /**
     * The cell runs a wrapper as its runtime binary, which passes through to runc, fails, hangs or
     * is gone as the test says; every call on it answers within the runtime timeout with a Garden
     * error, readiness says why, and the containers made before keep running their processes.
     */
    @Test
    void aFailingHangingOrMissingRuntimeFailsCallsInTimeAndReadinessSaysWhy() throws Exception {
        Path dir = Files.createDirectories(cell.work.resolve("faulty-runtime"));
        Path mode = dir.resolve("mode");
        Path wrapper = dir.resolve("runtime");
        Files.writeString(mode, "ok");
        Files.writeString(wrapper, "#!/bin/sh\n"
                + "case \"$(cat " + mode + ")\" in\n"
                + "  fail) echo 'faulty runtime: injected failure' >&2; exit 1 ;;\n"
                + "  hang) exec sleep 3600 ;;\n"
                + "esac\n"
                + "exec " + realRuntime() + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            cell.stopServer();
            restarted = true;
            cell.startServer(Map.of("GREENHOUSE_RUNTIME_BINARY", wrapper.toString(), "GREENHOUSE_RUNTIME_TIMEOUT", "3s"));
            cell.client.create("rt-before");
            GardenProcess ticking = cell.client.run("rt-before", sh("while true; do echo tick; sleep 0.2; done"),
                    ProcessStreams.none());
            assertEquals("UP", readiness().getString("status"));

            for (String fault : List.of("fail", "hang")) {
                Files.writeString(mode, fault);
                assertCallsFailInTime(fault);
                JsonObject check = check(readiness(), "runtime-binary");
                assertEquals("DOWN", check.getString("status"), fault + ": " + check);
                String why = check.getJsonObject("data").getString("error");
                assertTrue(fault.equals("fail") ? why.contains("injected failure") : why.contains("did not finish"),
                        fault + ": " + why);
                assertOtherContainersWork("rt-before", ticking, fault);
            }

            Files.writeString(mode, "ok");
            Files.move(wrapper, dir.resolve("runtime.gone"));
            assertCallsFailInTime("missing");
            String why = check(readiness(), "runtime-binary").getJsonObject("data").getString("error");
            assertTrue(why.contains(wrapper.toString()), "missing: " + why);
            assertOtherContainersWork("rt-before", ticking, "missing");

            Files.move(dir.resolve("runtime.gone"), wrapper);
            assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> "UP".equals(readiness().getString("status"))),
                    () -> "ready again: " + readiness());
            ticking.signal(1); // Garden's SignalKill
            assertEquals(137, ticking.await(Duration.ofSeconds(20)));
            cell.client.create("rt-after");
            assertEquals("ok\n", runToEnd("rt-after", "echo ok"));
        } finally {
            Files.writeString(mode, "ok");
            if (Files.exists(dir.resolve("runtime.gone"))) {
                Files.move(dir.resolve("runtime.gone"), wrapper);
            }
            cell.destroyAll();
        }
    }

    private String realRuntime() {
        String found = TestCell.run("sh", "-c", "command -v " + cell.runtimeBinary).strip();
        return found.isEmpty() ? cell.runtimeBinary : found;
    }

    /** A create and a Run under the fault end within the timeout (3 s, plus the monitor's and HTTP's slack) in a Garden error. */
    private void assertCallsFailInTime(String fault) {
        long started = System.nanoTime();
        GardenClientException create = assertThrows(GardenClientException.class, () -> cell.client.create("rt-" + fault));
        assertTrue(elapsed(started).compareTo(Duration.ofSeconds(20)) < 0, fault + ": create took " + elapsed(started));
        assertFalse(create.getMessage().isBlank(), fault);
        assertFalse(cell.client.list(Map.of()).contains("rt-" + fault), fault + ": a failed create is not listed");

        started = System.nanoTime();
        assertThrows(RuntimeException.class, () -> {
            try (GardenProcess p = cell.client.run("rt-before", sh("echo never"), ProcessStreams.none())) {
                p.await(Duration.ofSeconds(30));
            }
        }, fault + ": Run");
        assertTrue(elapsed(started).compareTo(Duration.ofSeconds(20)) < 0, fault + ": run took " + elapsed(started));
    }

    /** The container made before keeps running its process; what needs no runtime call answers. */
    private void assertOtherContainersWork(String handle, GardenProcess ticking, String fault) {
        assertFalse(ticking.exit().isDone(), fault + ": the running process was not touched");
        assertTrue(cell.client.info(handle).getJsonArray("ProcessIDs").toString().contains(ticking.id()), fault);
        cell.client.setProperty(handle, "fault", fault);
        assertEquals(fault, cell.client.property(handle, "fault"));
        cell.client.metrics(handle);
        assertEquals(List.of(handle), cell.client.list(Map.of()));
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    // --- a process monitor killed ---------------------------------------------------------------

    /**
     * SIGKILL to a process's monitor: the client waiting on the process gets an error that says
     * the process was lost (not a hang), the process itself is gone with its monitor's files, a
     * later Attach is refused, and the container runs other processes.
     */
    @Test
    void aMonitorKilledWithSigkillReportsItsProcessLostAndTheContainerStaysUsable() throws Exception {
        cell.client.create("monitor-killed");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run("monitor-killed", sh("echo started; exec sleep 3600"), io);
        assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> io.stdoutText().contains("started")));
        List<Long> monitors = cell.monitors();
        assertEquals(1, monitors.size(), "monitors: " + monitors);
        TestCell.run("kill", "-9", Long.toString(monitors.get(0)));

        CompletableFuture<Integer> exit = p.exit();
        Exception lost = assertThrows(Exception.class, () -> exit.get(30, TimeUnit.SECONDS), "Run did not end");
        assertTrue(String.valueOf(lost.getMessage()).contains("lost"), "why: " + lost);
        // The process's sleep is gone: nothing of it runs in the container any more.
        assertTrue(TestCell.eventually(Duration.ofSeconds(10),
                () -> !runToEnd("monitor-killed", "ps -o args").contains("sleep 3600")),
                () -> runToEnd("monitor-killed", "ps -o args"));
        // Attaching again is refused or reports the loss at once: never a wait for an exit that cannot come.
        RuntimeException again = assertThrows(RuntimeException.class, () -> cell.client.attach("monitor-killed", p.id(),
                ProcessStreams.none()).await(Duration.ofSeconds(10)));
        assertFalse(String.valueOf(again.getMessage()).contains("did not exit"), "attach hung: " + again);
        assertEquals("still usable\n", runToEnd("monitor-killed", "echo still usable"));
        assertTrue(cell.client.info("monitor-killed").getJsonArray("ProcessIDs").isEmpty(),
                () -> cell.client.info("monitor-killed").toString());
    }

    // --- clients that vanish --------------------------------------------------------------------

    /**
     * Clients that close their connections in the middle of Run, Attach, StreamIn and StreamOut,
     * twenty times each: every process keeps running and can be attached again, and afterwards the
     * server holds no more threads or file descriptors than before (beyond a little pool slack).
     */
    @Test
    void clientsThatVanishMidStreamLeaveProcessesRunningAndNoServerThreadOrFd() throws Exception {
        cell.client.create("vanish");
        byte[] big = new byte[8 << 20];
        cell.client.streamIn("vanish", "/data", "", new ByteArrayInputStream(new TarBuilder().file("big", big, 0644, e -> { }).bytes()));
        // Warm up each path once, whole, so pools and caches are at their working size.
        runToEnd("vanish", "echo warm");
        drain(cell.client.streamOut("vanish", "/data/big", ""));
        long pid = cell.serverPid();
        TestCell.sleep(Duration.ofSeconds(2));
        int fdsBefore = count(pid, "fd");
        int threadsBefore = count(pid, "task");

        int rounds = 20;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            ProcessStreams io = ProcessStreams.collecting();
            GardenProcess p = cell.client.run("vanish", sh("while true; do echo tick-" + i + "; sleep 0.1; done"), io);
            String tick = "tick-" + i;
            assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> io.stdoutText().contains(tick)));
            p.closeAll();
            ids.add(p.id());

            ProcessStreams again = ProcessStreams.collecting();
            GardenProcess attached = cell.client.attach("vanish", ids.get(0), again);
            assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> again.stdoutText().contains("tick-0")));
            attached.closeAll();

            streamInCutOff("vanish", "/data/cut-" + i, big.length);
            streamOutCutOff("vanish", "/data/big");
        }

        List<String> running = cell.client.info("vanish").getJsonArray("ProcessIDs").getValuesAs(JsonValue::toString)
                .stream().map(s -> s.replace("\"", "")).toList();
        assertTrue(running.containsAll(ids), "still running: " + running + " of " + ids);
        for (String id : ids) {
            ProcessStreams io = ProcessStreams.collecting();
            GardenProcess p = cell.client.attach("vanish", id, io);
            assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> io.stdoutText().contains("tick-")), id);
            p.signal(1); // Garden's SignalKill
            assertEquals(137, p.await(Duration.ofSeconds(20)), id);
        }
        // The cut-off StreamIns extracted nothing whole (their destinations exist: made before the
        // stream began), and their helpers are gone.
        assertEquals("", runToEnd("vanish", "find /data -path '/data/cut-*' -type f -size " + (big.length >> 10) + "k"));
        assertEquals(List.of(), tarHelpers(), "greenhouse-tar helpers left running");

        // Idle pool threads go after 60 s; fds at once but for what the JVM opens at will.
        boolean settled = TestCell.eventually(Duration.ofSeconds(100),
                () -> count(pid, "fd") <= fdsBefore + 10 && count(pid, "task") <= threadsBefore + 10);
        System.out.printf("FaultsIT: server fds %d -> %d, threads %d -> %d after %d vanished clients of each kind%n",
                fdsBefore, count(pid, "fd"), threadsBefore, count(pid, "task"), rounds);
        assertTrue(settled, "server fds " + fdsBefore + " -> " + count(pid, "fd") + ", threads " + threadsBefore
                + " -> " + count(pid, "task"));
    }

    /** Sends the head of a chunked StreamIn and part of a tar, then closes the connection. */
    private void streamInCutOff(String handle, String destination, int size) throws IOException {
        byte[] tar = new TarBuilder().file("half", new byte[size], 0644, e -> { }).bytes();
        try (Socket s = new Socket(cell.url.getHost(), cell.url.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT /containers/" + handle + "/files?destination=" + destination + "&user= HTTP/1.1\r\n"
                    + "Host: api\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            int part = tar.length / 3;
            out.write((Integer.toHexString(part) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(tar, 0, part);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            TestCell.sleep(Duration.ofMillis(200));
        }
    }

    /** Reads the first bytes of a StreamOut, then closes the connection. */
    private void streamOutCutOff(String handle, String source) throws IOException {
        try (Socket s = new Socket(cell.url.getHost(), cell.url.getPort())) {
            s.getOutputStream().write(("GET /containers/" + handle + "/files?source=" + source + "&user= HTTP/1.1\r\n"
                    + "Host: api\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            assertTrue(in.readNBytes(64 * 1024).length > 0, "StreamOut answered");
        }
    }

    private static void drain(InputStream in) throws IOException {
        try (in) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** How many entries /proc/PID/{fd,task} has: the server's open files or threads. */
    static int count(long pid, String what) {
        try (var s = Files.list(Path.of("/proc", Long.toString(pid), what))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Long> tarHelpers() {
        String out = TestCell.run("pgrep", "-f", "greenhouse-tar.*" + cell.work).strip();
        return out.isEmpty() ? List.of() : out.lines().map(Long::parseLong).toList();
    }

    // --- corrupt metadata -------------------------------------------------------------------------

    /**
     * A container whose depot record is cut in half: the server starts, serves the other
     * container, and names the broken one in its log and in readiness's detail (staying ready);
     * once the record is whole again a restart serves it again.
     */
    @Test
    void aTruncatedRecordIsReportedBrokenInLogAndReadinessAndTheOthersAreServed() throws IOException {
        cell.client.create("record-whole");
        cell.client.create("record-broken");
        Path record = cell.depot.resolve("record-broken").resolve("container.json");
        byte[] saved = Files.readAllBytes(record);
        cell.stopServer();
        restarted = true;
        Path log = cell.serverScript.getParent().getParent().resolve("usr/servers/" + cell.serverName + "/logs/messages.log");
        try {
            Files.write(record, java.util.Arrays.copyOf(saved, saved.length / 2));
            cell.startServer();
            assertEquals(List.of("record-whole"), cell.client.list(Map.of()));
            assertEquals("whole\n", runToEnd("record-whole", "echo whole"));
            JsonObject ready = readiness();
            assertEquals("UP", ready.getString("status"), ready.toString());
            JsonObject data = check(ready, "containers-reloaded").getJsonObject("data");
            assertEquals(1, data.getInt("broken"), data.toString());
            assertTrue(data.getString("brokenContainers").startsWith("record-broken ("), data.toString());
            assertTrue(Files.readString(log).contains("container record-broken is broken"), "the log names it");
            assertThrows(GardenClientException.class, () -> cell.client.info("record-broken"));
        } finally {
            // Repaired, it is served again and can be destroyed like any other.
            cell.stopServer();
            Files.write(record, saved);
            cell.startServer();
            restarted = false;
        }
        assertEquals(List.of("record-broken", "record-whole"), cell.client.list(Map.of()).stream().sorted().toList());
        assertFalse(check(readiness(), "containers-reloaded").getJsonObject("data").containsKey("broken"));
    }

    // --- helpers ----------------------------------------------------------------------------------

    private JsonObject readiness() {
        HttpResponse<String> r = cell.client.raw("GET", "/health/ready", null);
        return Json.createReader(new StringReader(r.body())).readObject();
    }

    private static JsonObject check(JsonObject health, String name) {
        return health.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(c -> c.getString("name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " in " + health));
    }

    private String runToEnd(String handle, String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GardenProcess p = cell.client.run(handle, sh(script), new ProcessStreams(out, OutputStream.nullOutputStream()))) {
            p.await(Duration.ofSeconds(30));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static JsonObject sh(String script) {
        return Json.createObjectBuilder().add("path", "sh")
                .add("args", Json.createArrayBuilder().add("-c").add(script)).build();
    }
}
