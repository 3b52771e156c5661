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
    private final HttpClient http;

    public GardenClient(URI base) {
        // Like the Go client (DisableKeepAlives), every request asks for its own connection. Liberty
        // closes a connection after an error status, and a reused one would then fail.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
        this.base = base;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
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

    /** NetIn: {"host_port":N,"container_port":M} as the cell answered. */
    public JsonObject netIn(String handle, long hostPort, long containerPort) {
        return call("POST", "/containers/" + enc(handle) + "/net/in",
                "{\"host_port\":" + hostPort + ",\"container_port\":" + containerPort + "}").asJsonObject();
    }

    public void netOut(String handle, JsonObject rule) {
        call("POST", "/containers/" + enc(handle) + "/net/out", rule.toString());
    }

    public void bulkNetOut(String handle, jakarta.json.JsonArray rules) {
        call("POST", "/containers/" + enc(handle) + "/net/out/bulk", rules.toString());
    }

    public JsonObject limits(String handle, String kind) {
        return call("GET", "/containers/" + enc(handle) + "/limits/" + kind, null).asJsonObject();
    }

    /** Runs a process (a garden.ProcessSpec JSON object) over a hijacked connection. */
    public GardenProcess run(String handle, JsonObject spec, ProcessStreams streams) {
        return hijack("POST", "/containers/" + enc(handle) + "/processes", spec.toString(), "", handle, streams);
    }

    /**
     * Runs a process, sending {@code trailing} (process payloads) in the same write as the request,
     * as a fast client may.
     */
    public GardenProcess runWithTrailing(String handle, JsonObject spec, String trailing, ProcessStreams streams) {
        return hijack("POST", "/containers/" + enc(handle) + "/processes", spec.toString(), trailing, handle, streams);
    }

    public GardenProcess attach(String handle, String processId, ProcessStreams streams) {
        return hijack("GET", "/containers/" + enc(handle) + "/processes/" + enc(processId), null, "", handle, streams);
    }

    private GardenProcess hijack(String method, String path, String body, String trailing, String handle,
                                 ProcessStreams streams) {
        try {
            java.net.Socket socket = connect();
            java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            writeRequest(socket, method, path, body, trailing);
            readHeaders(in, socket);
            String first = GardenProcess.readLine(in);
            if (first == null) {
                socket.close();
                throw new IOException("connection closed before the process id");
            }
            JsonObject hello = Json.createReader(new StringReader(first)).readObject();
            GardenProcess p = new GardenProcess(socket, in, hello.getString("process_id"), hello.getString("stream_id"));
            String base = "/containers/" + enc(handle) + "/processes/" + enc(p.id()) + "/attaches/" + enc(p.streamId());
            if (streams.stdout() != null) {
                openStream(p, base + "/stdout", streams.stdout());
            }
            if (streams.stderr() != null) {
                openStream(p, base + "/stderr", streams.stderr());
            }
            p.startWaiting();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void openStream(GardenProcess p, String path, java.io.OutputStream sink) throws IOException {
        java.net.Socket s = connect();
        java.io.InputStream in = new java.io.BufferedInputStream(s.getInputStream());
        writeRequest(s, "GET", path, null, "");
        readHeaders(in, s);
        p.streamTo(s, in, sink);
    }

    private java.net.Socket connect() throws IOException {
        java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort());
        s.setTcpNoDelay(true);
        return s;
    }

    private static void writeRequest(java.net.Socket s, String method, String path, String body, String trailing)
            throws IOException {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: api\r\nUser-Agent: Go-http-client/1.1\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\n")
                + "Content-Length: " + b.length + "\r\n\r\n";
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        all.write(head.getBytes(StandardCharsets.US_ASCII));
        all.write(b);
        all.write(trailing.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().write(all.toByteArray());
        s.getOutputStream().flush();
    }

    /**
     * Reads the response head. A failure status throws the Garden error; a success must look the
     * way httputil.ClientConn needs it: not chunked, no Connection: close, not 101.
     */
    private static void readHeaders(java.io.InputStream in, java.net.Socket s) throws IOException {
        String status = GardenProcess.readLine(in);
        if (status == null) {
            s.close();
            throw new IOException("connection closed before a response");
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> headers = new java.util.HashMap<>();
        for (String line; (line = GardenProcess.readLine(in)) != null && !line.strip().isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).strip());
        }
        if (code < 200 || code > 299) {
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            s.close();
            throw error(code, parse(body), body);
        }
        if (headers.containsKey("transfer-encoding") || headers.containsKey("connection") || code == 101) {
            s.close();
            throw new IOException("response the Go client cannot hijack: " + status + " " + headers);
        }
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
        return streamedBody(request);
    }

    /** The answer's body as it arrives; an error answer, read whole, becomes the Garden error it carries. */
    private java.io.InputStream streamedBody(HttpRequest request) {
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
     * Checkpoint (issue 16, an extension the Go client does not know): dumps the container's
     * processes with criu; unless {@code leaveRunning} it is then "checkpointed" until {@link #restore}.
     */
    public void checkpoint(String handle, boolean leaveRunning) {
        longCall(handle, "POST", "/checkpoint", leaveRunning ? "{\"leave_running\":true}" : "");
    }

    /** Starts a checkpointed container again from its checkpoint. */
    public void restore(String handle) {
        longCall(handle, "POST", "/restore", "");
    }

    private void longCall(String handle, String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/containers/" + enc(handle) + path))
                .timeout(Duration.ofMinutes(10))
                .header("Connection", "close")
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r = sendAlone(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() < 200 || r.statusCode() > 299) {
            throw error(r.statusCode(), parse(r.body()), r.body());
        }
    }

    /** The archive of a checkpointed container (manifest, writable layer, dump), read as it is produced; the caller closes it. */
    public java.io.InputStream exportCheckpoint(String handle) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/containers/" + enc(handle) + "/checkpoint"))
                .timeout(Duration.ofMinutes(30))
                .header("Connection", "close")
                .header("Accept", "application/x-tar")
                .GET()
                .build();
        return streamedBody(request);
    }

    /** Makes container {@code handle} on this cell from another cell's archive, checkpointed; returns its handle. */
    public String importCheckpoint(String handle, java.io.InputStream archive) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/containers/" + enc(handle) + "/checkpoint"))
                .timeout(Duration.ofMinutes(30))
                .header("Content-Type", "application/x-tar")
                .header("Connection", "close")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> archive))
                .build();
        HttpResponse<String> r = sendAlone(request, HttpResponse.BodyHandlers.ofString());
        JsonValue value = parse(r.body());
        if (r.statusCode() < 200 || r.statusCode() > 299) {
            throw error(r.statusCode(), value, r.body());
        }
        return value.asJsonObject().getString("Handle");
    }

    /**
     * Moves a container to another cell: checkpoints it here (unless it already is), streams its
     * archive straight into {@code target}, restores it there and destroys it here. If the import
     * or the restore there fails, the container stays here, checkpointed (restore it to go on here),
     * and whatever the target made is destroyed.
     */
    public String migrate(String handle, GardenClient target) {
        if (!"checkpointed".equals(info(handle).getString("State", ""))) {
            checkpoint(handle, false);
        }
        String moved;
        try (java.io.InputStream archive = exportCheckpoint(handle)) {
            moved = target.importCheckpoint(handle, archive);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            target.restore(moved);
        } catch (RuntimeException e) {
            try {
                target.destroy(moved);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        destroy(handle);
        return moved;
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
