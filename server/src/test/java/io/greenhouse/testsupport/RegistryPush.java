package io.greenhouse.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Pushes blobs and manifests to a registry on loopback with the v2 upload API (monolithic uploads). */
public final class RegistryPush {
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;
    private final String authorization;

    public RegistryPush(URI base, String username, String password) {
        this(base, username == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** With a ready Authorization header (a bearer token from the registry's token service). */
    public RegistryPush(URI base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    /** Pushes the image's blobs and its manifest under {@code tag}; returns the manifest's digest. */
    public String push(String repository, String tag, OciImage image) {
        for (OciImage.Blob b : image.blobs()) {
            blob(repository, b);
        }
        return manifest(repository, tag, image.manifest());
    }

    public void blob(String repository, OciImage.Blob blob) {
        if (send(request("/v2/" + repository + "/blobs/" + blob.digest()).method("HEAD", HttpRequest.BodyPublishers.noBody()))
                .statusCode() == 200) {
            return;
        }
        HttpResponse<String> started = send(request("/v2/" + repository + "/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(202, started, "starting the upload of " + blob.digest());
        String location = started.headers().firstValue("Location").orElseThrow();
        URI upload = base.resolve(location);
        URI done = URI.create(upload + (upload.getQuery() == null ? "?" : "&") + "digest=" + blob.digest());
        HttpRequest.Builder put = HttpRequest.newBuilder(done).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob.data()));
        if (authorization != null) {
            put.header("Authorization", authorization);
        }
        expect(201, send(put), "uploading " + blob.digest());
    }

    public String manifest(String repository, String reference, OciImage.Blob manifest) {
        HttpResponse<String> r = send(request("/v2/" + repository + "/manifests/" + reference)
                .header("Content-Type", manifest.mediaType()).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.data())));
        expect(201, r, "putting manifest " + reference);
        return manifest.digest();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void expect(int status, HttpResponse<String> r, String what) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(what + ": " + r.statusCode() + " " + r.body());
        }
    }
}
