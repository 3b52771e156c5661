package io.greenhouse.oci;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RootfsRuleTest {
    @Test
    void theRootIsThePlansMountedRootfsAndWritable() {
        Spec spec = new RootfsRule().apply(Spec.base(), Plans.container());
        assertEquals(new Root(Plans.ROOTFS.toString(), false), spec.root());
    }
}
