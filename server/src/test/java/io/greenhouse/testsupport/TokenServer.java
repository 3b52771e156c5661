package io.greenhouse.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The token service of a registry with token auth, as Docker Hub runs one: a 401 from the registry
 * names this realm, which answers Basic credentials with a JWT (RS256, the signing certificate in
 * {@code x5c}) granting the scope asked for. The registry trusts the certificate, which keytool
 * makes. Starts on a free loopback port.
 */
public final class TokenServer implements AutoCloseable {
    public static final String ISSUER = "greenhouse-test-issuer";
    public static final String SERVICE = "greenhouse-test-registry";

    private final HttpServer server;
    private final PrivateKey key;
    private final X509Certificate cert;
    private final String username;
    private final String password;

    public TokenServer(Path dir, String username, String password) {
        this.username = username;
        this.password = password;
        try {
            Files.createDirectories(dir);
            Path store = dir.resolve("token.p12");
            Files.deleteIfExists(store);
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            String out = HostTraces.run(keytool, "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-alias", "token",
                    "-dname", "CN=greenhouse-test-token", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, "changeit".toCharArray());
            } catch (IOException e) {
                throw new IllegalStateException("keytool: " + out, e);
            }
            key = (PrivateKey) ks.getKey("token", "changeit".toCharArray());
            cert = (X509Certificate) ks.getCertificate("token");
            Files.writeString(dir.resolve("token.pem"), "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/token", this::token);
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** A token for the scope, as the registry client would get one (the push helper uses it). */
    public String tokenFor(String scope) {
        return jwt(scope);
    }

    private void token(HttpExchange ex) throws IOException {
        String expected = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            reply(ex, 401, "{\"details\":\"wrong credentials\"}");
            return;
        }
        String scope = "";
        String query = ex.getRequestURI().getRawQuery();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.startsWith("scope=")) {
                scope = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        reply(ex, 200, "{\"token\":\"" + jwt(scope) + "\"}");
    }

    private String jwt(String scope) {
        try {
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5c\":[\"" + Base64.getEncoder().encodeToString(cert.getEncoded()) + "\"]}";
            StringBuilder access = new StringBuilder();
            if (!scope.isEmpty()) {
                // repository:NAME:ACTIONS
                String[] parts = scope.split(":");
                access.append("{\"type\":\"").append(parts[0]).append("\",\"name\":\"").append(parts[1])
                        .append("\",\"actions\":[");
                String[] actions = parts[2].split(",");
                for (int i = 0; i < actions.length; i++) {
                    access.append(i > 0 ? "," : "").append('"').append(actions[i]).append('"');
                }
                access.append("]}");
            }
            long now = Instant.now().getEpochSecond();
            String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + username + "\",\"aud\":\"" + SERVICE + "\",\"exp\":"
                    + (now + 600) + ",\"nbf\":" + (now - 60) + ",\"iat\":" + now + ",\"jti\":\"" + UUID.randomUUID()
                    + "\",\"access\":[" + access + "]}";
            String signed = url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + url.encodeToString(rsa.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
