package io.greenhouse.it;

import io.greenhouse.testsupport.HostTraces;

import io.greenhouse.client.GardenClient;
import io.greenhouse.testsupport.ServerEnv;
import io.greenhouse.wiring.Settings;

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
    public final Path serverScript = Path.of(System.getProperty("greenhouse.test.server", "target/liberty/wlp/bin/server"));
    public final String serverName = System.getProperty("greenhouse.test.serverName", "greenhouse-it");
    /** The cell's own settings, from the server.env it runs with: nothing here is derived a second time. */
    public final Settings settings = ServerEnv.testCell();
    public final Path depot = settings.depot();
    /** The test cell's work directory: its depot's parent, where tests keep what they make. */
    public final Path work = depot.getParent();
    public final Path runtimeRoot = settings.runtimeRoot();
    public final String cgroupParent = settings.cgroupParent();
    public final String runtimeBinary = settings.runtimeBinary();
    public final GardenClient client = new GardenClient(url);
    /** The cell's network interface and iptables chain prefix (it-server.env). */
    public final String networkPrefix = System.getProperty("greenhouse.test.networkPrefix", "ghit");

    /** Everything a container of this cell can leave on the host; empty when nothing leaked. */
    public List<String> leftovers() {
        List<String> found = new ArrayList<>(
                new HostTraces(depot, runtimeBinary, runtimeRoot, cgroupParent).leftovers());
        String peas = run(runtimeBinary, "--root", peasRuntimeRoot().toString(), "list", "-q").strip();
        if (!peas.isEmpty()) {
            found.add("runc peas " + peas.replace('\n', ' '));
        }
        for (Path socket : children(monitorSockets())) {
            found.add("monitor socket " + socket);
        }
        monitors().forEach(pid -> found.add("process monitor " + pid));
        // writable layers in the quota store (WORK/layers, when the store is mounted)
        for (Path layer : children(work.resolve("layers"))) {
            found.add("quota store layer " + layer);
        }
        // Containers' networks: veths, bridges, iptables chains and rules (qdiscs live on the veths).
        found.addAll(io.greenhouse.testsupport.NetworkTraces.of(networkPrefix, networkPrefix).leftovers());
        return found;
    }

    /** Where the cell's process monitors listen. */
    public Path monitorSockets() {
        return settings.monitorSockets();
    }

    /** The runtime root of the cell's peas. */
    public Path peasRuntimeRoot() {
        return settings.peasRuntimeRoot();
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
        startServer(java.util.Map.of());
    }

    /** Starts the server with extra environment (settings as GREENHOUSE_* variables) for this run only. */
    public void startServer(java.util.Map<String, String> environment) {
        startServerWithoutWaiting(environment);
        // A maximum: a host loaded by parallel builds has taken minutes to start the application.
        awaitReady(Duration.ofMinutes(10));
    }

    /** Starts the server with extra environment, not waiting for a plain-HTTP ping (a TLS cell answers none). */
    public void startServerWithoutWaiting(java.util.Map<String, String> environment) {
        try {
            ProcessBuilder pb = new ProcessBuilder(serverScript.toString(), "start", serverName)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(environment);
            if (pb.start().waitFor() != 0) {
                throw new IllegalStateException("server start " + serverName + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The server JVM's pid, from Liberty's pid file. */
    public long serverPid() {
        Path pidFile = serverScript.getParent().getParent().resolve("usr/servers/.pid/" + serverName + ".pid");
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + pidFile, e);
        }
    }

    /** Waits until the server JVM has died (killed, or killed itself); false if it still runs after the timeout. */
    public boolean awaitServerDeath(long pid, Duration timeout) {
        return eventually(timeout, () -> !Files.exists(Path.of("/proc", Long.toString(pid))));
    }

    /** Kills the server's JVM with SIGKILL, as a crash or the OOM killer would. */
    public void killServer() {
        String pid = Long.toString(serverPid());
        run("kill", "-9", pid);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Files.exists(Path.of("/proc", pid)) && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(100));
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
