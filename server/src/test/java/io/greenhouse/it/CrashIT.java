package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import jakarta.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash of the server at any point of a create or destroy leaves a container that is either
 * complete (listed, and processes run in it) or gone without a trace. The server is made to
 * SIGKILL itself after each step in turn (greenhouse.fault.kill-after), and killed at random
 * moments from outside.
 */
class CrashIT extends CellTestSupport {
    private static final String FAULT = "GREENHOUSE_FAULT_KILL_AFTER";
    /** The steps of a create, in order, as the backend reports them; "created" is the last. */
    private static final List<String> CREATE_STEPS = List.of("depot", "rootfs", "processes", "network-files",
            "runtime", "network", "created");
    private static final List<String> DESTROY_STEPS = List.of("destroying", "network", "runtime", "network-files",
            "processes", "rootfs", "depot");

    /** Whether the running server was started with a fault; the next test class must not get it. */
    private boolean faultConfigured;

    @AfterEach
    void serverRunsWithoutFaults() {
        boolean alive;
        try {
            cell.client.ping();
            alive = true;
        } catch (RuntimeException e) {
            alive = false;
        }
        if (faultConfigured || !alive) {
            restartWith(Map.of());
        }
    }

    @Test
    void aCreateKilledAfterEachStepIsRolledBackUnlessItsLastStepHadRun() {
        restartWith(Map.of(FAULT, "create:" + CREATE_STEPS.get(0)));
        for (int i = 0; i < CREATE_STEPS.size(); i++) {
            String step = CREATE_STEPS.get(i);
            String handle = "crash-create-" + step;
            long pid = cell.serverPid();
            createExpectingTheServerToDie(handle);
            assertTrue(cell.awaitServerDeath(pid, Duration.ofSeconds(30)), "the server killed itself after " + step);
            String next = i + 1 < CREATE_STEPS.size() ? "create:" + CREATE_STEPS.get(i + 1) : "";
            startWith(Map.of(FAULT, next));

            boolean complete = step.equals("created");
            assertEquals(complete ? List.of(handle) : List.of(), cell.client.list(Map.of()), "after " + step);
            if (complete) {
                assertRunsProcesses(handle);
            }
            cell.destroyAll();
            assertEquals(List.of(), cell.leftovers(), "traces of a create killed after " + step);
        }
    }

    @Test
    void aDestroyKilledAfterEachStepIsFinishedOnRestart() {
        for (int i = 0; i < DESTROY_STEPS.size(); i++) {
            String step = DESTROY_STEPS.get(i);
            String handle = "crash-destroy-" + i;
            restartWith(Map.of(FAULT, "destroy:" + step));
            cell.client.create(handle);
            long pid = cell.serverPid();
            CompletableFuture.runAsync(() -> cell.client.destroy(handle)).exceptionally(e -> null);
            assertTrue(cell.awaitServerDeath(pid, Duration.ofSeconds(30)), "the server killed itself after " + step);
            startWith(Map.of());
            assertEquals(List.of(), cell.client.list(Map.of()), "after " + step);
            assertEquals(List.of(), cell.leftovers(), "traces of a destroy killed after " + step);
        }
    }

    @Test
    void fiftyKillsAtRandomMomentsNeverLeaveAListedButBrokenContainer() {
        Random random = new Random(Long.getLong("greenhouse.test.seed", System.nanoTime()));
        int kills = Integer.getInteger("greenhouse.test.crash-kills", 50);
        int complete = 0;
        for (int i = 0; i < kills; i++) {
            String handle = "crash-random-" + i;
            long delay = random.nextInt(501);
            CompletableFuture.runAsync(() -> cell.client.create(handle)).exceptionally(e -> null);
            TestCell.sleep(Duration.ofMillis(delay));
            cell.killServer();
            cell.startServer();
            List<String> listed = cell.client.list(Map.of());
            if (listed.contains(handle)) {
                assertRunsProcesses(handle);
                complete++;
            } else {
                assertEquals(List.of(), listed, "kill " + i + " after " + delay + " ms");
                assertEquals(List.of(), cell.leftovers(), "traces of a create killed after " + delay + " ms");
            }
            cell.destroyAll();
        }
        System.out.printf("CrashIT: %d random kills, %d creates complete, %d rolled back%n", kills, complete, kills - complete);
    }

    private void createExpectingTheServerToDie(String handle) {
        try {
            cell.client.create(Json.createObjectBuilder().add("handle", handle).build());
        } catch (RuntimeException expected) {
            // the connection dies with the server
        }
    }

    private void assertRunsProcesses(String handle) {
        ProcessStreams io = ProcessStreams.collecting();
        try (GardenProcess p = cell.client.run(handle, Json.createObjectBuilder().add("path", "sh")
                .add("args", Json.createArrayBuilder().add("-c").add("echo alive")).build(), io)) {
            assertEquals(0, p.await(Duration.ofSeconds(30)), handle);
        } catch (GardenClientException e) {
            throw new AssertionError(handle + " is listed but cannot run a process: " + e.getMessage(), e);
        }
        assertEquals("alive\n", io.stdoutText(), handle);
    }

    private void restartWith(Map<String, String> environment) {
        cell.stopServer();
        startWith(environment);
    }

    private void startWith(Map<String, String> environment) {
        cell.startServer(environment);
        faultConfigured = !environment.getOrDefault(FAULT, "").isEmpty();
    }
}
