package io.greenhouse.oci;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoNewPrivilegesRuleTest {
    @Test
    void offByDefaultAsInGuardian() {
        NoNewPrivilegesRule off = new NoNewPrivilegesRule(false);
        Spec spec = off.apply(Spec.base(), Plans.container(false));
        assertFalse(spec.process().noNewPrivileges());
        assertNull(spec.linux().sysctl());
        assertFalse(off.forProcess(false));
    }

    @Test
    void whenOnUnprivilegedContainersGetItAndPingStillWorks() {
        NoNewPrivilegesRule on = new NoNewPrivilegesRule(true);
        Spec spec = on.apply(Spec.base(), Plans.container(false));
        assertTrue(spec.process().noNewPrivileges());
        assertEquals(Map.of("net.ipv4.ping_group_range", "1 65535"), spec.linux().sysctl());
        assertTrue(on.forProcess(false));
        Spec pea = on.apply(Spec.base(), Plans.pea(7, false));
        assertTrue(pea.process().noNewPrivileges());
        assertNull(pea.linux().sysctl(), "a pea shares its container's network namespace");
    }

    @Test
    void privilegedContainersNeverGetIt() {
        NoNewPrivilegesRule on = new NoNewPrivilegesRule(true);
        assertFalse(on.apply(Spec.base(), Plans.container(true)).process().noNewPrivileges());
        assertFalse(on.forProcess(true));
    }
}
