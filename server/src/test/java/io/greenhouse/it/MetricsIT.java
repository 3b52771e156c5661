package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Container metrics as the Go client reads them (garden.Metrics field names), measured from real
 * runC containers: work is done inside them with runc exec and must show up in the numbers.
 */
class MetricsIT extends CellTestSupport {

    private String exec(String handle, String... command) {
        List<String> full = new java.util.ArrayList<>(List.of(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "exec", handle));
        full.addAll(List.of(command));
        return TestCell.run(full.toArray(String[]::new));
    }

    private static long number(JsonObject o, String stat, String field) {
        return o.getJsonObject(stat).getJsonNumber(field).longValueExact();
    }

    @Test
    void diskMetricsCountWhatTheContainerWritesOnTopOfItsImage() {
        String h = cell.client.create("metrics-disk");
        JsonObject before = cell.client.metrics(h);
        long exclusiveBefore = number(before, "DiskStat", "ExclusiveBytesUsed");
        long totalBefore = number(before, "DiskStat", "TotalBytesUsed");
        assertTrue(totalBefore > exclusiveBefore, "the image counts towards the total: " + before);

        exec(h, "dd", "if=/dev/zero", "of=/home/three-mib", "bs=1M", "count=3");

        // On a btrfs quota store the kernel's accounting catches up at its next commit (a metrics
        // read commits at most every 0.5 s), and a write may add a metadata block or two of its own.
        long threeMib = 3 * 1024 * 1024;
        assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> {
            long grown = number(cell.client.metrics(h), "DiskStat", "ExclusiveBytesUsed") - exclusiveBefore;
            return grown >= threeMib && grown <= threeMib + 256 * 1024;
        }), "3 MiB more in the writable layer: " + cell.client.metrics(h));
        JsonObject after = cell.client.metrics(h);
        assertEquals(number(after, "DiskStat", "ExclusiveBytesUsed") - exclusiveBefore,
                number(after, "DiskStat", "TotalBytesUsed") - totalBefore, "the total grows as the layer does");
        long inodesBefore = number(before, "DiskStat", "ExclusiveInodesUsed");
        if (inodesBefore > 0) { // btrfs counts no inodes (README, Disk limits): 0 before and after
            assertTrue(number(after, "DiskStat", "ExclusiveInodesUsed") > inodesBefore, after.toString());
        }
    }

    @Test
    void cgroupMetricsReportCpuMemoryAndPidsOfTheContainer() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "metrics-cgroup")
                .add("limits", Json.createObjectBuilder()
                        .add("pid_limits", Json.createObjectBuilder().add("max", 128)))
                .build());
        long cpuBefore = number(cell.client.metrics(h), "CPUStat", "Usage");
        // burn some CPU inside the container and leave a process running in it
        exec(h, "sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done");
        TestCell.run(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "exec", "-d", h,
                "sh", "-c", "exec sleep 60 </dev/null >/dev/null 2>&1");

        JsonObject m = cell.client.metrics(h);
        assertTrue(number(m, "CPUStat", "Usage") > cpuBefore + 10_000_000L, "CPU usage grows: " + m);
        assertTrue(number(m, "CPUStat", "User") + number(m, "CPUStat", "System") > 0, m.toString());
        assertTrue(number(m, "MemoryStat", "TotalUsageTowardLimit") > 0, m.toString());
        assertTrue(m.getJsonObject("MemoryStat").containsKey("total_rss")
                || m.getJsonObject("MemoryStat").containsKey("anon"), m.toString());
        assertEquals(2, number(m, "PidStat", "Current"), "init and sleep: " + m);
        assertEquals(128, number(m, "PidStat", "Max"));
    }

    @Test
    void unlimitedPidsAreReportedAsZeroMax() {
        String h = cell.client.create("metrics-nopidlimit");
        assertEquals(0, number(cell.client.metrics(h), "PidStat", "Max"));
    }

    @Test
    void ageIsNanosecondsSinceCreationAndEntitlementGrowsWithIt() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "metrics-age")
                .add("limits", Json.createObjectBuilder()
                        .add("cpu_limits", Json.createObjectBuilder().add("limit_in_shares", 512)))
                .build());
        JsonObject first = cell.client.metrics(h);
        long age1 = first.getJsonNumber("Age").longValueExact();
        // Ask again until the container is a second older, however long that takes.
        JsonObject[] later = new JsonObject[1];
        assertTrue(TestCell.eventually(Duration.ofSeconds(60), () -> {
            later[0] = cell.client.metrics(h);
            return later[0].getJsonNumber("Age").longValueExact() - age1 >= Duration.ofSeconds(1).toNanos();
        }));
        JsonObject second = later[0];
        long age2 = second.getJsonNumber("Age").longValueExact();
        // Nanoseconds, not milliseconds or seconds: a container made moments ago is far below an hour.
        assertTrue(age1 > 0 && age1 < Duration.ofHours(1).toNanos(), "age in ns: " + age1);
        long e1 = first.getJsonNumber("CPUEntitlement").longValueExact();
        long e2 = second.getJsonNumber("CPUEntitlement").longValueExact();
        assertTrue(e2 > e1 && e1 > 0, e1 + " then " + e2);
        // entitlement is proportional to age: the ratio is the same at both moments
        assertEquals((double) e1 / age1, (double) e2 / age2, 1e-6 * e2 / age2 + 1e-9);
    }

    @Test
    void bulkMetricsAnswerEachHandleWithMetricsOrItsError() {
        String h = cell.client.create("metrics-bulk");
        JsonObject bulk = cell.client.bulkMetrics(List.of(h, "metrics-missing"));
        assertTrue(bulk.getJsonObject(h).getJsonObject("Metrics").getJsonNumber("Age").longValue() > 0);
        assertFalse(bulk.getJsonObject(h).containsKey("Err") && !bulk.getJsonObject(h).isNull("Err"));
        JsonObject err = bulk.getJsonObject("metrics-missing").getJsonObject("Err");
        assertEquals("ContainerNotFoundError", err.getString("Type"));
        assertEquals("metrics-missing", err.getString("Handle"));
    }

    @Test
    void metricsOfAnUnknownContainerAreContainerNotFound() {
        HttpResponse<String> r = cell.client.raw("GET", "/containers/metrics-nobody/metrics", null);
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("\"Type\":\"ContainerNotFoundError\""), r.body());
        assertThrows(GardenClientException.class, () -> cell.client.metrics("metrics-nobody"));
    }
}
