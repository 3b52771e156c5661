package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Run and Attach over Garden's hijacked connections, against real runc processes. */
class ProcessIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    private final TestCell cell = new TestCell();

    @BeforeEach
    void startFromAnEmptyCell() {
        cell.destroyAll();
    }

    @AfterEach
    void nothingLeaks() {
        cell.destroyAll();
        assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> cell.leftovers().isEmpty()), () -> "leftovers: " + cell.leftovers());
    }

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
}
