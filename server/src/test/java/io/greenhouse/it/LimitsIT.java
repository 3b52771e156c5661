package io.greenhouse.it;

import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Limits the kernel enforces on real containers and processes: memory (OOM events) and rlimits. */
class LimitsIT extends CellTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static List<String> events(JsonObject info) {
        return info.getJsonArray("Events").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int run(String handle, JsonObject spec, ProcessStreams io) {
        GardenProcess p = cell.client.run(handle, spec, io);
        return p.await(WAIT);
    }

    @Test
    void aProcessAllocatingPastTheMemoryLimitIsKilledAndInfoReportsOutOfMemory() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "limits-oom")
                .add("limits", Json.createObjectBuilder()
                        .add("memory_limits", Json.createObjectBuilder().add("limit_in_bytes", 32L << 20)))
                .build());
        assertEquals(List.of(), events(cell.client.info(h)), "no event before any OOM");

        ProcessStreams io = ProcessStreams.collecting();
        // The shell doubles a string until it no longer fits in 32 MiB (swap is the limit: none).
        int status = run(h, ProcessIT.sh("x=a; while true; do x=$x$x; done").build(), io);

        assertNotEquals(0, status, () -> "stderr: " + io.stderrText());
        assertEquals(137, status, "SIGKILLed by the OOM killer");
        assertEquals(List.of("Out of memory"), events(cell.client.info(h)));
        assertEquals(List.of("Out of memory"), events(cell.client.bulkInfo(List.of(h))
                .getJsonObject(h).getJsonObject("Info")));
        // the container lives on: another process runs
        assertEquals(0, run(h, ProcessIT.sh("true").build(), ProcessStreams.collecting()));
    }

    /**
     * A pea sharing the container's limits has a cgroup nested in the container's: cgroup v2 counts
     * its kills in the container's memory.events too; v1 counts them only in the nested cgroup,
     * which is added up while it exists, so the pea's init outlives the killed child here.
     */
    @Test
    void anOomKillInAPeaSharingTheContainersLimitIsTheContainersEvent() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "limits-oom-pea")
                .add("limits", Json.createObjectBuilder()
                        .add("memory_limits", Json.createObjectBuilder().add("limit_in_bytes", 32L << 20)))
                .build());
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess pea = cell.client.run(h,
                PeaIT.pea("(x=a; while true; do x=$x$x; done); echo $?; read line || true").build(), io);
        assertTrue(TestCell.eventually(WAIT, () -> io.stdoutText().equals("137\n")),
                () -> "stdout: " + io.stdoutText() + " stderr: " + io.stderrText());
        assertEquals(List.of("Out of memory"), events(cell.client.info(h)));
        pea.closeStdin();
        assertEquals(0, pea.await(WAIT));
    }

    @Test
    void aContainerWithinItsLimitHasNoEvents() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "limits-calm")
                .add("limits", Json.createObjectBuilder()
                        .add("memory_limits", Json.createObjectBuilder().add("limit_in_bytes", 32L << 20)))
                .build());
        assertEquals(0, run(h, ProcessIT.sh("x=$(head -c 1048576 /dev/zero | tr '\\0' a); echo ${#x}").build(),
                ProcessStreams.collecting()));
        assertEquals(List.of(), events(cell.client.info(h)));
    }

    /**
     * Values below this machine's hard limits: raising a hard limit above the server's own needs
     * CAP_SYS_RESOURCE, which this sandbox's server lacks.
     */
    @Test
    void nofileLimitsTheProcess() {
        String h = cell.client.create("limits-nofile");
        ProcessStreams io = ProcessStreams.collecting();
        int status = run(h, ProcessIT.sh("ulimit -n; ulimit -Hn")
                .add("rlimits", Json.createObjectBuilder().add("nofile", 512)).build(), io);
        assertEquals(0, status, () -> "stderr: " + io.stderrText());
        assertEquals("512\n512\n", io.stdoutText());
    }

    @Test
    void nofileLimitsAPeaToo() {
        String h = cell.client.create("limits-nofile-pea");
        ProcessStreams io = ProcessStreams.collecting();
        int status = run(h, PeaIT.pea("ulimit -n")
                .add("rlimits", Json.createObjectBuilder().add("nofile", 512)).build(), io);
        assertEquals(0, status, () -> "stderr: " + io.stderrText());
        assertEquals("512\n", io.stdoutText());
    }

    @Test
    void severalRlimitsApplyTogetherAndOthersStayAsTheyWere() {
        String h = cell.client.create("limits-several");
        ProcessStreams unlimited = ProcessStreams.collecting();
        assertEquals(0, run(h, ProcessIT.sh("ulimit -c").build(), unlimited));

        ProcessStreams io = ProcessStreams.collecting();
        int status = run(h, ProcessIT.sh("ulimit -u; ulimit -f; ulimit -s; ulimit -c")
                .add("rlimits", Json.createObjectBuilder()
                        .add("nproc", 100).add("fsize", 1024L * 1024).add("stack", 4L << 20))
                .build(), io);
        assertEquals(0, status, () -> "stderr: " + io.stderrText());
        // busybox ash counts fsize in 512-byte blocks, stack in KiB
        assertEquals("100\n2048\n4096\n" + unlimited.stdoutText(), io.stdoutText());
    }

    @Test
    void aProcessWritingPastFsizeFails() {
        String h = cell.client.create("limits-fsize");
        ProcessStreams io = ProcessStreams.collecting();
        int status = run(h, ProcessIT.sh("head -c 8192 /dev/zero > /tmp/big")
                .add("rlimits", Json.createObjectBuilder().add("fsize", 4096)).build(), io);
        assertNotEquals(0, status, "SIGXFSZ or EFBIG past 4 KiB");
    }

    /** The cell's disk-store readiness data: whether quotas hold and why not. */
    private JsonObject diskStore() {
        String body = cell.client.raw("GET", "/health/ready", null).body();
        JsonObject health = Json.createReader(new java.io.StringReader(body)).readObject();
        return health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("disk-store")).findFirst().orElseThrow()
                .getJsonObject("data");
    }

    private String diskLimited(String handle, long bytes, int scope) {
        return cell.client.create(Json.createObjectBuilder().add("handle", handle)
                .add("limits", Json.createObjectBuilder().add("disk_limits", Json.createObjectBuilder()
                        .add("byte_hard", bytes).add("scope", scope)))
                .build());
    }

    @Test
    void theCellSaysWhetherDiskLimitsAreHeldAndWhyNot() {
        JsonObject data = diskStore();
        String detail = data.getString("quota");
        if (data.getBoolean("quotasEnforced")) {
            // XFS project quotas where the kernel has them, else btrfs qgroups (this test machine)
            assertTrue(detail.startsWith("project quotas on ") || detail.startsWith("btrfs qgroups on "), detail);
        } else {
            // report-only names the reason (on this test machine: a kernel without CONFIG_XFS_QUOTA)
            assertTrue(detail.startsWith("report-only: ") && detail.length() > "report-only: ".length() + 10, detail);
        }
        // either way a disk limit is accepted and reported back as given
        String h = diskLimited("limits-disk-report", 64L << 20, 1);
        JsonObject disk = cell.client.limits(h, "disk");
        assertEquals(64L << 20, disk.getJsonNumber("byte_hard").longValue());
    }

    @Test
    void aWriterPastByteHardFailsInBothScopesAndSpaceComesBackAfterADelete() {
        JsonObject data = diskStore();
        org.junit.jupiter.api.Assumptions.assumeTrue(data.getBoolean("quotasEnforced"),
                () -> "disk limits are not enforced here: " + data.getString("quota"));
        for (int scope : new int[] {0, 1}) {
            // the busybox image is about 1-2 MiB, so a total limit of 16 MiB leaves the layer well over 10
            String h = diskLimited("limits-disk-" + scope, 16L << 20, scope);
            ProcessStreams io = ProcessStreams.collecting();
            int status = run(h, ProcessIT.sh("dd if=/dev/zero of=/big bs=1M count=32").build(), io);
            assertNotEquals(0, status, () -> "scope " + scope + ": dd past the limit succeeded");
            assertTrue(io.stderrText().contains("Disk quota exceeded") || io.stderrText().contains("No space left"),
                    io::stderrText);
            ProcessStreams again = ProcessStreams.collecting();
            assertEquals(0, run(h, ProcessIT.sh("rm /big && dd if=/dev/zero of=/small bs=1M count=8").build(), again),
                    again::stderrText);
            // btrfs accounts at a commit, which metrics make at most every 0.5 s: poll briefly
            long exclusive = 0;
            for (int i = 0; i < 20 && exclusive < 8L << 20; i++) {
                if (i > 0) {
                    sleep(Duration.ofMillis(250));
                }
                exclusive = cell.client.metrics(h).getJsonObject("DiskStat").getJsonNumber("ExclusiveBytesUsed")
                        .longValue();
            }
            assertTrue(exclusive >= 8L << 20 && exclusive < 10L << 20, "exclusive bytes " + exclusive);
            cell.client.destroy(h);
        }
    }
}
