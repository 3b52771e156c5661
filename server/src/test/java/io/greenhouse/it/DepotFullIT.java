package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import io.greenhouse.testsupport.TarBuilder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The depot's filesystem full. The test cell is restarted over a 64 MiB tmpfs mounted on its own
 * depot (empty between tests), which a filler file then fills: creates, StreamIn and property
 * changes fail with a Garden error, leave nothing half-written, the existing container's record
 * stays as it was, readiness says the depot cannot be written, and all works again once the filler
 * is gone. Afterwards the cell runs on its ordinary depot again.
 */
class DepotFullIT extends CellTestSupport {
    private Path filler;

    @BeforeEach
    void cellOnASmallDepot() throws IOException {
        cell.stopServer();
        try (var entries = Files.list(cell.depot)) {
            assertEquals(List.of(), entries.toList(), "the depot is empty between tests");
        }
        TestCell.run("mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "gh-depot-full", cell.depot.toString());
        cell.startServer();
        filler = cell.depot.resolve(".filler");
    }

    @AfterEach
    void cellOnItsOwnDepot() throws IOException {
        Files.deleteIfExists(filler);
        cell.destroyAll();
        cell.stopServer();
        TestCell.run("umount", cell.depot.toString());
        cell.startServer();
    }

    @Test
    void aFullDepotFailsCreatesStreamInsAndPropertyChangesCleanlyAndRecoversOnceFreed() throws IOException {
        cell.client.create(Json.createObjectBuilder().add("handle", "full-existing")
                .add("properties", Json.createObjectBuilder().add("state", "before")).build());
        Path record = cell.depot.resolve("full-existing").resolve("container.json");
        String recordBefore = Files.readString(record);
        fill();

        GardenClientException create = assertThrows(GardenClientException.class, () -> cell.client.create("full-new"));
        assertTrue(create.getMessage().toLowerCase().contains("space"), "says why: " + create.getMessage());
        assertFalse(cell.client.list(Map.of()).contains("full-new"));
        assertFalse(Files.exists(cell.depot.resolve("full-new")), "nothing half-made of the failed create");

        // A StreamIn writes into the container's writable layer: on the depot's filesystem it fails
        // with the depot; on the cell's quota store (a file system of its own) it does not.
        if (Files.isSymbolicLink(cell.depot.resolve("full-existing").resolve("overlay"))) {
            cell.client.streamIn("full-existing", "/data", "", new ByteArrayInputStream(new TarBuilder()
                    .file("early", new byte[1 << 20], 0644, e -> { }).bytes()));
        } else {
            GardenClientException streamIn = assertThrows(GardenClientException.class, () -> cell.client.streamIn(
                    "full-existing", "/data", "", new ByteArrayInputStream(new TarBuilder()
                            .file("blob", new byte[4 << 20], 0644, e -> { }).bytes())));
            assertFalse(streamIn.getMessage().isBlank(), streamIn.toString());
        }

        assertThrows(GardenClientException.class, () -> cell.client.setProperty("full-existing", "state", "during"));
        assertEquals("before", cell.client.property("full-existing", "state"), "a failed change is not half-applied");
        assertEquals(recordBefore, Files.readString(record), "the existing record is intact");
        assertFalse(Files.exists(record.resolveSibling("container.json.tmp")) && Files.size(record.resolveSibling("container.json.tmp")) > 0,
                "no half-written record beside it");

        JsonObject depotCheck = check("depot-writable");
        assertEquals("DOWN", depotCheck.getString("status"), depotCheck.toString());

        Files.delete(filler);
        assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> "UP".equals(check("depot-writable").getString("status"))));
        cell.client.create("full-new");
        cell.client.streamIn("full-existing", "/data", "", new ByteArrayInputStream(new TarBuilder()
                .file("blob", new byte[4 << 20], 0644, e -> { }).bytes()));
        assertEquals(0, run("full-existing", "test $(wc -c < /data/blob) -eq " + (4 << 20)));
        // (a Run needs the depot: it is checked only once space is back)
        cell.client.setProperty("full-existing", "state", "after");
        assertEquals("after", cell.client.property("full-existing", "state"));
        assertEquals(0, run("full-new", "true"));
    }

    /** Writes zeros into the depot's tmpfs until no byte more fits. */
    private void fill() throws IOException {
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1024; i++) {
                out.write(block);
            }
        } catch (IOException full) {
            // No space left on device: what the test wants
        }
        assertTrue(Files.getFileStore(cell.depot).getUsableSpace() < (1 << 20), "the depot is full");
    }

    private int run(String handle, String script) {
        try (GardenProcess p = cell.client.run(handle, Json.createObjectBuilder().add("path", "sh")
                .add("args", Json.createArrayBuilder().add("-c").add(script)).build(), ProcessStreams.none())) {
            return p.await(Duration.ofSeconds(30));
        }
    }

    private JsonObject check(String name) {
        JsonObject health = Json.createReader(new StringReader(cell.client.raw("GET", "/health/ready", null).body())).readObject();
        return health.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(c -> c.getString("name").equals(name)).findFirst().orElseThrow();
    }
}
