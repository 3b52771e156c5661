package io.greenhouse.oci;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HostnameRuleTest {
    @Test
    void theHostnameIsThePlans() {
        assertEquals("h1", new HostnameRule().apply(Spec.base(), Plans.container()).hostname());
    }

    @Test
    void withoutTheRuleThereIsNoHostnameInTheJson() {
        assertFalse(Plans.json(Spec.base()).containsKey("hostname"));
    }
}
