package io.greenhouse.oci;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevicesRuleTest {
    @Test
    void everyDeviceIsDeniedThenTheStandardSetAllowed() {
        Spec spec = new DevicesRule().apply(Spec.base(), Plans.container(false));
        List<Resources.DeviceCgroup> rules = spec.linux().resources().devices();
        assertEquals(new Resources.DeviceCgroup(false, null, null, null, "rwm"), rules.get(0));
        assertEquals(DevicesRule.STANDARD, rules.subList(1, rules.size()));
        JsonObject deny = Plans.json(spec).getJsonObject("linux").getJsonObject("resources").getJsonArray("devices").getJsonObject(0);
        assertFalse(deny.getBoolean("allow"));
        assertFalse(deny.containsKey("major"), "all majors");
        assertTrue(rules.contains(new Resources.DeviceCgroup(true, "c", 1L, 3L, "rwm")), "/dev/null");
        assertTrue(rules.contains(new Resources.DeviceCgroup(true, "c", 136L, null, "rwm")), "every pty");
        assertFalse(rules.stream().anyMatch(r -> r.allow() && Long.valueOf(229).equals(r.minor())), "no fuse");
        assertNull(spec.linux().devices());
    }

    @Test
    void privilegedContainersAndTheirPeasGetFuse() {
        Spec spec = new DevicesRule().apply(Spec.base(), Plans.container(true));
        assertTrue(spec.linux().resources().devices().contains(new Resources.DeviceCgroup(true, "c", 10L, 229L, "rwm")));
        assertEquals(List.of(new Linux.Device("/dev/fuse", "c", 10, 229, 0666, 0L, 0L)), spec.linux().devices());
    }

    @Test
    void otherResourcesAreKept() {
        Spec limited = new ResourcesRule(false).apply(Spec.base(),
                Plans.limited(new io.greenhouse.backend.ResourceLimits(1 << 20, 0, 0, 0, null, 0, 0)));
        Spec spec = new DevicesRule().apply(limited, Plans.container());
        assertEquals(limited.linux().resources().memory(), spec.linux().resources().memory());
    }
}
