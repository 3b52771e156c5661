package io.greenhouse.oci;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class DevicesRuleTest {
    @Test
    void everyDeviceIsDeniedAndRuncAllowsItsDefaults() {
        Spec spec = new DevicesRule().apply(Spec.base(), Plans.container(true));
        assertEquals(List.of(new Resources.DeviceCgroup(false, null, null, null, "rwm")), spec.linux().resources().devices());
        JsonObject deny = Plans.json(spec).getJsonObject("linux").getJsonObject("resources").getJsonArray("devices").getJsonObject(0);
        assertFalse(deny.getBoolean("allow"));
        assertEquals("rwm", deny.getString("access"));
        assertFalse(deny.containsKey("major"), "all majors");
    }

    @Test
    void otherResourcesAreKept() {
        Spec limited = new ResourcesRule(false).apply(Spec.base(),
                Plans.limited(new io.greenhouse.backend.ResourceLimits(1 << 20, 0, 0, 0, null, 0, 0)));
        Spec spec = new DevicesRule().apply(limited, Plans.container());
        assertEquals(limited.linux().resources().memory(), spec.linux().resources().memory());
    }
}
