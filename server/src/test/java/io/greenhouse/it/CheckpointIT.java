package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoint and restore with real criu (issue 16). The counter is an orphan of an exec'd
 * process, so the container's init reaps it and it is part of the tree criu dumps; it counts in
 * memory and writes the count to a file of the writable layer, read here from the host.
 */
class CheckpointIT extends CellTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String COUNTER =
            "(i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done) </dev/null >/dev/null 2>&1 &";

    /** The counter, adopted by init (pid 1); not a child it forked for sleep, nor this exec'd script (ppid 0). */
    private static final String COUNTER_PID = "ps -o pid,ppid,args | awk '$2 == 1 && /while true/ {print $1}'";

    /** On a loaded host the application can start well after the server does. */
    @BeforeAll
    static void cellIsReady() {
        new TestCell().awaitReady(Duration.ofMinutes(5));
    }

    /**
     * Privileged, in the host's user namespace: the network namespace is kept across the checkpoint
     * (a bind mount). {@link #anUnprivilegedContainerComesBackWithItsCounterItsKeptProcessAndItsAddress}
     * covers the other way, where criu dumps the namespace and the veth is given back after.
     */
    private String create(String handle) {
        return cell.client.create(jakarta.json.Json.createObjectBuilder().add("handle", handle).add("privileged", true).build());
    }

    private String withCounter(String handle) {
        String h = create(handle);
        assertEquals(0, cell.client.run(h, ProcessIT.sh(COUNTER).build(), ProcessStreams.collecting()).await(WAIT));
        assertTrue(TestCell.eventually(WAIT, () -> count(h) >= 10), "the counter counts");
        return h;
    }

    private long count(String handle) {
        return count(handle, "count");
    }

    private long count(String handle, String name) {
        Path file = cell.depot.resolve(handle).resolve("rootfs/tmp/" + name);
        try {
            String s = Files.readString(file).strip();
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private void checkpoint(String handle, boolean leaveRunning) {
        HttpResponse<String> r = cell.client.raw("POST", "/containers/" + handle + "/checkpoint",
                leaveRunning ? "{\"leave_running\":true}" : "");
        if (r.statusCode() != 200) {
            throw error(r);
        }
        assertEquals("{}", r.body());
    }

    private void restore(String handle) {
        HttpResponse<String> r = cell.client.raw("POST", "/containers/" + handle + "/restore", null);
        if (r.statusCode() != 200) {
            throw error(r);
        }
    }

    private static GardenClientException error(HttpResponse<String> r) {
        JsonObject e = Json.createReader(new StringReader(r.body())).readObject();
        return new GardenClientException(r.statusCode(), e.getString("Type", ""), e.getString("Message", ""),
                e.getString("Handle", ""), e.getString("ProcessID", ""));
    }

    private String state(String handle) {
        return cell.client.info(handle).getString("State");
    }

    private String run(String handle, String script) {
        ProcessStreams io = ProcessStreams.collecting();
        assertEquals(0, cell.client.run(handle, ProcessIT.sh(script).build(), io).await(WAIT), io::stderrText);
        return io.stdoutText();
    }

    @Test
    void aCounterSurvivesCheckpointAndRestoreAndContinuesWhereItWas() {
        String h = withCounter("cp-counter");
        String ip = cell.client.info(h).getString("ContainerIP");
        String counterPid = run(h, COUNTER_PID);

        checkpoint(h, false);
        assertEquals("checkpointed", state(h));
        assertEquals(List.of(), cell.client.info(h).getJsonArray("ProcessIDs"));
        long frozen = count(h);
        TestCell.sleep(Duration.ofSeconds(1));
        assertEquals(frozen, count(h), "nothing counts while checkpointed");
        GardenClientException refused = assertThrows(GardenClientException.class,
                () -> cell.client.run(h, ProcessIT.sh("true").build(), ProcessStreams.collecting()));
        assertTrue(refused.getMessage().contains("checkpointed"), refused::getMessage);

        restore(h);
        assertEquals("active", state(h));
        assertTrue(count(h) >= frozen, "counts on from where it was, not from 0");
        assertTrue(TestCell.eventually(WAIT, () -> count(h) >= frozen + 10), "counts again");
        assertEquals(counterPid, run(h, COUNTER_PID),
                "the same process, with its pid");
        // network identity: the same address, on the container's eth0
        assertEquals(ip, cell.client.info(h).getString("ContainerIP"));
        assertTrue(run(h, "ip -4 addr show eth0").contains(ip + "/"), "eth0 keeps " + ip);
    }

    /**
     * A restored init runs in a time namespace criu made for it, which runc 1.1's exec does not
     * join: a process started after a restore that init adopts would be dumped but could never be
     * restored, so the checkpoint is refused, the container runs on, and once that process is gone
     * the checkpoint works.
     */
    @Test
    void aCheckpointThatCouldNotBeRestoredIsRefused() {
        String h = withCounter("cp-twice");
        checkpoint(h, false);
        restore(h);
        run(h, COUNTER.replace("/tmp/count", "/tmp/count2"));
        assertTrue(TestCell.eventually(WAIT, () -> count(h, "count2") >= 5), "the second counter counts");
        GardenClientException e = assertThrows(GardenClientException.class, () -> checkpoint(h, false));
        assertTrue(e.getMessage().contains("outside the container's time namespace"), e::getMessage);
        assertEquals("active", state(h));
        long first = count(h);
        assertTrue(TestCell.eventually(WAIT, () -> count(h) >= first + 5), "still counting");

        run(h, "kill $(ps -o pid,args | awk '/count2/ && !/awk/ {print $1}')");
        assertTrue(TestCell.eventually(WAIT, () -> {
            try {
                checkpoint(h, false);
                return true;
            } catch (GardenClientException stillThere) {
                return false;
            }
        }), "checkpointed once the second counter is gone");
        restore(h);
        assertTrue(TestCell.eventually(WAIT, () -> count(h) >= first + 10), "the first counts on");
    }

    @Test
    void leaveRunningKeepsTheContainerCounting() {
        String h = withCounter("cp-leave");
        checkpoint(h, true);
        assertEquals("active", state(h));
        long after = count(h);
        assertTrue(TestCell.eventually(WAIT, () -> count(h) >= after + 5), "still counting");
        GardenClientException e = assertThrows(GardenClientException.class, () -> restore(h));
        assertTrue(e.getMessage().contains("not checkpointed"), e::getMessage);
    }

    @Test
    void aFailedRestoreLeavesTheCheckpointSoThatItCanBeTriedAgain() throws IOException {
        String h = withCounter("cp-retry");
        checkpoint(h, false);
        long frozen = count(h);
        Path images = cell.depot.resolve(h).resolve("checkpoint/images");
        Path core = Files.list(images).filter(p -> p.getFileName().toString().startsWith("pstree")).findFirst()
                .orElseThrow();
        Path aside = cell.work.resolve("cp-retry-" + core.getFileName());
        Files.move(core, aside);
        try {
            GardenClientException e = assertThrows(GardenClientException.class, () -> restore(h));
            assertEquals(500, e.status());
            assertTrue(e.getMessage().contains("restore of " + h + " failed") && e.getMessage().contains("criu: "),
                    e::getMessage);
            assertEquals("checkpointed", state(h));
        } finally {
            Files.move(aside, core);
        }
        restore(h);
        assertEquals("active", state(h));
        assertTrue(TestCell.eventually(WAIT, () -> count(h) >= frozen + 5), "counts on after the retry");
    }

    /**
     * criu refuses to dump a deleted file larger than its ghost limit (1 MiB) that a process
     * keeps open: the container keeps running, and a checkpoint works once that process is gone.
     */
    @Test
    void aFailedCheckpointLeavesTheContainerRunning() {
        String h = withCounter("cp-fail");
        run(h, "head -c 2097152 /dev/zero > /tmp/ghost; (exec 3</tmp/ghost; rm /tmp/ghost; exec sleep 1000) "
                + "</dev/null >/dev/null 2>&1 &");
        GardenClientException e = assertThrows(GardenClientException.class, () -> checkpoint(h, false));
        assertTrue(e.getMessage().contains("checkpoint of " + h + " failed") && e.getMessage().contains("criu: "),
                e::getMessage);
        assertTrue(e.getMessage().contains("ghost"), e::getMessage);
        assertEquals("active", state(h));
        long after = count(h);
        assertTrue(TestCell.eventually(WAIT, () -> count(h) >= after + 5), "still counting");
        assertFalse(Files.exists(cell.depot.resolve(h).resolve("checkpoint/images")), "no images of the failed dump");

        run(h, "pkill -f 'sleep 1000' || kill $(pidof sleep)");
        checkpoint(h, false);
        assertEquals("checkpointed", state(h));
        restore(h);
        assertEquals("active", state(h));
    }

    /** A container whose processes are part of its checkpoints: each runs under a keeper. */
    private String createKept(String handle) {
        return cell.client.create(Json.createObjectBuilder().add("handle", handle).add("privileged", true)
                .add("properties", Json.createObjectBuilder().add("greenhouse.checkpoint.processes", "true"))
                .build());
    }

    @Test
    void aRunProcessWithStreamedStdioSurvivesCheckpointAndRestoreAndDeliversItsExitStatus() {
        String h = createKept("cp-stream");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run(h, ProcessIT.sh("echo \"pid $$\"; i=0; while read line; do i=$((i+1)); "
                + "echo \"$i $line\"; done; echo \"lines $i\" >&2; exit 7").add("id", "echoer").build(), io);
        p.stdin("a\n");
        assertTrue(TestCell.eventually(WAIT, () -> io.stdoutText().endsWith("1 a\n")), io::stdoutText);
        String pid = io.stdoutText().lines().findFirst().orElseThrow();

        checkpoint(h, false);
        assertEquals("checkpointed", state(h));
        assertEquals(List.of("echoer"), cell.client.info(h).getJsonArray("ProcessIDs").getValuesAs(
                jakarta.json.JsonString::getString), "a kept process is not reported as exited");
        p.stdin("b\n");
        TestCell.sleep(Duration.ofSeconds(1));
        assertEquals(pid + "\n1 a\n", io.stdoutText(), "nothing runs while checkpointed");
        p.close();

        restore(h);
        // attached again by ID: output from then on, which Garden does not replay from before
        ProcessStreams after = ProcessStreams.collecting();
        GardenProcess again = cell.client.attach(h, "echoer", after);
        assertEquals("alive\n", run(h, "kill -0 " + pid.substring(4) + " && echo alive"), "the same pid as before");
        again.stdin("c\n");
        again.closeStdin();
        assertEquals(7, again.await(WAIT));
        assertTrue(after.stdoutText().endsWith("3 c\n"),
                "the stdin sent while checkpointed reached the restored process once, before c: " + after.stdoutText());
        assertEquals("lines 3\n", after.stderrText());
    }

    @Test
    void anUnprivilegedContainerComesBackWithItsCounterItsKeptProcessAndItsAddress() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "cp-unprivileged")
                .add("properties", Json.createObjectBuilder().add("greenhouse.checkpoint.processes", "true")).build());
        assertEquals(0, cell.client.run(h, ProcessIT.sh(COUNTER).build(), ProcessStreams.collecting()).await(WAIT));
        assertTrue(TestCell.eventually(WAIT, () -> count(h) >= 10), "the counter counts");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run(h, ProcessIT.sh("while read l; do echo \"got $l\"; done; exit 4").build(), io);
        p.stdin("a\n");
        assertTrue(TestCell.eventually(WAIT, () -> io.stdoutText().equals("got a\n")), io::stdoutText);
        String ip = cell.client.info(h).getString("ContainerIP");
        long hostPort = cell.client.netIn(h, 0, 8080).getJsonNumber("host_port").longValue();

        checkpoint(h, false);
        long frozen = count(h);
        restore(h);
        assertTrue(TestCell.eventually(WAIT, () -> count(h) > frozen), "the counter counts on from " + frozen);
        assertEquals(ip, cell.client.info(h).getString("ContainerIP"));
        p.stdin("b\n");
        p.closeStdin();
        assertEquals(4, p.await(WAIT));
        assertEquals("got a\ngot b\n", io.stdoutText());
        // the address came back on a new veth: the host port still reaches the container
        cell.client.run(h, ProcessIT.sh("nc -ll -p 8080 -e echo restored").build(), ProcessStreams.collecting());
        assertEquals("restored", NetworkIT.firstLine("127.0.0.1", hostPort));
    }

    @Test
    void aContainerWithKeptProcessesCountsOnAcrossTwoCheckpoints() {
        String h = createKept("cp-kept-counter");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run(h, ProcessIT.sh("i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo $i; "
                + "sleep 0.1; done; exit 3").build(), io);
        for (int round = 0; round < 2; round++) {
            int seen = (int) io.stdoutText().lines().count();
            assertTrue(TestCell.eventually(WAIT, () -> io.stdoutText().lines().count() > seen + 3), io::stdoutText);
            checkpoint(h, false);
            restore(h);
        }
        assertEquals(3, p.await(WAIT));
        assertEquals(java.util.stream.IntStream.rangeClosed(1, 40).mapToObj(Integer::toString).toList(),
                io.stdoutText().lines().toList(), "every line once, in order, across two checkpoints");
    }

    @Test
    void aCheckpointedContainerIsDestroyedWithoutLeavingAnything() {
        String h = withCounter("cp-destroy");
        checkpoint(h, false);
        cell.client.destroy(h);
        // nothingLeaks() checks the mount of the kept network namespace, depot entry, cgroups, veths
    }

    @Test
    void healthSaysCheckpointsAreAvailable() {
        HttpResponse<String> r = cell.client.raw("GET", "/health/ready", null);
        JsonObject check = Json.createReader(new StringReader(r.body())).readObject().getJsonArray("checks").stream()
                .map(JsonValue::asJsonObject).filter(c -> c.getString("name").equals("checkpoint")).findFirst()
                .orElseThrow();
        assertEquals("UP", check.getString("status"));
        assertTrue(check.getJsonObject("data").getBoolean("available"), check::toString);
        assertTrue(check.getJsonObject("data").getString("reason").contains("Looks good"), check::toString);
    }

    /**
     * Figures for the note, on demand ({@code -Dgreenhouse.test.checkpointTimings=true}):
     * checkpoint and restore of a container with 1 and with 50 processes, each holding 100 MiB.
     */
    /** How many processes the container's cgroup holds (its init included), v1 or v2. */
    private long tasks(String handle) {
        for (Path p : List.of(Path.of("/sys/fs/cgroup/pids", cell.cgroupParent, handle, "cgroup.procs"),
                Path.of("/sys/fs/cgroup", cell.cgroupParent, handle, "cgroup.procs"))) {
            try {
                return Files.readAllLines(p).stream().filter(l -> !l.isBlank()).count();
            } catch (IOException e) {
                // the other hierarchy
            }
        }
        return -1;
    }

    /** The container cgroup's memory use, as the host sees it (v1 or v2). */
    private String memory(String handle) {
        for (Path p : List.of(Path.of("/sys/fs/cgroup/memory", cell.cgroupParent, handle, "memory.usage_in_bytes"),
                Path.of("/sys/fs/cgroup", cell.cgroupParent, handle, "memory.current"))) {
            try {
                return (Long.parseLong(Files.readString(p).strip()) >> 20) + "MiB";
            } catch (IOException | NumberFormatException e) {
                // the other hierarchy
            }
        }
        return "?";
    }

    @Test
    void timings() {
        Assumptions.assumeTrue(Boolean.getBoolean("greenhouse.test.checkpointTimings"));
        for (int processes : new int[] {1, 50, -50}) {
            // -50: a container whose 49 sleeps are Run processes under keepers, attached meanwhile
            boolean kept = processes < 0;
            processes = Math.abs(processes);
            String h = kept ? createKept("cp-time-kept-" + processes) : create("cp-time-" + processes);
            List<GardenProcess> attached = new java.util.ArrayList<>();
            // 100 MiB of touched memory: dd's buffer, blocked writing into a pipe nobody reads
            StringBuilder script = new StringBuilder("(dd if=/dev/zero bs=100M count=2 2>/dev/null | sleep 100000)"
                    + " </dev/null >/dev/null 2>&1 &");
            for (int i = 2; i < processes; i++) {
                if (kept) {
                    attached.add(cell.client.run(h, ProcessIT.sh("exec sleep 100000").build(), ProcessStreams.collecting()));
                } else {
                    script.append(" (exec sleep 100000) </dev/null >/dev/null 2>&1 &");
                }
            }
            run(h, script.toString());
            assertTrue(TestCell.eventually(Duration.ofMinutes(3), () -> CheckpointMoveIT.rss(cell.client, h) >= 100L << 20));
            String rss = memory(h);
            for (int round = 1; round <= 2; round++) {
                long t0 = System.nanoTime();
                checkpoint(h, false);
                long t1 = System.nanoTime();
                restore(h);
                long t2 = System.nanoTime();
                System.out.printf("checkpoint-timing processes=%d kept=%s tasks=%d memory=%s round=%d checkpoint=%d ms restore=%d ms%n",
                        processes, kept, tasks(h), rss, round, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
            }
            cell.client.destroy(h);
            attached.forEach(GardenProcess::close);
        }
    }
}
