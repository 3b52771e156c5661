package io.greenhouse.oci;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class MaskedPathsRuleTest {
    @Test
    void unprivilegedContainersAndPeasGetMaskedAndReadOnlyPaths() {
        for (BundleInput input : new BundleInput[] {Plans.container(false), Plans.pea(1, false)}) {
            Linux linux = new MaskedPathsRule().apply(Spec.base(), input).linux();
            assertEquals(MaskedPathsRule.MASKED, linux.maskedPaths());
            assertEquals(MaskedPathsRule.READONLY, linux.readonlyPaths());
        }
    }

    @Test
    void privilegedContainersGetNone() {
        Spec spec = new MaskedPathsRule().apply(Spec.base(), Plans.container(true));
        assertNull(spec.linux().maskedPaths());
        assertFalse(Plans.json(spec).getJsonObject("linux").containsKey("maskedPaths"));
        assertFalse(Plans.json(spec).getJsonObject("linux").containsKey("readonlyPaths"));
    }
}
