package io.greenhouse.it;

import io.greenhouse.testsupport.HostTraces;

import io.greenhouse.client.GardenClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Greenhouse cell the integration tests run against (started by Maven before them), with what
 * tests need to look behind the API: the depot, the runC root, cgroups, mounts, and restarts.
 */
public final class TestCell {
    public final URI url = URI.create(System.getProperty("greenhouse.test.url", "http://127.0.0.1:7788"));
    public final Path work = Path.of(System.getProperty("greenhouse.test.work", "/var/tmp/greenhouse-it"));
    public final Path depot = work.resolve("depot");
    public final Path serverScript = Path.of(System.getProperty("greenhouse.test.server", "target/liberty/wlp/bin/server"));
    public final String serverName = System.getProperty("greenhouse.test.serverName", "greenhouse-it");
    public final Path runtimeRoot = Path.of(System.getProperty("greenhouse.test.runtimeRoot", "/run/greenhouse-it/runc"));
    public final String cgroupParent = System.getProperty("greenhouse.test.cgroupParent", "greenhouse-it");
    public final GardenClient client = new GardenClient(url);
    /** The cell's network interface and iptables chain prefix (it-server.env). */
    public final String networkPrefix = System.getProperty("greenhouse.test.networkPrefix", "ghit");

    /** Everything a container of this cell can leave on the host; empty when nothing leaked. */
    public List<String> leftovers() {
        List<String> found = new ArrayList<>(new HostTraces(depot, "runc", runtimeRoot, cgroupParent).leftovers());
        // Peas have a runtime root of their own beside the monitors' sockets (as in CellWiring).
        String peas = run("runc", "--root", monitorSockets().resolveSibling("peas").toString(), "list", "-q").strip();
        if (!peas.isEmpty()) {
            found.add("runc peas " + peas.replace('\n', ' '));
        }
        for (Path socket : children(monitorSockets())) {
            found.add("monitor socket " + socket);
        }
        monitors().forEach(pid -> found.add("process monitor " + pid));
        // Containers' networks: veths, bridges, iptables chains and rules (qdiscs live on the veths).
        found.addAll(io.greenhouse.testsupport.NetworkTraces.of(networkPrefix, networkPrefix).leftovers());
        return found;
    }

    /** Where the cell's process monitors listen (beside the runtime root, as in Settings). */
    public Path monitorSockets() {
        return runtimeRoot.toAbsolutePath().getParent().resolve("monitors");
    }

    /** Pids of the greenhouse-monitor processes serving this cell's depot. */
    public List<Long> monitors() {
        String marker = "--dir\0" + depot;
        List<Long> pids = new ArrayList<>();
        for (Path proc : children(Path.of("/proc"))) {
            String name = proc.getFileName().toString();
            if (!name.chars().allMatch(Character::isDigit)) {
                continue;
            }
            try {
                String cmdline = Files.readString(proc.resolve("cmdline"));
                if (cmdline.contains("greenhouse-monitor") && cmdline.contains(marker)) {
                    pids.add(Long.parseLong(name));
                }
            } catch (IOException | UncheckedIOException e) {
                // the process is gone
            }
        }
        return pids;
    }

    public static List<String> mounts() {
        return HostTraces.mountPoints();
    }

    private static List<Path> children(Path dir) {
        return HostTraces.children(dir);
    }

    /** Polls until the condition holds or the time is up; returns whether it held. */
    public static boolean eventually(Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            sleep(Duration.ofMillis(50));
        }
        return condition.getAsBoolean();
    }

    /** Destroys every container of the cell; tests call it so one test's failure cannot leak into the next. */
    public void destroyAll() {
        for (String handle : client.list(java.util.Map.of())) {
            try {
                client.destroy(handle);
            } catch (RuntimeException e) {
                // already gone
            }
        }
    }

    public void stopServer() {
        run(serverScript.toString(), "stop", serverName);
    }

    public void startServer() {
        run(serverScript.toString(), "start", serverName);
        awaitReady(Duration.ofSeconds(90));
    }

    /** Kills the server's JVM with SIGKILL, as a crash or the OOM killer would. */
    public void killServer() {
        Path pidFile = serverScript.getParent().getParent().resolve("usr/servers/.pid/" + serverName + ".pid");
        try {
            String pid = Files.readString(pidFile).strip();
            run("kill", "-9", pid);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (Files.exists(Path.of("/proc", pid)) && System.nanoTime() < deadline) {
                sleep(Duration.ofMillis(100));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + pidFile, e);
        }
    }

    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                client.ping();
                return;
            } catch (RuntimeException e) {
                last = e;
            }
            sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException("cell not ready after " + timeout, last);
    }

    public static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static String run(String... command) {
        return HostTraces.run(command);
    }
}
