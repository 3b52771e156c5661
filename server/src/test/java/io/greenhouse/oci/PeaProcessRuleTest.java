package io.greenhouse.oci;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PeaProcessRuleTest {
    @Test
    void aPeasInitIsItsOwnProcess() {
        BundleInput pea = Plans.pea(4242, false);
        assertEquals(pea.pea().process(), new PeaProcessRule().apply(Spec.base(), pea).process());
    }

    @Test
    void inAContainersBundleTheRuleIsAMistake() {
        assertThrows(IllegalStateException.class, () -> new PeaProcessRule().apply(Spec.base(), Plans.container()));
    }
}
