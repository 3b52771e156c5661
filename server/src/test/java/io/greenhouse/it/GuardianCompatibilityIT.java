package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behaviour where Guardian's answers are what the Go client and its users rely on, found by running
 * the Garden integration suite and the Go client against the cell.
 */
class GuardianCompatibilityIT extends CellTestSupport {

    @Test
    void removingAPropertyThatIsNotThereSucceeds() {
        String h = cell.client.create("compat-props");
        HttpResponse<String> r = cell.client.raw("DELETE", "/containers/" + h + "/properties/never-set", null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{}", r.body().strip());
    }

    @Test
    void readingAMissingPropertyIsAnErrorNamingIt() {
        String h = cell.client.create("compat-prop-missing");
        GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.property(h, "absent"));
        assertEquals(500, e.status());
        assertEquals("property does not exist: absent", e.getMessage());
    }

    @Test
    void aCpuWeightReadsBackAsTheSharesTheCgroupWasGiven() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "compat-cpu")
                .add("limits", Json.createObjectBuilder()
                        .add("cpu_limits", Json.createObjectBuilder().add("weight", 1028)))
                .build());
        JsonObject cpu = cell.client.limits(h, "cpu");
        assertEquals(1028, cpu.getJsonNumber("limit_in_shares").longValue(), cpu.toString());
        assertTrue(!cpu.containsKey("weight") || cpu.getJsonNumber("weight").longValue() == 0, cpu.toString());
        // cgroup v1 here: the shares really are on the container's cgroup
        Path shares = Path.of("/sys/fs/cgroup/cpu", cell.cgroupParent, h, "cpu.shares");
        if (Files.exists(shares)) {
            assertEquals("1028", TestCell.run("cat", shares.toString()).strip());
        }
    }

    @Test
    void handlesOutsideRuncsIdAlphabetAreRefusedBeforeAnythingIsMade() {
        for (String handle : List.of("colon:handle", "at@handle", "equals=handle", "comma,handle")) {
            GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.create(handle));
            assertEquals(500, e.status(), handle);
            assertTrue(e.getMessage().contains("may only contain"), e.getMessage());
            assertFalse(Files.exists(cell.depot.resolve(handle)), handle);
        }
        assertEquals(List.of(), cell.client.list(Map.of()));
    }

    @Test
    void handlesWithEveryCharacterRuncAcceptsWork() {
        String h = cell.client.create("Odd_handle-1.2+3");
        assertEquals("active", cell.client.info(h).getString("State"));
        assertTrue(cell.client.list(Map.of()).contains(h));
        assertTrue(cell.client.bulkInfo(List.of(h)).containsKey(h));
        cell.client.destroy(h);
        assertEquals(List.of(), cell.client.list(Map.of()));
    }

    /** Guardian's privileged set is capabilities 0 to 37 (CAP_CHOWN to CAP_AUDIT_READ). */
    @Test
    void privilegedContainersGetGuardiansFullSetLessWhatTheServerLacks() throws Exception {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "compat-privileged")
                .add("privileged", true).build());
        assertEquals("active", cell.client.info(h).getString("State"));
        String inside = TestCell.run(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "exec", h,
                "grep", "CapBnd", "/proc/1/status");
        String host = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapBnd")).findFirst().orElseThrow();
        long hostMask = Long.parseUnsignedLong(host.split("\\s+")[1], 16);
        long containerMask = Long.parseUnsignedLong(inside.strip().split("\\s+")[1], 16);
        assertEquals(Long.toHexString(hostMask & ((1L << 38) - 1)), Long.toHexString(containerMask), inside);
    }

    /** Guardian mounts /sys read-only even in privileged containers; /proc stays writable there. */
    @Test
    void sysIsReadOnlyInPrivilegedContainersToo() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "compat-sys-ro")
                .add("privileged", true).build());
        String mounts = TestCell.run(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "exec", h, "cat", "/proc/mounts");
        assertTrue(mounts.contains("sysfs /sys sysfs ro"), mounts);
        assertTrue(mounts.contains("proc /proc proc rw"), mounts);
    }

    /** Guardian's /dev/shm is a tmpfs named tmpfs; its /proc/mounts line is what GATS looks for. */
    @Test
    void devShmIsATmpfsMountedLikeGuardians() {
        String h = cell.client.create("compat-shm");
        String mounts = TestCell.run(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "exec", h, "cat", "/proc/mounts");
        assertTrue(mounts.contains("tmpfs /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime"), mounts);
    }

    /** Guardian's debug variables: Go runtime memory statistics, here the JVM's under the same names. */
    @Test
    void debugVarsReportTheServersMemoryUnderGoNames() {
        HttpResponse<String> r = cell.client.raw("GET", "/debug/vars", null);
        assertEquals(200, r.statusCode(), r.body());
        JsonObject memstats = Json.createReader(new java.io.StringReader(r.body())).readObject().getJsonObject("memstats");
        assertTrue(memstats.getJsonNumber("Alloc").longValue() > 0, r.body());
        assertTrue(memstats.getJsonNumber("Sys").longValue() >= memstats.getJsonNumber("HeapSys").longValue(), r.body());
    }
}
