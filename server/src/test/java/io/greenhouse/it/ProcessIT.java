package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Run and Attach over Garden's hijacked connections, against real runc processes. */
class ProcessIT extends CellTestSupport {
    static final Duration WAIT = Duration.ofSeconds(30);

    static JsonObjectBuilder sh(String script) {
        return Json.createObjectBuilder().add("path", "sh").add("args", Json.createArrayBuilder().add("-c").add(script));
    }

    static JsonArrayBuilder strings(String... values) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (String v : values) {
            a.add(v);
        }
        return a;
    }

    private ProcessStreams run(String handle, JsonObject spec, int expectedExit) {
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run(handle, spec, io);
        assertEquals(expectedExit, p.await(WAIT), () -> "stdout: " + io.stdoutText() + " stderr: " + io.stderrText());
        return io;
    }

    @Test
    void echoesToStdoutAndReportsTheExitCode() {
        cell.client.create("echo");
        ProcessStreams io = run("echo", sh("echo hello; echo oops >&2; exit 3").build(), 3);
        assertEquals("hello\n", io.stdoutText());
        assertEquals("oops\n", io.stderrText());
    }

    @Test
    void stdinRoundTrips() {
        cell.client.create("stdin");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run("stdin", sh("cat; echo done").build(), io);
        p.stdin("line one\n");
        p.stdin("line two\n");
        p.closeStdin();
        assertEquals(0, p.await(WAIT));
        assertEquals("line one\nline two\ndone\n", io.stdoutText());
    }

    @Test
    void payloadsSentInTheSameWriteAsTheRequestAreNotLost() {
        cell.client.create("same-write");
        ProcessStreams io = ProcessStreams.collecting();
        String trailing = "{\"source\":0,\"data\":\"early\\n\"}\n{\"source\":0}\n";
        GardenProcess p = cell.client.runWithTrailing("same-write", sh("cat").build(), trailing, io);
        assertEquals(0, p.await(WAIT));
        assertEquals("early\n", io.stdoutText());
    }

    @Test
    void processEnvOverridesContainerEnvAndDefaultsAreSet() {
        cell.client.create(Json.createObjectBuilder().add("handle", "env")
                .add("env", strings("FROM_CONTAINER=c", "BOTH=container")).build());
        ProcessStreams io = run("env", sh("echo $FROM_CONTAINER $BOTH $USER $HOME; echo $PATH")
                .add("env", strings("BOTH=process")).build(), 0);
        assertEquals("c process root /root\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n", io.stdoutText());
    }

    @Test
    void runsAsTheGivenUserInAWorkingDirectoryItOwns() {
        cell.client.create("user");
        run("user", sh("adduser -D -u 1234 alice || adduser alice 1234").build(), 0);
        ProcessStreams io = run("user", sh("id -u; id -g; echo $USER $HOME; pwd; stat -c %u /home/alice/work/deep")
                .add("user", "alice").add("dir", "/home/alice/work/deep").build(), 0);
        List<String> lines = io.stdoutText().lines().toList();
        assertEquals("1234", lines.get(0));
        assertEquals("alice /home/alice", lines.get(2));
        assertEquals("/home/alice/work/deep", lines.get(3));
        assertEquals("1234", lines.get(4));
        ProcessStreams numeric = run("user", sh("id -u; id -g").add("user", "4321:4322").build(), 0);
        assertEquals("4321\n4322\n", numeric.stdoutText());
        // Container root's new directory is its own (the host's maximus under the user namespace),
        // not host root's, which the container sees as nobody (the upstream Process spec).
        ProcessStreams root = run("user", sh("stat -c '%u %g %U' .").add("user", "root")
                .add("dir", "/root/nonexistent").build(), 0);
        assertEquals("0 0 root\n", root.stdoutText());
    }

    /** /dev/stdout is /proc/self/fd/1: reopening a pipe is checked against its owner (upstream Lifecycle specs). */
    @Test
    void everyUserMayReopenItsOwnStdio() {
        cell.client.create("stdio");
        run("stdio", sh("adduser -D -u 1234 alice || adduser alice 1234").build(), 0);
        for (String user : List.of("alice", "root")) {
            ProcessStreams io = ProcessStreams.collecting();
            GardenProcess p = cell.client.run("stdio", sh("cat </dev/stdin >/dev/stdout; echo -n cake >/dev/stderr")
                    .add("user", user).build(), io);
            p.stdin("potato");
            p.closeStdin();
            assertEquals(0, p.await(WAIT), () -> user + ": " + io.stderrText());
            assertEquals("potato", io.stdoutText(), user);
            assertEquals("cake", io.stderrText(), user);
        }
    }

    @Test
    void anUnknownUserIsAClearError() {
        cell.client.create("nouser");
        GardenClientException e = assertThrows(GardenClientException.class,
                () -> cell.client.run("nouser", sh("true").add("user", "nobody-here").build(), ProcessStreams.none()));
        assertEquals(500, e.status());
        assertTrue(e.getMessage().contains("nobody-here"), e.getMessage());
    }

    @Test
    void aMissingExecutableIsAnExecutableNotFoundError() {
        cell.client.create("nobin");
        GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.run("nobin",
                Json.createObjectBuilder().add("path", "no-such-binary").build(), ProcessStreams.none()));
        assertEquals("ExecutableNotFoundError", e.type());
        assertEquals(List.of(), cell.client.info("nobin").getJsonArray("ProcessIDs"));
    }

    @Test
    void runningInAnUnknownContainerIsContainerNotFound() {
        GardenClientException e = assertThrows(GardenClientException.class,
                () -> cell.client.run("no-such-container", sh("true").build(), ProcessStreams.none()));
        assertEquals(404, e.status());
        assertEquals("ContainerNotFoundError", e.type());
    }

    @Test
    void sixtyFourMebibytesOfStdoutArriveByteExact() throws Exception {
        cell.client.create("big");
        // Numbered lines catch reordering, loss and duplication: 8 bytes each, 64 MiB in all.
        int lines = (64 << 20) / 8;
        java.security.MessageDigest expected = java.security.MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < lines; i++) {
            expected.update(String.format("%07d\n", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        CountingDigest out = new CountingDigest();
        GardenProcess p = cell.client.run("big", sh("seq -w 0 " + (lines - 1)).build(),
                new ProcessStreams(out, new java.io.ByteArrayOutputStream()));
        assertEquals(0, p.await(Duration.ofMinutes(2)));
        assertEquals(64L << 20, out.count);
        assertTrue(java.util.Arrays.equals(expected.digest(), out.digest.digest()), "stdout differs");
    }

    @Test
    void zerosAtFullSpeedArriveComplete() {
        cell.client.create("zeros");
        CountingDigest out = new CountingDigest();
        // How fast is the benchmark's (bench.Bench) business; here only that nothing is lost at full speed.
        GardenProcess p = cell.client.run("zeros", sh("head -c 67108864 /dev/zero").build(),
                new ProcessStreams(out, new java.io.ByteArrayOutputStream()));
        assertEquals(0, p.await(WAIT));
        assertEquals(64L << 20, out.count);
    }

    /** Counts and hashes what it is given, in constant memory. */
    static final class CountingDigest extends java.io.OutputStream {
        final java.security.MessageDigest digest;
        long count;

        CountingDigest() {
            try {
                digest = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
            count += len;
        }
    }

    @Test
    void aTtyHasTheRequestedSizeAndFollowsResizes() {
        cell.client.create("tty");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run("tty", sh("stty size; read line; stty size; tty")
                .add("tty", Json.createObjectBuilder().add("window_size",
                        Json.createObjectBuilder().add("columns", 123).add("rows", 45))).build(), io);
        assertTrue(TestCell.eventually(WAIT, () -> io.stdoutText().contains("45 123")), io.stdoutText());
        // No pause needed: the resize and the stdin line travel in order on one connection.
        p.resize(99, 33);
        p.stdin("go\n");
        assertEquals(0, p.await(WAIT));
        String out = io.stdoutText();
        assertTrue(out.contains("33 99"), out);
        assertTrue(out.contains("/dev/pts/"), out);
    }

    @Test
    void terminateReachesAProcessThatTrapsIt() {
        cell.client.create("term");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run("term",
                sh("trap 'echo terminated; exit 42' TERM; echo ready; while true; do sleep 0.1; done").build(), io);
        assertTrue(TestCell.eventually(WAIT, () -> io.stdoutText().contains("ready")));
        p.signal(0);
        assertEquals(42, p.await(WAIT));
        assertTrue(io.stdoutText().contains("terminated"), io.stdoutText());
    }

    @Test
    void killEndsAProcessWith137() {
        cell.client.create("kill");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run("kill", sh("trap '' TERM; echo ready; sleep 1000").build(), io);
        assertTrue(TestCell.eventually(WAIT, () -> io.stdoutText().contains("ready")));
        p.signal(1);
        assertEquals(137, p.await(WAIT));
    }

    @Test
    void runningProcessIdsShowInInfoAndDisappearAfterExit() {
        cell.client.create("ids");
        GardenProcess p = cell.client.run("ids", sh("read x").add("id", "reader").build(), ProcessStreams.none());
        assertEquals(List.of("reader"), ids("ids"));
        GardenClientException dup = assertThrows(GardenClientException.class, () ->
                cell.client.run("ids", sh("true").add("id", "reader").build(), ProcessStreams.none()));
        assertTrue(dup.getMessage().contains("already in use"), dup.getMessage());
        p.stdin("x\n");
        assertEquals(0, p.await(WAIT));
        assertEquals(List.of(), ids("ids"));
    }

    private List<String> ids(String handle) {
        return cell.client.info(handle).getJsonArray("ProcessIDs").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList();
    }

    @Test
    void aSecondClientAttachesAfterTheFirstLeftAndGetsTheRestAndTheStatus() {
        cell.client.create("attach");
        ProcessStreams first = ProcessStreams.collecting();
        GardenProcess p = cell.client.run("attach",
                sh("echo one; read x; echo two; exit 5").add("id", "attached").build(), first);
        assertTrue(TestCell.eventually(WAIT, () -> first.stdoutText().contains("one")));
        p.closeAll();
        ProcessStreams second = ProcessStreams.collecting();
        ProcessStreams third = ProcessStreams.collecting();
        GardenProcess again = cell.client.attach("attach", "attached", second);
        GardenProcess also = cell.client.attach("attach", "attached", third);
        again.stdin("x\n");
        assertEquals(5, again.await(WAIT));
        assertEquals(5, also.await(WAIT));
        assertEquals("two\n", second.stdoutText());
        assertEquals("two\n", third.stdoutText());
        // Once a client has received its exit, the process is gone (Guardian's cleanup-process-dirs-on-wait).
        assertTrue(TestCell.eventually(WAIT, () -> !Files.exists(processDir("attach", "attached"))));
        GardenClientException e = assertThrows(GardenClientException.class,
                () -> cell.client.attach("attach", "attached", ProcessStreams.none()));
        assertEquals("ProcessNotFoundError", e.type());
    }

    private Path processDir(String handle, String id) {
        return cell.depot.resolve(handle).resolve("processes").resolve(id);
    }

    @Test
    void processesWhoseExitAClientReceivedLeaveNothingInTheDepot() {
        cell.client.create("pruned");
        for (int i = 0; i < 30; i++) {
            assertEquals(0, cell.client.run("pruned", Json.createObjectBuilder().add("path", "true").build(),
                    ProcessStreams.collecting()).await(WAIT));
        }
        Path processes = cell.depot.resolve("pruned").resolve("processes");
        assertTrue(TestCell.eventually(WAIT, () -> io.greenhouse.testsupport.HostTraces.children(processes).isEmpty()),
                () -> "left behind: " + io.greenhouse.testsupport.HostTraces.children(processes));
        assertEquals(List.of(), ids("pruned"));
    }

    @Test
    void anExitNobodyReceivedIsKeptForALaterAttachWhichThenTakesIt() {
        cell.client.create("unclaimed");
        // The client goes away before the process ends: nobody receives its exit.
        cell.client.run("unclaimed", sh("while [ ! -e /tmp/go ]; do sleep 0.1; done; echo late; exit 6")
                .add("id", "later").build(), ProcessStreams.none()).close();
        Path dir = processDir("unclaimed", "later");
        TestCell.run("touch", cell.depot.resolve("unclaimed/rootfs/tmp/go").toString());
        assertTrue(TestCell.eventually(WAIT, () -> Files.exists(dir.resolve("exit-status"))));
        TestCell.sleep(Duration.ofSeconds(2));
        assertTrue(Files.isDirectory(dir), "kept for the retention (minutes), past a few reaper rounds");
        ProcessStreams io = ProcessStreams.collecting();
        assertEquals(6, cell.client.attach("unclaimed", "later", io).await(WAIT));
        assertEquals("late\n", io.stdoutText());
        assertTrue(TestCell.eventually(WAIT, () -> !Files.exists(dir)));
    }

    @Test
    void attachingToAnUnknownProcessIsProcessNotFound() {
        cell.client.create("noproc");
        GardenClientException e = assertThrows(GardenClientException.class,
                () -> cell.client.attach("noproc", "nope", ProcessStreams.none()));
        assertEquals(404, e.status());
        assertEquals("ProcessNotFoundError", e.type());
        assertEquals("nope", e.processId());
    }

    @Test
    void twentyConcurrentProcessesEachGetTheirOwnOutputAndStatus() throws Exception {
        cell.client.create("many");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    ProcessStreams io = ProcessStreams.collecting();
                    GardenProcess p = cell.client.run("many", sh("seq 1 1000 | tail -1; echo n" + n + "; exit " + n).build(), io);
                    return p.await(WAIT) + ":" + io.stdoutText();
                }));
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(i + ":1000\nn" + i + "\n", results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void stopTerminatesRunningProcesses() {
        cell.client.create("stop");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run("stop", sh("trap 'exit 9' TERM; echo ready; while true; do sleep 0.1; done").build(), io);
        assertTrue(TestCell.eventually(WAIT, () -> io.stdoutText().contains("ready")));
        cell.client.stop("stop", false);
        assertEquals(9, p.await(WAIT));
    }

    @Test
    void destroyEndsTheProcessesOfTheContainer() {
        cell.client.create("destroy");
        GardenProcess p = cell.client.run("destroy", sh("sleep 1000").build(), ProcessStreams.collecting());
        cell.client.destroy("destroy");
        // The client hears of the end (a kill status or an error), rather than hanging.
        assertTrue(TestCell.eventually(WAIT, () -> p.exit().isDone()));
        assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> cell.monitors().isEmpty()));
    }

    @Test
    void theGraceTimeDoesNotRunOutWhileAProcessStreamIsAttached() {
        cell.client.create(Json.createObjectBuilder().add("handle", "graced").add("grace_time", 1_000_000_000L).build());
        GardenProcess p = cell.client.run("graced", sh("sleep 3; echo still here").build(), ProcessStreams.collecting());
        assertEquals(0, p.await(WAIT));
        assertTrue(cell.client.list(java.util.Map.of()).contains("graced"), "reaped while a client was attached");
        assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> !cell.client.list(java.util.Map.of()).contains("graced")),
                "reaped once idle for its grace time");
    }
}
