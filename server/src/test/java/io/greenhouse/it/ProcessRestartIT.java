package io.greenhouse.it;

import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.greenhouse.it.ProcessIT.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Processes outlive the server: their monitors keep them, the next server reattaches. */
class ProcessRestartIT extends CellTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aProcessSurvivesSigkillOfTheServerAndAReattachGetsTheRestAndItsStatus() {
        cell.client.create("counter");
        ProcessStreams before = ProcessStreams.collecting();
        GardenProcess p = cell.client.run("counter",
                sh("for i in $(seq 1 10); do echo $i; sleep 1; done; exit 3").add("id", "count").build(), before);
        assertTrue(TestCell.eventually(WAIT, () -> before.stdoutText().contains("2\n")));
        cell.killServer();
        cell.startServer();
        // Still running, or finished while the server was starting: the attach gets the rest either way.
        ProcessStreams after = ProcessStreams.collecting();
        assertEquals(3, cell.client.attach("counter", "count", after).await(WAIT));
        String expected = IntStream.rangeClosed(1, 10).mapToObj(i -> i + "\n").collect(Collectors.joining());
        assertEquals(expected, before.stdoutText() + after.stdoutText());
        p.closeAll();
    }

    @Test
    void aProcessThatFinishedWhileTheServerWasDownReportsItsOutputAndStatus() {
        cell.client.create("finisher");
        GardenProcess p = cell.client.run("finisher",
                sh("read x; echo finished $x; echo on-stderr >&2; exit 4").add("id", "fin").build(), ProcessStreams.collecting());
        cell.stopServer();
        // A graceful stop detaches clients: the Go client sees an error and can Attach again.
        assertThrows(IllegalStateException.class, () -> p.await(WAIT));
        assertTrue(!cell.monitors().isEmpty(), "the monitor keeps the process while the server is down");
        // End the process behind the server's back (its monitor recorded its host pid).
        String pid = TestCell.run("cat", cell.depot.resolve("finisher/processes/fin/pid").toString()).strip();
        TestCell.run("kill", "-TERM", pid);
        assertTrue(TestCell.eventually(WAIT, () -> cell.monitors().isEmpty()), "monitor should exit with the process");
        cell.startServer();
        assertEquals(List.of(), ids("finisher"));
        ProcessStreams after = ProcessStreams.collecting();
        assertEquals(143, cell.client.attach("finisher", "fin", after).await(WAIT));
    }

    @Test
    void outputOfAProcessThatExitedWhileTheServerWasDownIsReplayed() {
        cell.client.create("replay");
        cell.client.run("replay", sh("while [ ! -e /tmp/go ]; do sleep 0.1; done; echo finished; echo on-stderr >&2; exit 4")
                .add("id", "fin").build(), ProcessStreams.none());
        cell.stopServer();
        TestCell.run("touch", cell.depot.resolve("replay/rootfs/tmp/go").toString());
        assertTrue(TestCell.eventually(WAIT, () -> cell.monitors().isEmpty()), "monitor should exit with the process");
        cell.startServer();
        ProcessStreams after = ProcessStreams.collecting();
        assertEquals(4, cell.client.attach("replay", "fin", after).await(WAIT));
        assertEquals("finished\n", after.stdoutText());
        assertEquals("on-stderr\n", after.stderrText());
    }

    @Test
    void twentyContainersWithRunningProcessesSurviveARestart() {
        List<String> handles = IntStream.range(0, 20).mapToObj(i -> "survivor-" + i).toList();
        for (String h : handles) {
            cell.client.create(h);
            cell.client.run(h, sh("read x; echo got $x").add("id", "p").build(), ProcessStreams.none()).close();
        }
        cell.killServer();
        cell.startServer();
        List<GardenProcess> attached = new ArrayList<>();
        List<ProcessStreams> outputs = new ArrayList<>();
        for (String h : handles) {
            assertEquals(List.of("p"), ids(h), h);
            ProcessStreams io = ProcessStreams.collecting();
            GardenProcess p = cell.client.attach(h, "p", io);
            p.stdin("x\n");
            attached.add(p);
            outputs.add(io);
        }
        for (int i = 0; i < handles.size(); i++) {
            assertEquals(0, attached.get(i).await(WAIT), handles.get(i));
            assertEquals("got x\n", outputs.get(i).stdoutText(), handles.get(i));
        }
    }

    private List<String> ids(String handle) {
        return cell.client.info(handle).getJsonArray("ProcessIDs").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList();
    }

}
