package io.greenhouse.it;

import io.greenhouse.client.GardenClient;
import io.greenhouse.testsupport.HostTraces;
import io.greenhouse.testsupport.NetworkTraces;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A second cell on this machine for tests that move containers between cells: a copy of the test
 * cell's Liberty server ({@code greenhouse-it}, same application and helpers) with a server.env of
 * its own (port, depot, image and quota store, runC root, cgroup parent, address and port pools,
 * interface and chain prefix, from {@code greenhouse.test.second.*} properties). {@link #close}
 * destroys its containers, stops it and removes everything it had on the host.
 */
final class SecondCell implements AutoCloseable {
    final int port = Integer.getInteger("greenhouse.test.second.port", 7823);
    final Path work = Path.of(System.getProperty("greenhouse.test.second.work",
            System.getProperty("greenhouse.test.work", "/var/tmp/greenhouse-it") + "b"));
    final Path depot = work.resolve("depot");
    final Path runtimeRoot = Path.of(System.getProperty("greenhouse.test.second.runtimeRoot",
            System.getProperty("greenhouse.test.runtimeRoot", "/run/greenhouse-it/runc").replaceFirst("/runc$", "b/runc")));
    final String cgroupParent = System.getProperty("greenhouse.test.second.cgroupParent",
            System.getProperty("greenhouse.test.cgroupParent", "greenhouse-it") + "b");
    final String pool = System.getProperty("greenhouse.test.second.networkPool", "10.254.88.0/22");
    final String prefix = System.getProperty("greenhouse.test.second.networkPrefix", "ghc2");
    final int portPoolStart = Integer.getInteger("greenhouse.test.second.portPoolStart", 62251);
    final GardenClient client = new GardenClient(URI.create("http://127.0.0.1:" + port));
    private final TestCell first;
    private final Path serverDir;
    private final String serverName;

    SecondCell(TestCell first) {
        this.first = first;
        this.serverName = first.serverName + "-b";
        this.serverDir = first.serverScript.toAbsolutePath().getParent().getParent().resolve("usr/servers/" + serverName);
    }

    /** Copies the first cell's server (configuration and application, not its logs or state) and starts it. */
    SecondCell start() {
        Path from = serverDir.resolveSibling(first.serverName);
        try {
            deleteTree(serverDir);
            try (Stream<Path> walk = Files.walk(from)) {
                for (Path p : walk.toList()) {
                    Path rel = from.relativize(p);
                    if (rel.startsWith("logs") || rel.startsWith("workarea") || rel.startsWith("tranlog")) {
                        continue;
                    }
                    Path to = serverDir.resolve(rel.toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (String line : Files.readAllLines(from.resolve("server.env"))) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    env.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
            env.put("GREENHOUSE_LISTEN_PORT", Integer.toString(port));
            env.put("GREENHOUSE_ADMIN_PORT", "2" + port);
            env.put("GREENHOUSE_DEPOT_DIR", depot.toString());
            env.put("GREENHOUSE_IMAGE_STORE_DIR", work.resolve("images").toString());
            env.put("GREENHOUSE_RUNTIME_ROOT", runtimeRoot.toString());
            env.put("GREENHOUSE_CGROUP_PARENT", cgroupParent);
            env.put("GREENHOUSE_NETWORK_POOL", pool);
            env.put("GREENHOUSE_NETWORK_INTERFACE_PREFIX", prefix);
            env.put("GREENHOUSE_NETWORK_CHAIN_PREFIX", prefix);
            env.put("GREENHOUSE_NETWORK_PORT_POOL_START", Integer.toString(portPoolStart));
            env.put("GREENHOUSE_NETWORK_PORT_POOL_SIZE", "100");
            StringBuilder text = new StringBuilder("# the second cell of " + first.serverName + " (SecondCell)\n");
            env.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            Files.writeString(serverDir.resolve("server.env"), text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("copying the server for the second cell", e);
        }
        server("start");
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (true) {
            try {
                client.ping();
                return this;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the second cell did not start", e);
                }
                TestCell.sleep(Duration.ofMillis(500));
            }
        }
    }

    /** What a container of this cell can leave on the host; empty when nothing leaked. */
    List<String> leftovers() {
        List<String> found = new ArrayList<>(new HostTraces(depot, first.runtimeBinary, runtimeRoot, cgroupParent).leftovers());
        found.addAll(NetworkTraces.of(prefix, prefix).leftovers());
        try (Stream<Path> layers = Files.isDirectory(work.resolve("layers")) ? Files.list(work.resolve("layers")) : Stream.empty()) {
            layers.filter(p -> !p.getFileName().toString().equals("lost+found"))
                    .forEach(p -> found.add("quota store layer " + p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    void destroyAll() {
        try {
            for (String handle : client.list(Map.of())) {
                try {
                    client.destroy(handle);
                } catch (RuntimeException e) {
                    // already gone
                }
            }
        } catch (RuntimeException e) {
            // not running
        }
    }

    @Override
    public void close() {
        destroyAll();
        server("stop");
        if (!TestCell.run("findmnt", "-n", "-o", "TARGET", work.resolve("layers").toString()).isBlank()) {
            TestCell.run("umount", work.resolve("layers").toString());
        }
        try {
            deleteTree(serverDir);
            if (leftovers().isEmpty()) {
                // its layers.img and empty depot; with leftovers it stays for a look
                deleteTree(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestCell.run("rmdir", runtimeRoot.toString(), runtimeRoot.getParent().toString());
        removeCgroups();
    }

    /** The cell's cgroup parent in every hierarchy (v1) or the unified one, deepest first; only empty ones go. */
    private void removeCgroups() {
        Path root = Path.of("/sys/fs/cgroup");
        List<Path> tops = new ArrayList<>();
        tops.add(root.resolve(cgroupParent));
        try (Stream<Path> controllers = Files.list(root)) {
            controllers.filter(Files::isDirectory).forEach(c -> tops.add(c.resolve(cgroupParent)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path top : tops) {
            if (!Files.isDirectory(top)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(top)) {
                walk.filter(Files::isDirectory).sorted(java.util.Comparator.reverseOrder())
                        .forEach(d -> TestCell.run("rmdir", d.toString()));
            } catch (IOException | UncheckedIOException e) {
                // a cgroup still in use stays, and shows in leftovers
            }
        }
    }

    /** Liberty's server script, its output discarded: a started JVM would hold a pipe open. */
    private void server(String action) {
        try {
            Process p = new ProcessBuilder(first.serverScript.toString(), action, serverName)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
