package io.greenhouse.testsupport;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** While tests run as root, forwarded traffic out of the default-route interface is dropped. */
class EgressGuardTest {
    @Test
    void theGuardIsInstalledForTheWholeRun() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")));
        String device = EgressGuard.defaultRouteDevice();
        Assumptions.assumeTrue(device != null);
        String rules = HostTraces.run("iptables", "-w", "-t", "mangle", "-S", "FORWARD");
        assertTrue(rules.lines().anyMatch(l -> l.contains("-o " + device + " ") && l.contains(EgressGuard.TAG
                + ProcessHandle.current().pid()) && l.endsWith("-j DROP")), rules);
    }
}
