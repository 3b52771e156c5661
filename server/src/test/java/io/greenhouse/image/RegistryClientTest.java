package io.greenhouse.image;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.greenhouse.backend.GardenException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's protocol logic against a scripted HTTP server on loopback: token and basic auth
 * challenges, redirects, retries and errors. The real registry is exercised by ImageIT.
 */
class RegistryClientTest {
    private static final byte[] MANIFEST = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BLOB = "blob content".getBytes(StandardCharsets.UTF_8);
    private static final Digest BLOB_DIGEST = Digest.sha256(BLOB);

    private HttpServer server;
    private int port;
    private final List<String> storageAuthorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger flakyCalls = new AtomicInteger();
    private final AtomicInteger tokenCalls = new AtomicInteger();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        port = server.getAddress().getPort();
        server.createContext("/token", ex -> {
            tokenCalls.incrementAndGet();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String query = ex.getRequestURI().getRawQuery();
            if (!("Basic " + b64("alice:secret")).equals(auth) || !query.contains("scope=repository%3Aapp%3Apull")) {
                reply(ex, 401, "{}".getBytes());
                return;
            }
            reply(ex, 200, "{\"token\":\"t0k\"}".getBytes());
        });
        server.createContext("/v2/app/", ex -> {
            if (!"Bearer t0k".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:" + port
                        + "/token\",service=\"fake\",scope=\"repository:app:pull\"");
                reply(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}".getBytes());
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.equals("/v2/app/manifests/v1")) {
                ex.getResponseHeaders().add("Content-Type", Manifests.OCI_MANIFEST);
                reply(ex, 200, MANIFEST);
            } else if (path.equals("/v2/app/blobs/" + BLOB_DIGEST)) {
                // storage elsewhere, as S3 behind Docker Hub: "localhost" is another origin than 127.0.0.1
                ex.getResponseHeaders().add("Location", "http://localhost:" + port + "/storage/blob");
                reply(ex, 307, new byte[0]);
            } else {
                reply(ex, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}".getBytes());
            }
        });
        server.createContext("/storage/", ex -> {
            storageAuthorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            reply(ex, 200, BLOB);
        });
        server.createContext("/v2/basic/", ex -> {
            if (!("Basic " + b64("bob:pw")).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
                reply(ex, 401, new byte[0]);
                return;
            }
            reply(ex, 200, MANIFEST);
        });
        server.createContext("/v2/flaky/", ex -> {
            if (flakyCalls.incrementAndGet() <= 2) {
                reply(ex, 503, new byte[0]);
                return;
            }
            reply(ex, 200, MANIFEST);
        });
        server.createContext("/v2/stall/", ex -> {
            // headers and a first chunk, then nothing until the test ends
            ex.sendResponseHeaders(200, 1000);
            ex.getResponseBody().write(new byte[10]);
            ex.getResponseBody().flush();
            try {
                stalled.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        stalled.countDown();
        server.stop(0);
    }

    private RegistryClient client() {
        return new RegistryClient(java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build(),
                new RegistrySettings(Set.of(), "", Duration.ofSeconds(2), Duration.ofSeconds(5), 3, Duration.ofMillis(100)),
                sleeps::add);
    }

    private ImageUri.Registry image(String repo) {
        return (ImageUri.Registry) ImageUri.parse("docker://127.0.0.1:" + port + "/" + repo + "#v1");
    }

    @Test
    void bearerChallengeIsAnsweredWithATokenFromTheRealm() {
        RegistryClient client = client();
        RegistryClient.Credentials alice = new RegistryClient.Credentials("alice", "secret");
        RegistryClient.Fetched m = client.manifest(image("app"), "v1", alice);
        assertArrayEquals(MANIFEST, m.body());
        assertEquals(Digest.sha256(MANIFEST), m.digest());
        assertEquals(Manifests.OCI_MANIFEST, m.contentType());
        client.manifest(image("app"), "v1", alice);
        assertEquals(1, tokenCalls.get(), "the token is reused for the repository");
    }

    @Test
    void aTokenIsNeverReusedForOtherCredentials() {
        RegistryClient client = client();
        client.manifest(image("app"), "v1", new RegistryClient.Credentials("alice", "secret"));
        assertThrows(RegistryException.class, () -> client.manifest(image("app"), "v1",
                new RegistryClient.Credentials("alice", "guess")));
        assertThrows(RegistryException.class, () -> client.manifest(image("app"), "v1", RegistryClient.Credentials.NONE));
    }

    @Test
    void blobRedirectsToStorageCarryNoCredentials() throws IOException {
        RegistryClient client = client();
        try (InputStream in = client.blob(image("app"), BLOB_DIGEST, new RegistryClient.Credentials("alice", "secret"))) {
            assertArrayEquals(BLOB, in.readAllBytes());
        }
        assertEquals(List.of("null"), storageAuthorizations);
    }

    @Test
    void aBlobThatStallsMidwayFailsInsteadOfHanging() throws IOException {
        RegistryClient client = new RegistryClient(java.net.http.HttpClient.newBuilder().build(),
                new RegistrySettings(Set.of(), "", Duration.ofSeconds(2), Duration.ofMillis(300), 1, Duration.ZERO), sleeps::add);
        try (InputStream in = client.blob(image("stall"), BLOB_DIGEST, RegistryClient.Credentials.NONE)) {
            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertTrue(e.getMessage().contains("no data for"), e.getMessage());
        }
    }

    @Test
    void aWrongPasswordIsAClearError() {
        GardenException e = assertThrows(GardenException.class, () -> client().manifest(image("app"), "v1",
                new RegistryClient.Credentials("alice", "wrong")));
        assertTrue(e.getMessage().contains("authentication refused by the token service"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong"), "no password in messages");
    }

    @Test
    void basicChallengeUsesTheCredentials() {
        assertArrayEquals(MANIFEST, client().manifest(image("basic"), "v1", new RegistryClient.Credentials("bob", "pw")).body());
        RegistryException anonymous = assertThrows(RegistryException.class,
                () -> client().manifest(image("basic"), "v1", RegistryClient.Credentials.NONE));
        assertTrue(anonymous.getMessage().contains("asks for credentials and none were given"), anonymous.getMessage());
        RegistryException wrong = assertThrows(RegistryException.class,
                () -> client().manifest(image("basic"), "v1", new RegistryClient.Credentials("bob", "nope")));
        assertEquals(401, wrong.status());
        assertTrue(wrong.getMessage().contains("authentication refused by the registry"), wrong.getMessage());
    }

    @Test
    void aMissingTagSaysNotFound() {
        RegistryException e = assertThrows(RegistryException.class, () -> client().manifest(image("app"), "nope",
                new RegistryClient.Credentials("alice", "secret")));
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("MANIFEST_UNKNOWN"), e.getMessage());
    }

    @Test
    void serverErrorsAreTriedAgainWithBackoff() {
        assertArrayEquals(MANIFEST, client().manifest(image("flaky"), "v1", RegistryClient.Credentials.NONE).body());
        assertEquals(3, flakyCalls.get());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), sleeps);
    }

    @Test
    void anUnreachableRegistryIsAClearErrorAfterTheTries() throws IOException {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        ImageUri.Registry nowhere = (ImageUri.Registry) ImageUri.parse("docker://127.0.0.1:" + closed + "/app#v1");
        RegistryException e = assertThrows(RegistryException.class, () -> client().manifest(nowhere, "v1",
                RegistryClient.Credentials.NONE));
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
        assertEquals(2, sleeps.size());
    }

    @Test
    void aManifestWhoseDigestDiffersFromThePinnedOneIsRefused() {
        Digest other = Digest.sha256("other".getBytes());
        // the flaky repository serves MANIFEST for any reference
        flakyCalls.set(10);
        RegistryException e = assertThrows(RegistryException.class, () -> client().manifest(image("flaky"),
                other.toString(), RegistryClient.Credentials.NONE));
        assertTrue(e.getMessage().contains("digest mismatch"), e.getMessage());
    }

    @Test
    void loopbackIsPlainHttpAndOthersHttpsUnlessInsecure() {
        RegistryClient plain = new RegistryClient(new RegistrySettings(Set.of("reg.internal:5000"), "mirror.local:5001",
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Duration.ZERO));
        assertEquals("http://127.0.0.1:5000", plain.base((ImageUri.Registry) ImageUri.parse("docker://127.0.0.1:5000/a")).toString());
        assertEquals("http://localhost:5000", plain.base((ImageUri.Registry) ImageUri.parse("docker://localhost:5000/a")).toString());
        assertEquals("http://[::1]:5000", plain.base((ImageUri.Registry) ImageUri.parse("docker://[::1]:5000/a")).toString());
        assertEquals("http://reg.internal:5000", plain.base((ImageUri.Registry) ImageUri.parse("docker://reg.internal:5000/a")).toString());
        assertEquals("https://quay.io", plain.base((ImageUri.Registry) ImageUri.parse("docker://quay.io/a")).toString());
        assertEquals("https://mirror.local:5001", plain.base((ImageUri.Registry) ImageUri.parse("docker:///busybox")).toString());
        RegistryClient hub = new RegistryClient(RegistrySettings.defaults());
        assertEquals("https://registry-1.docker.io", hub.base((ImageUri.Registry) ImageUri.parse("docker:///busybox")).toString());
        assertFalse(RegistryClient.isLoopback("127.0.0.1.example.com"));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }
}
