package io.greenhouse.it;

import io.greenhouse.bench.SoakDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short soak of the suite: four clients mix every operation against the test cell for about a
 * minute ({@code greenhouse.test.soak-seconds}); no error, nothing left on the host (the leak check
 * of every test), and the server's open fds back where they were. The long soak is
 * {@link SoakDriver}'s main, run by hand.
 */
class SoakIT extends CellTestSupport {
    @Test
    void fourClientsMixingEveryOperationForAMinuteMeetNoErrorAndLeakNothing() throws InterruptedException {
        long pid = cell.serverPid();
        SoakDriver.Result warmup = new SoakDriver(cell.client, pid, "warm").mix(2, Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertEquals(0, warmup.errors(), warmup.firstErrors().toString());
        int fdsBefore = FaultsIT.count(pid, "fd");

        int seconds = Integer.getInteger("greenhouse.test.soak-seconds", 60);
        SoakDriver.Result r = new SoakDriver(cell.client, pid, "soak").mix(4, Duration.ofSeconds(seconds), Duration.ofSeconds(10));
        System.out.print(SoakDriver.report("SoakIT 4 clients x " + seconds + " s", r));

        assertEquals(0, r.errors(), r.firstErrors().toString());
        assertTrue(r.cycles() > 0, "cycles done");
        assertEquals(List.of(), cell.client.list(Map.of()));
        assertTrue(TestCell.eventually(Duration.ofSeconds(30), () -> FaultsIT.count(pid, "fd") <= fdsBefore + 10),
                () -> "server fds " + fdsBefore + " -> " + FaultsIT.count(pid, "fd"));
    }
}
