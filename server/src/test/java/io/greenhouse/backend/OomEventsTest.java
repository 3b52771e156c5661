package io.greenhouse.backend;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OomEventsTest extends BackendFixture {
    private final GardenBackend backend = started(10, Duration.ZERO);

    @Test
    void infoHasNoEventsUntilTheKernelKilledAProcessForMemory() {
        Container c = backend.create(spec("hungry"));
        assertEquals(List.of(), c.info().events());

        oomKills.put("hungry", 2L);
        assertEquals(List.of("Out of memory"), c.info().events(), "one event, however many kills");
    }

    @Test
    void anOomOfAnotherContainerIsNotThisOnes() {
        Container c = backend.create(spec("calm"));
        backend.create(spec("hungry"));
        oomKills.put("hungry", 1L);
        assertEquals(List.of(), c.info().events());
    }

    @Test
    void aKillCountedWhileTheServerWasDownIsReportedAfterReload() {
        backend.create(spec("hungry"));
        oomKills.put("hungry", 1L);
        GardenBackend restarted = started(10, Duration.ZERO);
        assertEquals(List.of("Out of memory"), restarted.lookup("hungry").info().events());
    }
}
