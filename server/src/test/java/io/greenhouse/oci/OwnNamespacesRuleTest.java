package io.greenhouse.oci;

import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class OwnNamespacesRuleTest {
    @Test
    void everyContainerGetsItsOwnPidNetworkIpcUtsAndMountNamespaces() {
        Spec spec = new OwnNamespacesRule().apply(Spec.base(), Plans.container());
        assertEquals(List.of("pid", "network", "ipc", "uts", "mount"),
                spec.linux().namespaces().stream().map(Linux.Namespace::type).toList());
        // No path: runC makes each namespace new rather than joining one.
        for (JsonValue ns : Plans.json(spec).getJsonObject("linux").getJsonArray("namespaces")) {
            assertFalse(ns.asJsonObject().containsKey("path"), ns.toString());
        }
    }
}
