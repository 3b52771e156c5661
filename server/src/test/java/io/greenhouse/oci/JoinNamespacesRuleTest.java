package io.greenhouse.oci;

import io.greenhouse.backend.GardenException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JoinNamespacesRuleTest {
    @Test
    void aPeaJoinsItsContainersNamespacesByPathAndKeepsItsOwnMountNamespace() {
        List<String> namespaces = new JoinNamespacesRule().apply(Spec.base(), Plans.pea(4242, false)).linux()
                .namespaces().stream().map(n -> n.type() + "=" + (n.path() == null ? "" : n.path())).toList();
        assertEquals(List.of("mount=", "network=/proc/4242/ns/net", "ipc=/proc/4242/ns/ipc",
                "uts=/proc/4242/ns/uts", "pid=/proc/4242/ns/pid"), namespaces);
    }

    @Test
    void aPeaOfAContainerThatIsNotRunningIsRefused() {
        assertThrows(GardenException.class, () -> Plans.pea(0, false));
    }

    @Test
    void inAContainersBundleTheRuleIsAMistake() {
        assertThrows(IllegalStateException.class, () -> new JoinNamespacesRule().apply(Spec.base(), Plans.container()));
    }
}
