package io.greenhouse.oci;

import io.greenhouse.backend.ResourceLimits;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourcesRuleTest {
    private static final ResourceLimits WEIGHT_1028 =
            new ResourceLimits(0, 0, 1028, 0, ResourceLimits.DiskLimits.NONE, 0, 0);

    private static Resources resources(ResourceLimits limits, boolean unified) {
        return new ResourcesRule(unified).apply(Spec.base(), Plans.limited(limits)).linux().resources();
    }

    private static JsonObject json(ResourceLimits limits, boolean unified) {
        return Plans.json(new ResourcesRule(unified).apply(Spec.base(), Plans.limited(limits)))
                .getJsonObject("linux").getJsonObject("resources");
    }

    @Test
    void limitsBecomeCgroupResourcesAndUnsetLimitsAreLeftOut() {
        JsonObject r = json(new ResourceLimits(64L << 20, 0, 512, 50, null, 0, 0), false);
        assertEquals(64L << 20, r.getJsonObject("memory").getJsonNumber("limit").longValue());
        assertEquals(64L << 20, r.getJsonObject("memory").getJsonNumber("swap").longValue(), "no swap beyond the limit");
        assertFalse(r.getJsonObject("memory").containsKey("reservation"));
        assertEquals(512, r.getJsonObject("cpu").getInt("shares"));
        assertEquals(50, r.getJsonObject("pids").getInt("limit"));

        JsonObject none = json(ResourceLimits.NONE, false);
        assertFalse(none.containsKey("memory") || none.containsKey("cpu") || none.containsKey("pids"));
    }

    @Test
    void memorySwapEqualsTheLimitWhichRuncTurnsIntoAZeroV2SwapMax() {
        Resources.Memory memory = resources(new ResourceLimits(128L << 20, 0, 0, 0, null, 0, 0), false).memory();
        // v2 memory.swap.max = swap - limit: 0, which runC may write even on hosts without swap.
        assertEquals(0, memory.swap() - memory.limit());
    }

    @Test
    void cgroupV1GetsCpuShares() {
        Resources r = resources(WEIGHT_1028, false);
        assertEquals(1028L, r.cpu().shares());
        assertNull(r.unified());
    }

    @Test
    void cgroupV2GetsTheCpuWeightGuardianWouldSetInsteadOfShares() {
        JsonObject r = json(WEIGHT_1028, true);
        assertEquals("101", r.getJsonObject("unified").getString("cpu.weight"));
        assertFalse(r.containsKey("cpu"));
    }

    @Test
    void noCpuLimitWritesNoCpuResources() {
        Resources r = resources(ResourceLimits.NONE, true);
        assertNull(r.cpu());
        assertNull(r.unified());
    }

    @Test
    void theCpuWeightJoinsUnifiedFilesAnEarlierRuleWrote() {
        Spec earlier = Spec.base().withLinux(l -> l.withResources(r -> r.withUnified(Map.of("memory.oom.group", "1"))));
        Resources r = new ResourcesRule(true).apply(earlier, Plans.limited(WEIGHT_1028)).linux().resources();
        assertEquals(Map.of("memory.oom.group", "1", "cpu.weight", "101"), r.unified());
    }

    /**
     * cgroup v2 has no cpu.shares: runC writes cpu.weight = 1 + (shares - 2) * 9999 / 262142, and
     * the kernel refuses weights outside 1..10000 (v1 merely clamps shares), so the shares written
     * must stay within 2..262144 for the same spec to start on both.
     */
    @Test
    void cpuSharesStayInTheRangeRuncCanTurnIntoAValidCgroupV2Weight() {
        for (long requested : List.of(1L, 2L, 512L, 1024L, 10_000L, 262_144L, 1_000_000L)) {
            long shares = resources(new ResourceLimits(0, requested, 0, 0, null, 0, 0), false).cpu().shares();
            long v2Weight = 1 + ((shares - 2) * 9999) / 262142;
            assertTrue(v2Weight >= 1 && v2Weight <= 10_000, requested + " -> shares " + shares + " -> weight " + v2Weight);
        }
        assertEquals(2, ResourcesRule.cpuShares(1));
        assertEquals(262_144, ResourcesRule.cpuShares(1_000_000));
        assertEquals(1024, ResourcesRule.cpuShares(1024));
    }
}
