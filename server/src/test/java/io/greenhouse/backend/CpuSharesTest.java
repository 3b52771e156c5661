package io.greenhouse.backend;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CpuSharesTest {

    /** Expected weights are what Guardian's conversion gives for the same shares. */
    @ParameterizedTest
    @CsvSource({"0,0", "1,1", "2,1", "3,2", "50,10", "512,59", "1024,100", "1028,101", "2048,174",
            "10000,627", "262143,10000", "262144,10000", "1000000,10000"})
    void sharesMapOntoTheWeightGuardianWouldSet(long shares, long weight) {
        assertEquals(weight, CpuShares.toWeight(shares));
    }

    private static ResourceLimits cpu(long shares, long weight) {
        return new ResourceLimits(0, shares, weight, 0, ResourceLimits.DiskLimits.NONE, 0, 0);
    }

    @Test
    void onCgroupV1TheLimitReadsBackAsTheSharesGivenEvenWhenAskedAsWeight() {
        assertEquals(50, CpuShares.reported(cpu(50, 0), false));
        assertEquals(1028, CpuShares.reported(cpu(0, 1028), false));
        assertEquals(0, CpuShares.reported(ResourceLimits.NONE, false));
    }

    @Test
    void onCgroupV2TheLimitReadsBackAsTheWeightSet() {
        assertEquals(101, CpuShares.reported(cpu(0, 1028), true));
        assertEquals(0, CpuShares.reported(ResourceLimits.NONE, true));
    }
}
