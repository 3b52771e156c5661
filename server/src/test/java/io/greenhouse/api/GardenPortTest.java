package io.greenhouse.api;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GardenPortTest {
    @Test
    void theAdminCentersPortNeverServesTheGardenApiEvenOverTls() {
        GardenPort port = new GardenPort(9443, false);
        assertTrue(port.refusal(9443, true).orElseThrow().contains("admin center"));
        assertEquals(Optional.empty(), port.refusal(7777, false));
    }

    @Test
    void withTlsRequiredAPlainRequestIsRefusedAndATlsOneServed() {
        GardenPort port = new GardenPort(9443, true);
        assertTrue(port.refusal(7777, false).orElseThrow().contains("mutual TLS only"));
        assertEquals(Optional.empty(), port.refusal(7777, true));
        assertTrue(port.refusal(9443, true).isPresent());
    }
}
