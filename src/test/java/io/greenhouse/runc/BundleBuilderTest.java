package io.greenhouse.runc;

import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.ContainerPlan;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ResourceLimits;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OCI config runC gets for a container plan. */
class BundleBuilderTest {
    private static final Path ROOTFS = Path.of("/depot/h1/rootfs");
    private final BundleBuilder builder = new BundleBuilder(Path.of("/helpers/greenhouse-init"), "cells");

    private static ContainerPlan plan(List<String> env, List<BindMount> mounts, ResourceLimits limits, boolean privileged) {
        return new ContainerPlan("h1", "h1", Path.of("/depot/h1"), ROOTFS, env, mounts, limits, privileged);
    }

    private JsonObject config(ContainerPlan plan) {
        return builder.config(plan);
    }

    private JsonObject unprivileged() {
        return config(plan(List.of(), List.of(), ResourceLimits.NONE, false));
    }

    private static List<String> strings(JsonObject o, String key) {
        return o.getJsonArray(key).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    private static Optional<JsonObject> mountAt(JsonObject config, String destination) {
        return config.getJsonArray("mounts").stream().map(JsonValue::asJsonObject)
                .filter(m -> m.getString("destination").equals(destination)).findFirst();
    }

    @Test
    void initRunsAsRootFromTheReadOnlyBindMountedHelper() {
        JsonObject c = unprivileged();
        assertEquals(List.of(BundleBuilder.INIT_PATH), strings(c.getJsonObject("process"), "args"));
        assertEquals(0, c.getJsonObject("process").getJsonObject("user").getInt("uid"));
        JsonObject init = mountAt(c, BundleBuilder.INIT_PATH).orElseThrow();
        assertEquals("/helpers/greenhouse-init", init.getString("source"));
        assertEquals(List.of("bind", "ro"), strings(init, "options"));
        assertEquals(ROOTFS.toString(), c.getJsonObject("root").getString("path"));
        assertEquals("h1", c.getString("hostname"));
    }

    @Test
    void everyContainerGetsItsOwnPidNetworkIpcUtsAndMountNamespaces() {
        List<String> types = unprivileged().getJsonObject("linux").getJsonArray("namespaces").stream()
                .map(n -> n.asJsonObject().getString("type")).sorted().toList();
        assertEquals(List.of("ipc", "mount", "network", "pid", "uts"), types);
    }

    @Test
    void standardMountsArePresentAndSysIsReadOnlyEvenWhenPrivileged() {
        JsonObject c = unprivileged();
        for (String d : List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys")) {
            assertTrue(mountAt(c, d).isPresent(), d);
        }
        assertTrue(strings(mountAt(c, "/sys").orElseThrow(), "options").contains("ro"));
        JsonObject p = config(plan(List.of(), List.of(), ResourceLimits.NONE, true));
        assertTrue(strings(mountAt(p, "/sys").orElseThrow(), "options").contains("ro"));
    }

    @Test
    void unprivilegedContainersGetGuardiansCapabilitiesAndMaskedPaths() {
        JsonObject c = unprivileged();
        JsonObject caps = c.getJsonObject("process").getJsonObject("capabilities");
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            assertEquals(BundleBuilder.UNPRIVILEGED_CAPS, strings(caps, set), set);
        }
        assertFalse(strings(caps, "bounding").contains("CAP_SYS_ADMIN"));
        assertEquals(BundleBuilder.MASKED_PATHS, strings(c.getJsonObject("linux"), "maskedPaths"));
        assertEquals(BundleBuilder.READONLY_PATHS, strings(c.getJsonObject("linux"), "readonlyPaths"));
    }

    @Test
    void privilegedContainersGetTheFullCapabilitySetAndNoMaskedPaths() {
        JsonObject c = config(plan(List.of(), List.of(), ResourceLimits.NONE, true));
        assertTrue(strings(c.getJsonObject("process").getJsonObject("capabilities"), "bounding").contains("CAP_SYS_ADMIN"));
        assertFalse(c.getJsonObject("linux").containsKey("maskedPaths"));
    }

    @Test
    void rootPathIsAddedOnlyWhenNoPathIsGiven() {
        assertEquals(List.of("A=1", BundleBuilder.ROOT_PATH),
                strings(config(plan(List.of("A=1"), List.of(), ResourceLimits.NONE, false)).getJsonObject("process"), "env"));
        assertEquals(List.of("PATH=/mine"),
                strings(config(plan(List.of("PATH=/mine"), List.of(), ResourceLimits.NONE, false)).getJsonObject("process"), "env"));
    }

    @Test
    void bindMountsFromHostAndContainerKeepTheirModeAndStayInsideTheRootfs() {
        JsonObject c = config(plan(List.of(), List.of(
                new BindMount("/host/data", "/data", true, false),
                new BindMount("/etc/conf", "/conf", false, true)), ResourceLimits.NONE, false));
        JsonObject host = mountAt(c, "/data").orElseThrow();
        assertEquals("/host/data", host.getString("source"));
        assertEquals(List.of("bind", "rw", "rprivate"), strings(host, "options"));
        JsonObject fromContainer = mountAt(c, "/conf").orElseThrow();
        assertEquals(ROOTFS.resolve("etc/conf").toString(), fromContainer.getString("source"));
        assertEquals(List.of("bind", "ro", "rprivate"), strings(fromContainer, "options"));
    }

