package io.greenhouse.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Garden port with mutual TLS (greenhouse.tls.*): the test makes a CA of its own with keytool,
 * a server certificate for 127.0.0.1 and a client certificate it signs, restarts the test cell
 * with them, and shows a client with the certificate served (create, info, destroy), one without
 * a certificate and one with a certificate of another CA refused in the handshake, and plain HTTP
 * no longer answered. The cell goes back to plain HTTP afterwards.
 */
// The restart is a warm one (the cell ran plain HTTP before): the case where an <include> chosen by
// the setting stayed plain HTTP, because Liberty kept the include list of the earlier start.
class MutualTlsIT extends CellTestSupport {
    private static final String PASSWORD = "greenhouse-test";
    private Path dir;

    @BeforeEach
    void makeCertificates() throws IOException {
        // fresh stores each time: keytool refuses to add a key pair to a store left by an earlier run
        io.greenhouse.linux.FileTrees.delete(cell.work.resolve("tls-it"));
        dir = Files.createDirectories(cell.work.resolve("tls-it"));
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=greenhouse-test-ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-ext", "bc:c", "-validity", "2", "-keystore", file("ca.p12"));
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-file", file("ca.pem"));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.pem"), "-keystore", file("trust.p12"));
        signed("server", "CN=127.0.0.1", "san=ip:127.0.0.1", "eku=serverAuth");
        signed("client", "CN=garden-client", "eku=clientAuth", "ku=digitalSignature");
        keytool("-genkeypair", "-alias", "rogue", "-dname", "CN=rogue", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-keystore", file("rogue.p12"));
    }

    /** A key pair in NAME.p12 whose certificate the CA signed, stored with the CA's certificate as its chain. */
    private void signed(String name, String dname, String... extensions) {
        keytool("-genkeypair", "-alias", name, "-dname", dname, "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-keystore", file(name + ".p12"));
        keytool("-certreq", "-alias", name, "-keystore", file(name + ".p12"), "-file", file(name + ".csr"));
        String[] gencert = {"-gencert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-validity", "2",
                "-infile", file(name + ".csr"), "-outfile", file(name + ".pem")};
        String[] args = Stream.concat(Stream.of(gencert),
                Stream.of(extensions).flatMap(e -> Stream.of("-ext", e))).toArray(String[]::new);
        keytool(args);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.pem"), "-keystore", file(name + ".p12"));
        keytool("-importcert", "-alias", name, "-file", file(name + ".pem"), "-keystore", file(name + ".p12"));
    }

    @AfterEach
    void backToPlainHttp() throws IOException {
        cell.stopServer();
        cell.startServer();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aClientWithACertificateOfTheTruststoresCaIsServedOthersAreRefused() throws Exception {
        cell.stopServer();
        cell.startServerWithoutWaiting(Map.of(
                "GREENHOUSE_TLS_ENABLED", "true",
                "GREENHOUSE_TLS_KEYSTORE", file("server.p12"),
                "GREENHOUSE_TLS_KEYSTORE_PASSWORD", PASSWORD,
                "GREENHOUSE_TLS_TRUSTSTORE", file("trust.p12"),
                "GREENHOUSE_TLS_TRUSTSTORE_PASSWORD", PASSWORD));
        URI https = URI.create("https://127.0.0.1:" + cell.url.getPort());
        HttpClient client = client(tls("client.p12"));
        // A maximum, as TestCell.startServer's: a loaded host has taken minutes to start the application.
        assertTrue(TestCell.eventually(Duration.ofMinutes(10), () -> answers(client, https.resolve("/ping"))),
                "the TLS cell never answered /ping");

        HttpResponse<String> created = client.send(HttpRequest.newBuilder(https.resolve("/containers"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"handle\":\"over-tls\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, created.statusCode(), created.body());
        assertEquals("{\"Handle\":\"over-tls\"}", created.body());
        HttpResponse<String> info = client.send(HttpRequest.newBuilder(https.resolve("/containers/over-tls/info")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(info.body().contains("\"State\":\"active\""), info.body());
        HttpResponse<String> destroyed = client.send(HttpRequest.newBuilder(https.resolve("/containers/over-tls"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, destroyed.statusCode(), destroyed.body());

        // No certificate: the server demands one and ends the handshake.
        HttpClient anonymous = client(tls(null));
        assertThrows(IOException.class, () -> anonymous.send(HttpRequest.newBuilder(https.resolve("/ping")).build(),
                HttpResponse.BodyHandlers.ofString()));
        // A certificate no CA of the truststore signed.
        HttpClient rogue = client(tls("rogue.p12"));
        assertThrows(IOException.class, () -> rogue.send(HttpRequest.newBuilder(https.resolve("/ping")).build(),
                HttpResponse.BodyHandlers.ofString()));
        // Plain HTTP on the port gets no Garden answer.
        IOException plain = assertThrows(IOException.class, () -> client(null).send(
                HttpRequest.newBuilder(cell.url.resolve("/ping")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()));
        assertTrue(!(plain instanceof ConnectException), "the port itself still listens: " + plain);

        // Liberty serves every application on every endpoint: the admin center's HTTPS port (no
        // client certificate) must not be a way around the Garden port's.
        URI admin = URI.create(System.getProperty("greenhouse.test.adminUrl", "https://127.0.0.1:27788"));
        HttpClient adminClient = client(trustingEveryone());
        for (String route : java.util.List.of("/ping", "/containers", "/containers/x/processes")) {
            HttpRequest.Builder request = HttpRequest.newBuilder(admin.resolve(route));
            HttpResponse<String> r = adminClient.send(route.endsWith("processes")
                    ? request.POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"true\"}")).build() : request.build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, r.statusCode(), route + ": " + r.body());
            assertTrue(r.body().contains("not served on the admin center's port"), r.body());
        }
    }

    /** The admin center's certificate is Liberty's self-signed one. */
    private static SSLContext trustingEveryone() throws Exception {
        // Extended: JSSE then leaves the host name check to it as well (the certificate names localhost).
        javax.net.ssl.X509ExtendedTrustManager all = new javax.net.ssl.X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType, java.net.Socket s) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType, java.net.Socket s) {
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType,
                                           javax.net.ssl.SSLEngine e) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType,
                                           javax.net.ssl.SSLEngine e) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {all}, null);
        return context;
    }

    private static boolean answers(HttpClient client, URI ping) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(ping).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().equals("{}");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static HttpClient client(SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        return tls == null ? b.build() : b.sslContext(tls).build();
    }

    /** Trusts the test CA; presents the key pair in KEYSTORE, or no certificate at all. */
    private SSLContext tls(String keystore) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load("trust.p12"));
        KeyManagerFactory keys = null;
        if (keystore != null) {
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(keystore), PASSWORD.toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private KeyStore load(String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name))) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private static void keytool(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String[] command = Stream.concat(Stream.of(Path.of(java).resolveSibling("keytool").toString()),
                Stream.concat(Stream.of(args), Stream.of("-storetype", "PKCS12", "-storepass", PASSWORD)))
                .toArray(String[]::new);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + ": " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
