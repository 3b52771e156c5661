package io.greenhouse.backend;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link ContainerStore} does, the test double and the depot on disk alike (run by
 * InMemoryStoreTest and DirectoryStoreTest): a double that drifts from the real store fails here.
 * Only the interface is used; each subclass makes a fresh, empty store.
 */
public abstract class ContainerStoreContract {
    private ContainerStore store;

    /** A new, empty store; called before each test. */
    protected abstract ContainerStore newStore();

    @BeforeEach
    void freshStore() {
        store = newStore();
    }

    protected static ContainerRecord record(String handle, Map<String, String> properties) {
        ContainerSpec spec = new ContainerSpec(handle, Duration.ofSeconds(30), new ImageRef("raw:///images/base", "", ""),
                List.of(new BindMount("/host/src", "/dst", true, false)), "", properties, List.of("A=1", "B=two words"),
                true, new ResourceLimits(64L << 20, 512, 0, 100, ResourceLimits.DiskLimits.NONE, 0, 0), null, null);
        return new ContainerRecord(spec, properties, Duration.ofSeconds(30), Instant.parse("2026-01-02T03:04:05.123456789Z"),
                List.of("PATH=/bin"), false, ContainerRecord.Phase.CREATED);
    }

    @Test
    void createReturnsTheContainersDirectory() {
        assertEquals(store.directory("c1"), store.create("c1"));
    }

    @Test
    void aHandleCanBeCreatedOnlyOnce() {
        store.create("twice");
        GardenException e = assertThrows(GardenException.class, () -> store.create("twice"));
        assertTrue(e.getMessage().contains("already in use"), e.getMessage());
    }

    @Test
    void handlesThatAreNotSafeAsADirectoryNameAreRefused() {
        for (String bad : List.of("../escape", "a/b", "..", ".", "")) {
            assertThrows(GardenException.class, () -> store.create(bad), bad);
            assertThrows(GardenException.class, () -> store.directory(bad), bad);
        }
        assertEquals(List.of(), store.incomplete());
    }

    @Test
    void directoriesOfDifferentContainersDiffer() {
        assertNotEquals(store.directory("a"), store.directory("b"));
    }

    @Test
    void aSavedRecordLoadsBackEqual() {
        store.create("saved");
        ContainerRecord r = record("saved", Map.of("app", "web", "zone", "z1"));
        store.save(r);
        assertEquals(List.of(r), store.loadAll());
    }

    @Test
    void savingAgainReplacesTheRecord() {
        store.create("changing");
        store.save(record("changing", Map.of("v", "1")));
        ContainerRecord second = record("changing", Map.of("v", "2")).withStopped(true).withGraceTime(Duration.ZERO);
        store.save(second);
        assertEquals(List.of(second), store.loadAll());
    }

    @Test
    void aRecordCannotBeSavedForAContainerThatWasNeverCreated() {
        assertThrows(RuntimeException.class, () -> store.save(record("never-created", Map.of())));
        assertEquals(List.of(), store.loadAll());
    }

    @Test
    void everySavedContainerIsLoaded() {
        for (String h : List.of("one", "two", "three")) {
            store.create(h);
            store.save(record(h, Map.of("name", h)));
        }
        Set<String> loaded = new HashSet<>();
        store.loadAll().forEach(r -> loaded.add(r.handle()));
        assertEquals(Set.of("one", "two", "three"), loaded);
    }

    @Test
    void aDirectoryWithoutARecordIsIncomplete() {
        store.create("half-made");
        store.create("whole");
        store.save(record("whole", Map.of()));
        assertEquals(List.of("half-made"), store.incomplete());
        assertEquals(List.of("whole"), store.loadAll().stream().map(ContainerRecord::handle).toList());
    }

    @Test
    void wholeRecordsAreNeverReportedUnreadable() {
        store.create("whole");
        store.save(record("whole", Map.of()));
        store.create("half-made");
        assertEquals(Map.of(), store.unreadable());
    }

    @Test
    void removeForgetsTheContainerAndFreesItsHandle() {
        store.create("gone");
        store.save(record("gone", Map.of()));
        store.create("half");
        store.remove("gone");
        store.remove("half");
        assertEquals(List.of(), store.loadAll());
        assertEquals(List.of(), store.incomplete());
        assertEquals(store.directory("gone"), store.create("gone"));
    }

    @Test
    void removingAnUnknownContainerIsFine() {
        store.remove("never-there");
        assertEquals(List.of(), store.incomplete());
    }
}
