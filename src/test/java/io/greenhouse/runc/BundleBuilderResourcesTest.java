package io.greenhouse.runc;

import io.greenhouse.backend.ResourceLimits;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class BundleBuilderResourcesTest {
    private static final ResourceLimits WEIGHT_1028 =
            new ResourceLimits(0, 0, 1028, 0, ResourceLimits.DiskLimits.NONE, 0, 0);

    @Test
    void cgroupV1GetsCpuShares() {
        JsonObject r = BundleBuilder.resources(WEIGHT_1028, false).build();
        assertEquals(1028, r.getJsonObject("cpu").getInt("shares"));
        assertFalse(r.containsKey("unified"));
    }

    @Test
    void cgroupV2GetsTheCpuWeightGuardianWouldSetInsteadOfShares() {
        JsonObject r = BundleBuilder.resources(WEIGHT_1028, true).build();
        assertEquals("101", r.getJsonObject("unified").getString("cpu.weight"));
        assertFalse(r.containsKey("cpu"));
    }

    @Test
    void noCpuLimitWritesNoCpuResources() {
        JsonObject r = BundleBuilder.resources(ResourceLimits.NONE, true).build();
        assertFalse(r.containsKey("cpu"));
        assertFalse(r.containsKey("unified"));
    }
}
