package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Black-box tests of the MicroProfile Health and Metrics endpoints of the test cell. */
class HealthAndMetricsIT extends CellTestSupport {

    @Test
    void readinessReportsReloadRuntimeDepotAndRootfsUpWithTheirData() {
        JsonObject health = health("/health/ready", 200);
        assertEquals("UP", health.getString("status"));
        Map<String, JsonObject> checks = checks(health);
        assertEquals(List.of("checkpoint", "container-capacity", "containers-reloaded", "default-rootfs",
                        "depot-writable", "disk-store", "runtime-binary"),
                checks.keySet().stream().sorted().toList());
        checks.values().forEach(c -> assertEquals("UP", c.getString("status"), c.toString()));
        assertEquals(0, data(checks, "containers-reloaded").getInt("containers"));
        assertTrue(data(checks, "runtime-binary").getString("version").contains("version"),
                data(checks, "runtime-binary").toString());
        assertEquals(cell.depot.toString(), data(checks, "depot-writable").getString("depot"));
        assertTrue(data(checks, "depot-writable").getJsonNumber("usableBytes").longValue() > 0);
        assertEquals("/var/lib/greenhouse/rootfs/busybox", data(checks, "default-rootfs").getString("path"));
    }

    @Test
    void readinessCountsTheContainersTheCellHolds() {
        cell.client.create("health-counted");
        JsonObject data = data(checks(health("/health/ready", 200)), "containers-reloaded");
        assertEquals(1, data.getInt("containers"));
    }

    @Test
    void livenessReportsTheReaperBeatAndHeap() {
        // The reaper's first round is a second after start: wait for it, not a fixed time.
        assertTrue(TestCell.eventually(java.time.Duration.ofSeconds(60), () -> data(checks(health("/health/live", 200)),
                "grace-time-reaper").getJsonNumber("lastRoundMillisAgo").longValue() >= 0));
        JsonObject health = health("/health/live", 200);
        assertEquals("UP", health.getString("status"));
        JsonObject reaper = data(checks(health), "grace-time-reaper");
        assertTrue(reaper.getJsonNumber("lastRoundMillisAgo").longValue() >= 0, reaper.toString());
        assertTrue(reaper.getJsonNumber("heapMaxBytes").longValue() > 0);
    }

    @Test
    void healthListsLivenessAndReadinessTogether() {
        assertEquals(8, checks(health("/health", 200)).size());
    }

    @Test
    void metricsCountCreatesFailedCreatesAndDestroysAndGaugeTheCell() {
        Map<String, Double> before = metrics();
        cell.client.create("metrics-1");
        cell.client.create("metrics-2");
        cell.client.destroy("metrics-2");
        // Failures last, then only GETs: Liberty closes the connection after a 500 (and the
        // Connection header is stripped), so only requests the JDK client retries may follow.
        assertThrows(GardenClientException.class, () -> cell.client.create("metrics-1"));
        assertThrows(GardenClientException.class, () -> cell.client.create("bad/handle"));
        Map<String, Double> after = metrics();

        assertEquals(2.0, delta(before, after, "greenhouse_container_creates_total"));
        assertEquals(2.0, delta(before, after, "greenhouse_container_create_failures_total"));
        assertEquals(1.0, delta(before, after, "greenhouse_container_destroys_total"));
        assertEquals(4.0, delta(before, after, "greenhouse_container_create_time_seconds_count"));
        assertEquals(1.0, delta(before, after, "greenhouse_container_destroy_time_seconds_count"));
        assertTrue(after.get("greenhouse_container_create_time_seconds_sum") > 0);
        assertEquals(1.0, after.get("greenhouse_containers"));
        assertEquals(cell.client.capacity().getInt("max_containers"), after.get("greenhouse_containers_max"));
        assertEquals((double) cell.client.capacity().getJsonNumber("memory_in_bytes").longValue(),
                after.get("greenhouse_capacity_memory_bytes"));
        assertTrue(after.get("greenhouse_capacity_disk_bytes") > 1 << 30);
    }

    private JsonObject health(String path, int expectedStatus) {
        HttpResponse<String> r = cell.client.raw("GET", path, null);
        assertEquals(expectedStatus, r.statusCode(), r.body());
        return Json.createReader(new StringReader(r.body())).readObject();
    }

    private static Map<String, JsonObject> checks(JsonObject health) {
        return health.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .collect(Collectors.toMap(c -> c.getString("name"), c -> c));
    }

    private static JsonObject data(Map<String, JsonObject> checks, String name) {
        return checks.get(name).getJsonObject("data");
    }

    /** The application's metrics in Prometheus text: metric name (labels dropped) to value. */
    private Map<String, Double> metrics() {
        HttpResponse<String> r = cell.client.raw("GET", "/metrics?scope=application", null);
        assertEquals(200, r.statusCode(), r.body());
        return r.body().lines()
                .filter(l -> l.startsWith("greenhouse_"))
                .collect(Collectors.toMap(
                        l -> l.replaceAll("[{ ].*", ""),
                        l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)),
                        (a, b) -> a));
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
        assertTrue(before.containsKey(name) && after.containsKey(name), name + " in " + after.keySet());
        return after.get(name) - before.get(name);
    }
}
