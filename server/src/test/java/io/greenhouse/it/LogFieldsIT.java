package io.greenhouse.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With JSON logs (the one setting, here for messages.log), a line about a container carries its
 * handle as a field of its own, {@code ext_handle}: lines of the reload after a restart, of the
 * grace-time reaper, of a create; lines about no container carry none.
 */
class LogFieldsIT extends CellTestSupport {
    private final Path messages = Path.of(System.getProperty("greenhouse.test.serverDir",
            "target/liberty/wlp/usr/servers/greenhouse-it")).resolve("logs/messages.log");

    /** Under load the cell's application may still be starting when Maven's start goal returns. */
    @BeforeAll
    static void cellAnswers() {
        new TestCell().awaitReady(Duration.ofMinutes(5));
    }

    @Test
    void linesAboutAContainerCarryItsHandle() {
        cell.client.create("logs-reloaded");
        cell.stopServer();
        cell.startServer(Map.of("WLP_LOGGING_MESSAGE_FORMAT", "json"));
        try {
            JsonObject reloaded = awaitLine("reloaded container logs-reloaded");
            assertEquals("logs-reloaded", reloaded.getString("ext_handle"), reloaded::toString);
            assertFalse(reloaded.containsKey("ext_processId"), reloaded::toString);
            JsonObject ready = awaitLine("greenhouse ready");
            assertFalse(ready.containsKey("ext_handle"), ready::toString);

            cell.client.create(Json.createObjectBuilder().add("handle", "logs-reaped")
                    .add("grace_time", Duration.ofSeconds(1).toNanos()).build());
            JsonObject reaped = awaitLine("grace time of logs-reaped expired");
            assertEquals("logs-reaped", reaped.getString("ext_handle"), reaped::toString);
        } finally {
            cell.stopServer();
            cell.startServer();
        }
    }

    private JsonObject awaitLine(String text) {
        AtomicReference<Optional<JsonObject>> found = new AtomicReference<>(Optional.empty());
        assertTrue(TestCell.eventually(Duration.ofSeconds(60), () -> {
            found.set(lines().stream().filter(l -> l.getString("message", "").contains(text)).findFirst());
            return found.get().isPresent();
        }), () -> "no JSON line '" + text + "' in " + messages);
        return found.get().orElseThrow();
    }

    private List<JsonObject> lines() {
        try {
            return Files.readAllLines(messages).stream().filter(l -> l.startsWith("{"))
                    .map(l -> Json.createReader(new StringReader(l)).readObject()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
