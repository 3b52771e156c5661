package io.greenhouse.oci;

import io.greenhouse.backend.ResourceLimits;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EnvRuleTest {
    private static List<String> env(List<String> planEnv) {
        return new EnvRule().apply(Spec.base(),
                BundleInput.container(Plans.plan(planEnv, List.of(), ResourceLimits.NONE, false))).process().env();
    }

    @Test
    void rootPathIsAddedOnlyWhenNoPathIsGiven() {
        assertEquals(List.of("A=1", EnvRule.ROOT_PATH), env(List.of("A=1")));
        assertEquals(List.of("PATH=/mine"), env(List.of("PATH=/mine")));
        assertEquals(List.of(EnvRule.ROOT_PATH), env(List.of()));
    }

    @Test
    void aVariableThatMerelyStartsWithPathIsNoPath() {
        assertEquals(List.of("PATHEXT=x", EnvRule.USER_PATH),
                EnvRule.withDefaultPath(List.of("PATHEXT=x"), EnvRule.USER_PATH));
    }
}
