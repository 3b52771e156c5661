package io.greenhouse.linux;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapabilitiesTest {

    @Test
    void aFullBoundingSetNamesEveryCapability() {
        Set<String> caps = Capabilities.bounding("Name:\tjava\nCapBnd:\t000001ffffffffff\nCapAmb:\t0\n");
        assertEquals(41, caps.size());
        assertTrue(caps.contains("CAP_SYS_RESOURCE"));
        assertTrue(caps.contains("CAP_CHECKPOINT_RESTORE"));
    }

    @Test
    void aSandboxWithoutSysResourceLacksExactlyThatOne() {
        // the bounding set of a container runtime that dropped CAP_SYS_RESOURCE (bit 24)
        Set<String> caps = Capabilities.bounding("CapBnd:\t000001fffeffffff\n");
        assertFalse(caps.contains("CAP_SYS_RESOURCE"));
        assertEquals(40, caps.size());
    }

    @Test
    void bitsBeyondTheKnownCapabilitiesAreIgnored() {
        assertEquals(Set.of("CAP_CHOWN"), Capabilities.bounding("CapBnd:\tffff800000000001\n"));
    }
}