    @Test
    void bindMountsThatEscapeTheContainerOrAreRelativeAreRefused() {
        for (BindMount bad : List.of(
                new BindMount("/../../etc", "/x", false, true),
                new BindMount("relative", "/x", false, false),
                new BindMount("/ok", "relative", false, false),
                new BindMount(null, "/x", false, false))) {
            assertThrows(GardenException.class,
                    () -> config(plan(List.of(), List.of(bad), ResourceLimits.NONE, false)), bad.toString());
        }
    }

    @Test
    void limitsBecomeCgroupResourcesAndUnsetLimitsAreLeftOut() {
        JsonObject r = config(plan(List.of(), List.of(),
                new ResourceLimits(64L << 20, 0, 512, 50, null, 0, 0), false)).getJsonObject("linux").getJsonObject("resources");
        assertEquals(64L << 20, r.getJsonObject("memory").getJsonNumber("limit").longValue());
        assertEquals(64L << 20, r.getJsonObject("memory").getJsonNumber("swap").longValue(), "no swap beyond the limit");
        assertEquals(512, r.getJsonObject("cpu").getInt("shares"));
        assertEquals(50, r.getJsonObject("pids").getInt("limit"));
        JsonObject deny = r.getJsonArray("devices").getJsonObject(0);
        assertFalse(deny.getBoolean("allow"));

        JsonObject none = unprivileged().getJsonObject("linux").getJsonObject("resources");
        assertFalse(none.containsKey("memory") || none.containsKey("cpu") || none.containsKey("pids"));
    }

    @Test
    void cgroupsPathIsAbsoluteUnderTheParentSoRuncPlacesItAlikeOnV1AndV2() {
        String path = unprivileged().getJsonObject("linux").getString("cgroupsPath");
        assertEquals("/cells/h1", path);
        // "slice:prefix:name" would be read as a systemd unit by runC's systemd driver.
        assertFalse(path.contains(":"));
    }

    /**
     * cgroup v2 has no cpu.shares: runC writes cpu.weight = 1 + (shares - 2) * 9999 / 262142, and
     * the kernel refuses weights outside 1..10000 (v1 merely clamps shares), so the shares written
     * must stay within 2..262144 for the same spec to start on both.
     */
    @Test
    void cpuSharesStayInTheRangeRuncCanTurnIntoAValidCgroupV2Weight() {
        for (long requested : List.of(1L, 2L, 512L, 1024L, 10_000L, 262_144L, 1_000_000L)) {
            JsonObject r = config(plan(List.of(), List.of(),
                    new ResourceLimits(0, requested, 0, 0, null, 0, 0), false)).getJsonObject("linux").getJsonObject("resources");
            long shares = r.getJsonObject("cpu").getJsonNumber("shares").longValue();
            long v2Weight = 1 + ((shares - 2) * 9999) / 262142;
            assertTrue(v2Weight >= 1 && v2Weight <= 10_000, requested + " -> shares " + shares + " -> weight " + v2Weight);
        }
        assertEquals(2, BundleBuilder.cpuShares(1));
        assertEquals(262_144, BundleBuilder.cpuShares(1_000_000));
        assertEquals(1024, BundleBuilder.cpuShares(1024));
    }

    @Test
    void memorySwapEqualsTheLimitWhichRuncTurnsIntoAZeroV2SwapMax() {
        JsonObject memory = config(plan(List.of(), List.of(),
                new ResourceLimits(128L << 20, 0, 0, 0, null, 0, 0), false))
                .getJsonObject("linux").getJsonObject("resources").getJsonObject("memory");
        long limit = memory.getJsonNumber("limit").longValue();
        long swap = memory.getJsonNumber("swap").longValue();
        // v2 memory.swap.max = swap - limit: 0, which runC may write even on hosts without swap.
        assertEquals(0, swap - limit);
    }

    @Test
    void aPeaJoinsTheContainersNamespacesByPathKeepsItsOwnMountsAndSetsNoHostname() {
        ContainerPlan pea = new ContainerPlan("pea-1", "", Path.of("/depot/h1/processes/p"),
                Path.of("/depot/h1/processes/p/rootfs"), List.of(), List.of(), ResourceLimits.NONE, false);
        JsonObject process = jakarta.json.Json.createObjectBuilder().add("args",
                jakarta.json.Json.createArrayBuilder().add("sh")).build();
        JsonObject c = builder.peaConfig(pea, process, 4242, "/cells/h1/pea-1");
        assertFalse(c.containsKey("hostname"));
        assertEquals(process, c.getJsonObject("process"));
        assertEquals("/depot/h1/processes/p/rootfs", c.getJsonObject("root").getString("path"));
        JsonObject linux = c.getJsonObject("linux");
        assertEquals("/cells/h1/pea-1", linux.getString("cgroupsPath"));
        List<String> namespaces = linux.getJsonArray("namespaces").stream().map(JsonValue::asJsonObject)
                .map(n -> n.getString("type") + "=" + n.getString("path", "")).toList();
        assertEquals(List.of("mount=", "network=/proc/4242/ns/net", "ipc=/proc/4242/ns/ipc",
                "uts=/proc/4242/ns/uts", "pid=/proc/4242/ns/pid"), namespaces);
        assertTrue(mountAt(c, "/proc").isPresent());
    }

    @Test
    void aPeaOfAContainerThatIsNotRunningIsRefused() {
        ContainerPlan pea = new ContainerPlan("pea-1", "", Path.of("/p"), Path.of("/p/rootfs"), List.of(), List.of(),
                ResourceLimits.NONE, false);
        assertThrows(GardenException.class,
                () -> builder.peaConfig(pea, jakarta.json.Json.createObjectBuilder().build(), 0, "/cells/pea-1"));
    }
}
