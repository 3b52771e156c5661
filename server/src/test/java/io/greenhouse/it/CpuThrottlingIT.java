package io.greenhouse.it;

import io.greenhouse.testsupport.HostTraces;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CPU entitlement and Guardian's throttling with real containers: the cell is restarted with
 * greenhouse.cpu.throttling.enabled and a one-second check for this class, and restarted as it was
 * afterwards (the good and bad cgroups it made are removed then).
 */
class CpuThrottlingIT extends CellTestSupport {
    private static final Path CPU = Path.of("/sys/fs/cgroup/cpu");

    @BeforeAll
    static void throttlingOn() {
        TestCell cell = new TestCell();
        cell.awaitReady(Duration.ofMinutes(3));
        cell.destroyAll();
        cell.stopServer();
        cell.startServer(Map.of("GREENHOUSE_CPU_THROTTLING_ENABLED", "true",
                "GREENHOUSE_CPU_THROTTLING_INTERVAL", "1s"));
    }

    @AfterAll
    static void throttlingOff() throws IOException {
        TestCell cell = new TestCell();
        cell.destroyAll();
        cell.stopServer();
        for (Path parent : HostTraces.cgroupDirectories(cell.cgroupParent)) {
            for (String name : HostTraces.THROTTLING_CGROUPS) {
                Files.deleteIfExists(parent.resolve(name));
            }
        }
        cell.startServer();
    }

    private String create(String handle, long shares) {
        return cell.client.create(Json.createObjectBuilder().add("handle", handle)
                .add("limits", Json.createObjectBuilder()
                        .add("cpu_limits", Json.createObjectBuilder().add("limit_in_shares", shares)))
                .build());
    }

    /** Runs a command detached in the container with runC, as an app would run. */
    private void detached(String handle, String script) {
        TestCell.run(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "exec", "-d", handle,
                // runc exec -d hands the process its own stdio: a detached process holding the pipe
                // TestCell.run reads would keep that read waiting until the process ends
                "sh", "-c", "exec </dev/null >/dev/null 2>&1; " + script);
    }

    private String cpuCgroupOf(String handle, String processName) {
        String pids = TestCell.run("sh", "-c", "cat " + CPU.resolve(cell.cgroupParent) + "/*/" + handle
                + "/cgroup.procs 2>/dev/null; true");
        StringBuilder out = new StringBuilder();
        for (String pid : pids.strip().split("\\s+")) {
            if (pid.isEmpty()) {
                continue;
            }
            try {
                String comm = Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ');
                if (comm.contains(processName)) {
                    for (String line : Files.readAllLines(Path.of("/proc", pid, "cgroup"))) {
                        String[] f = line.split(":", 3);
                        if (List.of(f[1].split(",")).contains("cpu")) {
                            out.append(f[2]);
                        }
                    }
                }
            } catch (IOException exited) {
                // gone meanwhile
            }
        }
        return out.toString();
    }

    private static long number(JsonObject o, String stat, String field) {
        return o.getJsonObject(stat).getJsonNumber(field).longValueExact();
    }

    @Test
    void aContainerOverItsEntitlementGoesToTheBadCgroupAndItsCpuStillCounts() {
        String spinner = create("throttle-spinner", 2);
        String idle = create("throttle-idle", 8192);
        assertTrue(Files.isDirectory(CPU.resolve(cell.cgroupParent).resolve("good").resolve(spinner)),
                "containers' cgroups are under PARENT/good");
        detached(spinner, "exec busybox timeout 300 sh -c 'while :; do :; done' spin-loop");
        detached(idle, "exec sleep 300");

        // a loaded host may take a while to start the loop; the check runs every second
        Path badCgroup = CPU.resolve(cell.cgroupParent).resolve("bad").resolve(spinner);
        assertTrue(TestCell.eventually(Duration.ofSeconds(90),
                () -> !read(badCgroup.resolve("cgroup.procs"), "").isEmpty()), "punished: " + badCgroup);
        String pid = read(badCgroup.resolve("cgroup.procs"), "").split("\\s+")[0];
        assertTrue(read(Path.of("/proc", pid, "cgroup"), "").contains(":cpu:/" + cell.cgroupParent + "/bad/" + spinner),
                "the process's own view: " + read(Path.of("/proc", pid, "cgroup"), ""));
        assertTrue(cpuCgroupOf(idle, "sleep").endsWith("/good/" + idle), cpuCgroupOf(idle, "sleep"));

        // what the spinner burns in the bad cgroup is its usage still, and it stays over its entitlement
        JsonObject first = cell.client.metrics(spinner);
        TestCell.sleep(Duration.ofSeconds(2));
        JsonObject second = cell.client.metrics(spinner);
        long used = number(second, "CPUStat", "Usage") - number(first, "CPUStat", "Usage");
        assertTrue(used > 500_000_000L, "about a CPU for 2 s while punished: " + used + " ns");
        assertTrue(second.getJsonNumber("CPUEntitlement").longValueExact() < number(second, "CPUStat", "Usage"));

        // the bad cgroup gets the punished shares, the good one the rest of the host's memory in MiB
        assertEquals("2", read(CPU.resolve(cell.cgroupParent).resolve("bad/cpu.shares")));
        long memMib = hostMemoryBytes() / (1024 * 1024);
        assertEquals(Long.toString(memMib - 2), read(CPU.resolve(cell.cgroupParent).resolve("good/cpu.shares")));

        cell.client.destroy(spinner);
        assertTrue(TestCell.eventually(Duration.ofSeconds(10),
                () -> !Files.exists(CPU.resolve(cell.cgroupParent).resolve("bad").resolve(spinner))),
                "the bad cgroup goes with its container");
    }

    @Test
    void entitlementIsSharesTimesTheHostsCpuPerShareOverTheAge() {
        String h = create("throttle-entitled", 1024);
        JsonObject m = cell.client.metrics(h);
        double perShare = Runtime.getRuntime().availableProcessors() * 100.0
                / (hostMemoryBytes() / (1024 * 1024));
        long age = m.getJsonNumber("Age").longValueExact();
        long entitlement = m.getJsonNumber("CPUEntitlement").longValueExact();
        assertEquals(1024 * perShare / 100 * age, entitlement, 0.01 * entitlement, m.toString());
        // an idle container is in the good cgroup, once its entitlement has caught up with the CPU
        // its start cost (in its first second, starting can be more than 1024 shares' worth)
        Path good = CPU.resolve(cell.cgroupParent).resolve("good").resolve(h).resolve("cgroup.procs");
        Path bad = CPU.resolve(cell.cgroupParent).resolve("bad").resolve(h).resolve("cgroup.procs");
        assertTrue(TestCell.eventually(Duration.ofSeconds(30),
                () -> !read(good, "").isBlank() && read(bad, "").isBlank()),
                () -> "good: " + read(good, "") + " bad: " + read(bad, ""));
    }

    /** MemTotal, as the cell reads it. */
    private static long hostMemoryBytes() {
        for (String line : read(Path.of("/proc/meminfo")).split("\n")) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no MemTotal in /proc/meminfo");
    }

    /** The file's text, or the fallback when it cannot be read (a process or cgroup gone meanwhile). */
    private static String read(Path file, String fallback) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return fallback;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
