package io.greenhouse.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real registry (Debian's docker-registry, the CNCF distribution registry) on 127.0.0.1, started
 * by a test and stopped after it: storage and config in a directory of its own, open or with
 * htpasswd (bcrypt) basic auth. setup-host.sh installs the package.
 */
public final class TestRegistry implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    private TestRegistry(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts a registry; with a username, pulls and pushes need that user's password. */
    public static TestRegistry start(Path dir, String username, String password) {
        return start(dir, username, password, null, null);
    }

    /** A registry with token auth: its 401s send clients to {@code realm}, whose JWTs the certificate verifies. */
    public static TestRegistry withTokenAuth(Path dir, String realm, Path certificate) {
        return start(dir, null, null, realm, certificate);
    }

    private static TestRegistry start(Path dir, String username, String password, String realm, Path certificate) {
        try {
            LayerFiles.deleteTree(dir);
            Files.createDirectories(dir.resolve("storage"));
            int port = freePort();
            String auth = "";
            if (username != null) {
                String line = HostTraces.run("htpasswd", "-Bbn", username, password).strip();
                if (!line.startsWith(username + ":")) {
                    throw new IllegalStateException("htpasswd failed: " + line);
                }
                Files.writeString(dir.resolve("htpasswd"), line + "\n");
                auth = "auth:\n  htpasswd:\n    realm: greenhouse-test\n    path: " + dir.resolve("htpasswd") + "\n";
            }
            if (realm != null) {
                auth = "auth:\n  token:\n    realm: " + realm + "\n    service: " + TokenServer.SERVICE
                        + "\n    issuer: " + TokenServer.ISSUER + "\n    rootcertbundle: " + certificate + "\n";
            }
            Files.writeString(dir.resolve("config.yml"), "version: 0.1\n"
                    + "log:\n  level: warn\n  accesslog:\n    disabled: false\n"
                    + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("storage") + "\n  delete:\n    enabled: true\n"
                    + "http:\n  addr: 127.0.0.1:" + port + "\n" + auth);
            Process p = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            TestRegistry registry = new TestRegistry(dir, port, p);
            registry.awaitUp();
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1:" + port;
    }

    public URI url() {
        return URI.create("http://" + host());
    }

    /** Requests for blobs the access log recorded so far (GETs of /blobs/, redirects included). */
    public long blobGets() {
        try {
            return Files.readAllLines(dir.resolve("registry.log")).stream()
                    .filter(l -> l.contains("\"GET /v2/") && l.contains("/blobs/sha256:")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GETs of one blob the access log recorded so far. */
    public long blobGets(String digest) {
        try {
            return Files.readAllLines(dir.resolve("registry.log")).stream()
                    .filter(l -> l.contains("\"GET /v2/") && l.contains("/blobs/" + digest)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file the registry serves a blob from, to corrupt it. */
    public Path blobData(String digest) {
        String hex = digest.substring("sha256:".length());
        return dir.resolve("storage/docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    private void awaitUp() {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + log());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url().resolve("/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 || r.statusCode() == 401) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        close();
        throw new IllegalStateException("docker-registry did not answer on " + url() + ": " + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            LayerFiles.deleteTree(dir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
