package io.greenhouse.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Java client for the Garden API speaking the same wire protocol as the Go client
 * (code.cloudfoundry.org/garden/client): JSON bodies, Garden error JSON on failure. Written for
 * Greenhouse's tests; process streams use {@link #rawUri} with a socket of their own.
 */
public final class GardenClient {
    private final URI base;

    public GardenClient(URI base) {
        // Like the Go client (DisableKeepAlives), every request asks for its own connection. Liberty
        // closes a connection after an error status, and a reused one would then fail.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
        this.base = base;
    }

    public URI base() {
        return base;
    }

    public URI rawUri(String path) {
        return base.resolve(path);
    }

    public void ping() {
        call("GET", "/ping", null);
    }

    public JsonObject capacity() {
        return call("GET", "/capacity", null).asJsonObject();
    }

    /** Creates a container from a garden.ContainerSpec JSON object; returns its handle. */
    public String create(JsonObject spec) {
        return call("POST", "/containers", spec.toString()).asJsonObject().getString("Handle");
    }

    public String create(String handle) {
        return create(Json.createObjectBuilder().add("handle", handle).build());
    }

    public void destroy(String handle) {
        call("DELETE", "/containers/" + enc(handle), null);
    }

    public List<String> list(Map<String, String> properties) {
        String query = properties.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        JsonObject o = call("GET", "/containers" + (query.isEmpty() ? "" : "?" + query), null).asJsonObject();
        List<String> handles = new ArrayList<>();
        o.getJsonArray("Handles").forEach(v -> handles.add(((jakarta.json.JsonString) v).getString()));
        return handles;
    }

    public JsonObject info(String handle) {
        return call("GET", "/containers/" + enc(handle) + "/info", null).asJsonObject();
    }

    public JsonObject bulkInfo(List<String> handles) {
        return call("GET", "/containers/bulk_info?handles=" + enc(String.join(",", handles)), null).asJsonObject();
    }

    public JsonObject metrics(String handle) {
        return call("GET", "/containers/" + enc(handle) + "/metrics", null).asJsonObject();
    }

    public JsonObject bulkMetrics(List<String> handles) {
        return call("GET", "/containers/bulk_metrics?handles=" + enc(String.join(",", handles)), null).asJsonObject();
    }

    public void stop(String handle, boolean kill) {
        call("PUT", "/containers/" + enc(handle) + "/stop", "{\"kill\":" + kill + "}");
    }

    public void setGraceTime(String handle, Duration graceTime) {
        call("PUT", "/containers/" + enc(handle) + "/grace_time", Long.toString(graceTime.toNanos()));
    }

    public JsonObject properties(String handle) {
        return call("GET", "/containers/" + enc(handle) + "/properties", null).asJsonObject();
    }

    public String property(String handle, String key) {
        return call("GET", "/containers/" + enc(handle) + "/properties/" + enc(key), null)
                .asJsonObject().getString("value");
    }

    public void setProperty(String handle, String key, String value) {
        call("PUT", "/containers/" + enc(handle) + "/properties/" + enc(key),
                Json.createObjectBuilder().add("value", value).build().toString());
    }

    public void removeProperty(String handle, String key) {
        call("DELETE", "/containers/" + enc(handle) + "/properties/" + enc(key), null);
    }

    public JsonObject limits(String handle, String kind) {
        return call("GET", "/containers/" + enc(handle) + "/limits/" + kind, null).asJsonObject();
    }

    /**
     * StreamIn: sends {@code tar} as the body, chunked, as the Go client does; returns once the
     * server has extracted it.
     */
    public void streamIn(String handle, String destination, String user, java.io.InputStream tar) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/containers/" + enc(handle) + "/files?destination="
                        + enc(destination) + "&user=" + enc(user)))
                .timeout(Duration.ofMinutes(30))
                .header("Content-Type", "application/x-tar")
                .header("Connection", "close")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> tar))
                .build();
        HttpResponse<String> r = sendAlone(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() < 200 || r.statusCode() > 299) {
            throw error(r.statusCode(), parse(r.body()), r.body());
        }
    }

    /** StreamOut: the tar stream of {@code source}, read as it is produced; the caller closes it. */
    public java.io.InputStream streamOut(String handle, String source, String user) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/containers/" + enc(handle) + "/files?source="
                        + enc(source) + "&user=" + enc(user)))
                .timeout(Duration.ofMinutes(30))
                .header("Connection", "close")
                .GET()
                .build();
        HttpResponse<java.io.InputStream> r = sendAlone(request, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() < 200 || r.statusCode() > 299) {
            String body;
            try (java.io.InputStream in = r.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw error(r.statusCode(), parse(body), body);
        }
        return r.body();
    }

    /**
     * On a client of its own, so on a connection of its own, as the Go client streams (its
     * noKeepaliveClient). "Connection: close" alone is not enough: the cell removes the Connection
     * header from its answers, so a shared java.net.http client pools the connection Liberty
     * closes and the next request on it fails.
     */
    private static <T> HttpResponse<T> sendAlone(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        HttpClient alone = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try {
            return alone.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a request with a raw body and returns status and body text, for wire-format tests. */
    public HttpResponse<String> raw(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(2))
                .header("Connection", "close");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return sendAlone(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonValue call(String method, String path, String body) {
        HttpResponse<String> r = raw(method, path, body);
        JsonValue value = parse(r.body());
        if (r.statusCode() < 200 || r.statusCode() > 299) {
            throw error(r.statusCode(), value, r.body());
        }
        return value;
    }

    static GardenClientException error(int status, JsonValue value, String body) {
        if (value instanceof JsonObject o) {
            return new GardenClientException(status, o.getString("Type", ""), o.getString("Message", body),
                    o.getString("Handle", ""), o.getString("ProcessID", ""));
        }
        return new GardenClientException(status, "", "non-JSON error body: " + body, "", "");
    }

    static JsonValue parse(String body) {
        if (body == null || body.isBlank()) {
            return JsonValue.NULL;
        }
        try {
            JsonStructure s = Json.createReader(new StringReader(body)).read();
            return s;
        } catch (RuntimeException e) {
            return Json.createValue(body);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
