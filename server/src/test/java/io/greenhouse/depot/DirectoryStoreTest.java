package io.greenhouse.depot;

import io.greenhouse.backend.ContainerRecord;
import io.greenhouse.backend.ContainerStore;
import io.greenhouse.backend.ContainerStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The depot on disk, in a temporary directory, against the store contract. */
class DirectoryStoreTest extends ContainerStoreContract {
    @TempDir
    Path depot;

    @Override
    protected ContainerStore newStore() {
        return new DirectoryStore(depot.resolve("depot"), new RecordCodec());
    }

    /** A record cut short or garbled on disk: reported with why, not loaded, not taken for a create cut off. */
    @Test
    void aTruncatedOrGarbledRecordIsReportedUnreadableAndNothingElseIs() throws IOException {
        ContainerStore store = newStore();
        for (String h : List.of("whole", "truncated", "garbled", "empty")) {
            store.create(h);
            store.save(ContainerStoreContract.record(h, Map.of("name", h)));
        }
        Path truncated = store.directory("truncated").resolve(DirectoryStore.RECORD);
        String json = Files.readString(truncated);
        Files.writeString(truncated, json.substring(0, json.length() / 2));
        Files.write(store.directory("garbled").resolve(DirectoryStore.RECORD), new byte[]{0, (byte) 0xff, 0x7b});
        Files.writeString(store.directory("empty").resolve(DirectoryStore.RECORD), "");

        assertEquals(Set.of("truncated", "garbled", "empty"), store.unreadable().keySet());
        assertTrue(store.unreadable().get("truncated").contains("container.json"), store.unreadable().toString());
        assertEquals(List.of("whole"), store.loadAll().stream().map(ContainerRecord::handle).toList());
        assertEquals(List.of(), store.incomplete());
    }
}
