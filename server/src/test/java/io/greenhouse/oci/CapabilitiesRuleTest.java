package io.greenhouse.oci;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapabilitiesRuleTest {
    private final CapabilitiesRule rule = new CapabilitiesRule(Plans.ALL_CAPS);

    @Test
    void unprivilegedContainersGetGuardiansListInAllFiveSets() {
        Process.CapabilitySets caps = rule.apply(Spec.base(), Plans.container(false)).process().capabilities();
        assertEquals(Process.CapabilitySets.all(CapabilitiesRule.UNPRIVILEGED), caps);
        assertFalse(caps.bounding().contains("CAP_SYS_ADMIN"));
    }

    @Test
    void privilegedContainersGetTheFullList() {
        Process.CapabilitySets caps = rule.apply(Spec.base(), Plans.container(true)).process().capabilities();
        assertEquals(CapabilitiesRule.PRIVILEGED, caps.bounding());
        assertTrue(caps.ambient().contains("CAP_SYS_ADMIN"));
    }

    @Test
    void whatTheServerLacksIsLeftOutForRuncCouldNotGrantIt() {
        Set<String> available = new HashSet<>(Plans.ALL_CAPS);
        available.remove("CAP_SYS_RESOURCE");
        available.remove("CAP_KILL");
        CapabilitiesRule restricted = new CapabilitiesRule(available);
        assertFalse(restricted.granted(true).contains("CAP_SYS_RESOURCE"));
        assertFalse(restricted.granted(false).contains("CAP_KILL"));
        assertEquals(CapabilitiesRule.PRIVILEGED.size() - 2, restricted.granted(true).size());
    }

    @Test
    void anExecdNonRootUserGetsAtMostTheNonRootListAndRootTheContainers() {
        List<String> alice = rule.forUser(true, false);
        assertTrue(CapabilitiesRule.NON_ROOT_MAX.containsAll(alice));
        assertTrue(alice.contains("CAP_SYS_ADMIN"));
        assertFalse(alice.contains("CAP_SYS_TIME"));
        assertEquals(rule.granted(true), rule.forUser(true, true));
        assertEquals(CapabilitiesRule.UNPRIVILEGED, rule.forUser(false, false));
    }
}
