package io.greenhouse.it;

import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Containers outlive the server: a graceful restart and a SIGKILL both keep them listed and running. */
class ServerRestartIT extends CellTestSupport {

    @Test
    void containersAndTheirPropertiesSurviveAGracefulRestart() {
        cell.client.create(Json.createObjectBuilder().add("handle", "survivor")
                .add("properties", Json.createObjectBuilder().add("k", "v")).build());
        cell.client.setProperty("survivor", "set-later", "yes");
        cell.stopServer();
        cell.startServer();
        assertEquals(List.of("survivor"), cell.client.list(Map.of("k", "v")));
        assertEquals("yes", cell.client.property("survivor", "set-later"));
        assertEquals("active", cell.client.info("survivor").getString("State"));
    }

    @Test
    void containersSurviveSigkillOfTheServer() {
        cell.client.create("crash-survivor");
        cell.killServer();
        cell.startServer();
        assertTrue(cell.client.list(Map.of()).contains("crash-survivor"));
        String state = TestCell.run(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "state", "crash-survivor");
        assertTrue(state.contains("running"), state);
    }

    @Test
    void leftoversOfAContainerThatDiedWhileTheServerWasDownAreCleanedOnStart() {
        cell.client.create("died-while-down");
        cell.stopServer();
        TestCell.run(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "kill", "died-while-down", "KILL");
        assertTrue(TestCell.eventually(Duration.ofSeconds(30), () -> !TestCell.run(cell.runtimeBinary, "--root",
                cell.runtimeRoot.toString(), "state", "died-while-down").contains("running")));
        cell.startServer();
        assertEquals(List.of(), cell.client.list(Map.of()));
        assertEquals(List.of(), cell.leftovers());
    }
}
