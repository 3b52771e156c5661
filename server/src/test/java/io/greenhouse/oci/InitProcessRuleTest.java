package io.greenhouse.oci;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class InitProcessRuleTest {
    @Test
    void initIsTheHelperRunAsRootInTheRootDirectoryWithoutATerminal() {
        Process p = new InitProcessRule().apply(Spec.base(), Plans.container()).process();
        assertEquals(List.of(InitProcessRule.INIT_PATH), p.args());
        assertEquals(new Process.User(0, 0, null, null), p.user());
        assertEquals("/", p.cwd());
        assertFalse(p.terminal());
        assertNull(p.consoleSize());
        assertFalse(p.noNewPrivileges());
    }

    @Test
    void itLeavesEnvAndCapabilitiesToTheirRules() {
        Spec before = new EnvRule().apply(Spec.base(), Plans.container());
        Process p = new InitProcessRule().apply(before, Plans.container()).process();
        assertEquals(before.process().env(), p.env());
    }
}
