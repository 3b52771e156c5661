package io.greenhouse.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the cell's figures are compared with, measured on the same machine in the same run: bare
 * runC on a bundle of the same root filesystem (its own runtime root and cgroup, deleted at the
 * end), a pipe and a loopback socket carrying the same bytes to a reader that only counts.
 */
final class Floors implements AutoCloseable {
    private static final String CGROUP = "gh-bench-floor";
    private final Path work;
    private final Path root;
    private final Path bundle;

    Floors(Path rootfs) throws Exception {
        work = Files.createTempDirectory(Path.of("/var/tmp"), "gh-bench-floor-");
        root = work.resolve("runc");
        bundle = work.resolve("bundle");
        Files.createDirectories(bundle);
        run(List.of("runc", "spec", "--bundle", bundle.toString()));
        JsonObject spec = Json.createReader(Files.newBufferedReader(bundle.resolve("config.json"))).readObject();
        JsonObject process = Json.createObjectBuilder(spec.getJsonObject("process")).add("terminal", false)
                .add("args", Json.createArrayBuilder().add("sleep").add("1000000")).build();
        JsonObject linux = Json.createObjectBuilder(spec.getJsonObject("linux")).add("cgroupsPath", "/" + CGROUP).build();
        JsonObject written = Json.createObjectBuilder(spec).add("process", process).add("linux", linux)
                .add("root", Json.createObjectBuilder().add("path", rootfs.toString()).add("readonly", true)).build();
        Files.writeString(bundle.resolve("config.json"), written.toString());
    }

    private List<String> runc(String... args) {
        List<String> cmd = new ArrayList<>(List.of("runc", "--root", root.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    void start(String id) throws Exception {
        run(runc("run", "--detach", "--bundle", bundle.toString(), id));
    }

    void delete(String id) throws Exception {
        run(runc("delete", "--force", id));
    }

    void runAndDelete(String id) throws Exception {
        start(id);
        delete(id);
    }

    void execTrue(String id) throws Exception {
        run(runc("exec", id, "/bin/true"));
    }

    /** Bytes per second through a pipe from {@code head -c N /dev/zero}. */
    double pipe(long n) throws Exception {
        long t = System.nanoTime();
        Process p = new ProcessBuilder("head", "-c", Long.toString(n), "/dev/zero")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long got = count(p.getInputStream());
        p.waitFor();
        double s = Bench.seconds(t);
        if (got != n) {
            throw new IllegalStateException("pipe carried " + got);
        }
        return n / s;
    }

    /** Bytes per second through one loopback TCP connection, written in 64 KiB chunks. */
    double loopback(long n) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long t = System.nanoTime();
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[64 * 1024];
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                     OutputStream out = s.getOutputStream()) {
                    for (long left = n; left > 0; left -= chunk.length) {
                        out.write(chunk, 0, (int) Math.min(chunk.length, left));
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            long got;
            try (Socket s = server.accept()) {
                got = count(s.getInputStream());
            }
            writer.join();
            double secs = Bench.seconds(t);
            if (got != n) {
                throw new IllegalStateException("socket carried " + got);
            }
            return n / secs;
        }
    }

    private static long count(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int r; (r = in.read(buffer)) != -1; ) {
            total += r;
        }
        return total;
    }

    private static void run(List<String> cmd) throws Exception {
        // output to a file, never a pipe: a detached init inherits runC's stdio and would hold a pipe open
        Path log = Files.createTempFile("gh-bench-floor-", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " failed: "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Deletes every floor container left, the runtime root, the bundle and the cgroup. */
    @Override
    public void close() throws Exception {
        if (Files.isDirectory(root)) {
            try (Stream<Path> ids = Files.list(root)) {
                for (Path id : ids.toList()) {
                    delete(id.getFileName().toString());
                }
            }
        }
        try (Stream<Path> cgroups = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : cgroups.toList()) {
                Files.deleteIfExists(h.resolve(CGROUP));
            }
        } catch (IOException e) {
            // a cgroup still busy is reported by the leak checks of the tests, not here
        }
        try (Stream<Path> all = Files.walk(work)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
