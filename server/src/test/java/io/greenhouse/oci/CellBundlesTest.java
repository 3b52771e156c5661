package io.greenhouse.oci;

import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.ContainerPlan;
import io.greenhouse.backend.ResourceLimits;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The folds make the config.json the cell wrote before its bundle was typed: the golden files
 * are what the untyped BundleBuilder produced for these plans (on a host lacking no capability),
 * compared as parsed JSON (key order aside; arrays, numbers and strings exactly).
 */
class CellBundlesTest {
    private final CellBundles v1 = new CellBundles(Plans.settings(false));
    private final CellBundles v2 = new CellBundles(Plans.settings(true));

    static JsonObject golden(String name) {
        try (InputStream in = CellBundlesTest.class.getResourceAsStream("golden/" + name)) {
            return Json.createReader(in).readObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anUnprivilegedContainerWithLimitsAndBindMountsOnCgroupV1() {
        ContainerPlan plan = new ContainerPlan("h1", "h1", Path.of("/depot/h1"), Path.of("/depot/h1/rootfs"),
                List.of("A=1"),
                List.of(new BindMount("/host/data", "/data", true, false), new BindMount("/etc/conf", "/conf", false, true)),
                new ResourceLimits(64L << 20, 0, 512, 50, null, 0, 0), false);
        assertEquals(golden("container-unprivileged-v1.json"), Plans.json(v1.container().build(BundleInput.container(plan))));
    }

    @Test
    void aPrivilegedContainerWithItsOwnPathAndACpuWeightOnCgroupV2() {
        ContainerPlan plan = new ContainerPlan("h2", "web", Path.of("/depot/h2"), Path.of("/depot/h2/rootfs"),
                List.of("PATH=/mine", "B=2"), List.of(), new ResourceLimits(128L << 20, 1028, 0, 0, null, 0, 0), true);
        assertEquals(golden("container-privileged-v2.json"), Plans.json(v2.container().build(BundleInput.container(plan))));
    }

    @Test
    void aContainerWithoutLimitsOnCgroupV2() {
        ContainerPlan plan = new ContainerPlan("h3", "h3", Path.of("/depot/h3"), Path.of("/depot/h3/rootfs"),
                List.of(), List.of(), ResourceLimits.NONE, false);
        assertEquals(golden("container-no-limits-v2.json"), Plans.json(v2.container().build(BundleInput.container(plan))));
    }

    @Test
    void aPeaSharingItsContainersCgroup() {
        ContainerPlan plan = new ContainerPlan("pea-1", "", Path.of("/depot/h1/processes/p"),
                Path.of("/depot/h1/processes/p/rootfs"), List.of("X=1"),
                List.of(new BindMount("/host/cache", "/cache", false, false)), ResourceLimits.NONE, false);
        // The pea's process, as the old OciProcess built it (root, a terminal, an rlimit).
        Process process = new Process(true, new Process.ConsoleSize(24, 80), new Process.User(0, 0, null, List.of()),
                List.of("/bin/sh", "-c", "echo hi"),
                List.of("X=1", "Y=2", EnvRule.ROOT_PATH, "USER=root", "HOME=/root"), "/",
                threeSets(CapabilitiesRule.UNPRIVILEGED), List.of(Process.Rlimit.of("RLIMIT_NOFILE", -1)), false);
        Spec spec = v1.pea().build(BundleInput.pea(plan, new BundleInput.Pea("h1", 4242, process, false)));
        assertEquals(golden("pea-shared-v1.json"), Plans.json(spec));
    }

    @Test
    void aPrivilegedPeaWithLimitsOfItsOwnOnCgroupV2() {
        ResourceLimits limits = new ResourceLimits(32L << 20, 512, 0, 0, null, 0, 0);
        ContainerPlan plan = new ContainerPlan("pea-2", "", Path.of("/depot/h2/processes/q"),
                Path.of("/depot/h2/processes/q/rootfs"), List.of(), List.of(), limits, true);
        JsonObject expected = golden("pea-own-limits-v2.json");
        // The process is the golden's own: this test is about the bundle around it.
        Process process = new Process(false, null, new Process.User(1000, 1000, null, List.of(50L, 60L)),
                List.of("/bin/server"), List.of(EnvRule.USER_PATH, "USER=alice", "HOME=/home/alice"), "/work",
                threeSets(new CapabilitiesRule(Plans.ALL_CAPS).forUser(true, false)), List.of(), false);
        Spec spec = v2.pea().build(BundleInput.pea(plan, new BundleInput.Pea("h2", 777, process, true)));
        assertEquals(expected, Plans.json(spec));
        assertFalse(Plans.json(spec).containsKey("hostname"));
    }

    private static Process.CapabilitySets threeSets(List<String> caps) {
        return new Process.CapabilitySets(caps, null, caps, caps, null);
    }
}
