package io.greenhouse.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input to every route (each JAX-RS resource method of io.greenhouse.api, found by
 * reflection, and the hijacked process routes): a fixed seed, a few thousand cases of malformed,
 * oversized and wrongly typed bodies, hostile path and query values, out-of-range numbers and
 * unknown enum values, mutated from a valid body for the route. Each answer must be a success or
 * Garden's error JSON (Type, Message, Handle, ProcessID, Binary) with Garden's status, never an
 * unexpected exception's; the cell must keep answering /ping; and afterwards nothing (container,
 * mount, cgroup, process monitor, veth, chain) is left (CellTestSupport).
 */
class ApiFuzzIT extends CellTestSupport {
    private static final long SEED = 20_261_202L;
    private static final int CASES = Integer.getInteger("greenhouse.fuzz.cases", 3000);
    private static final String TARGET = "fuzz-target";
    private static final String CREATED = "fuzz-created";
    /** The server's default greenhouse.api.max-body-bytes, and a bit more. */
    private static final int OVERSIZED = (8 << 20) + 1024;
    private static final Set<String> ERROR_TYPES = Set.of("", "ContainerNotFoundError", "ProcessNotFoundError",
            "ExecutableNotFoundError", "ServiceUnavailableError", "UnrecoverableError");
    /** What an exception the API did not expect is rendered as (GardenExceptionMapper): a bug. */
    private static final Pattern UNEXPECTED = Pattern.compile("^[A-Z]\\w*(Exception|Error): ");
    private static final List<String> HOSTILE = List.of("", " ", ".", "..", "../../etc/passwd", "a/b", "-rf",
            "$(id)", "`id`", "x;rm -rf /", "a\nb", "\u0000", "\r\nX-Injected: 1", "%", "ü∂≈", "\uD83D\uDE00",
            "*", "?", "#", "x".repeat(5000), "--help", "'\"", "{\"a\":1}", "0", "-1", "18446744073709551616");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Random random = new Random(SEED);

    /** A route and a valid body to mutate (null: it takes none). */
    private record Route(String method, String path, JsonValue body) {
    }

    private static List<Route> routes() {
        JsonObject rule = json("{\"protocol\":1,\"networks\":[{\"start\":\"10.253.0.1\",\"end\":\"10.253.0.2\"}],"
                + "\"ports\":[{\"start\":80,\"end\":81}],\"icmps\":{\"type\":8,\"code\":0},\"log\":false}");
        JsonObject spec = json("{\"handle\":\"" + CREATED + "\",\"grace_time\":3600000000000,\"rootfs\":\"\","
                + "\"image\":{\"uri\":\"\",\"username\":\"\",\"password\":\"\"},\"network\":\"\",\"privileged\":false,"
                + "\"properties\":{\"a\":\"b\"},\"env\":[\"A=1\"],"
                + "\"bind_mounts\":[{\"src_path\":\"/etc\",\"dst_path\":\"/mnt/etc\",\"mode\":0,\"origin\":0}],"
                + "\"limits\":{\"memory_limits\":{\"limit_in_bytes\":134217728},\"cpu_limits\":{\"limit_in_shares\":10,"
                + "\"weight\":0},\"pid_limits\":{\"max\":100},\"bandwidth_limits\":{\"rate\":1000000,\"burst\":100000},"
                + "\"disk_limits\":{\"byte_hard\":0,\"inode_hard\":0,\"scope\":0}},"
                + "\"netin\":[{\"host_port\":0,\"container_port\":8080}],\"netout_rules\":[" + rule + "]}");
        JsonObject process = json("{\"id\":\"\",\"path\":\"true\",\"args\":[\"a\"],\"env\":[\"A=1\"],\"dir\":\"/\","
                + "\"user\":\"root\",\"rlimits\":{\"nofile\":1024},\"tty\":{\"window_size\":{\"columns\":80,\"rows\":24}}}");
        return List.of(
                new Route("GET", "/ping", null),
                new Route("GET", "/capacity", null),
                new Route("GET", "/debug/vars", null),
                new Route("GET", "/containers", null),
                new Route("POST", "/containers", spec),
                new Route("GET", "/containers/bulk_info", null),
                new Route("GET", "/containers/bulk_metrics", null),
                new Route("GET", "/containers/{handle}/info", null),
                new Route("GET", "/containers/{handle}/metrics", null),
                new Route("DELETE", "/containers/{handle}", null),
                new Route("PUT", "/containers/{handle}/stop", json("{\"kill\":false}")),
                new Route("PUT", "/containers/{handle}/grace_time", Json.createValue(3_600_000_000_000L)),
                new Route("GET", "/containers/{handle}/limits/memory", null),
                new Route("GET", "/containers/{handle}/limits/cpu", null),
                new Route("GET", "/containers/{handle}/limits/disk", null),
                new Route("GET", "/containers/{handle}/limits/bandwidth", null),
                new Route("GET", "/containers/{handle}/properties", null),
                new Route("GET", "/containers/{handle}/properties/{key}", null),
                new Route("PUT", "/containers/{handle}/properties/{key}", json("{\"value\":\"v\"}")),
                new Route("DELETE", "/containers/{handle}/properties/{key}", null),
                new Route("POST", "/containers/{handle}/net/in", json("{\"host_port\":0,\"container_port\":8080}")),
                new Route("POST", "/containers/{handle}/net/out", rule),
                new Route("POST", "/containers/{handle}/net/out/bulk", Json.createArrayBuilder().add(rule).build()),
                new Route("POST", "/containers/{handle}/checkpoint", json("{\"leave_running\":true}")),
                new Route("POST", "/containers/{handle}/restore", null),
                new Route("GET", "/containers/{handle}/checkpoint", null),
                new Route("PUT", "/containers/{handle}/checkpoint", null),
                new Route("PUT", "/containers/{handle}/files", null),
                new Route("GET", "/containers/{handle}/files", null),
                // The hijacked routes, served by the stream filter.
                new Route("POST", "/containers/{handle}/processes", process),
                new Route("GET", "/containers/{handle}/processes/{pid}", null),
                new Route("GET", "/containers/{handle}/processes/{pid}/attaches/{streamid}/stdout", null),
                new Route("GET", "/containers/{handle}/processes/{pid}/attaches/{streamid}/stderr", null));
    }

    @Test
    void everyRouteAnswersHostileInputWithGardenErrorsAndKeepsServing() throws Exception {
        List<Route> routes = routes();
        Set<String> fuzzed = new TreeSet<>();
        routes.forEach(r -> fuzzed.add(r.method() + " " + r.path()));
        for (String route : OpenApiIT.jaxRsRoutes()) {
            assertTrue(fuzzed.contains(route), "no fuzz template for " + route + ": add it to ApiFuzzIT.routes()");
        }

        cell.client.create(TARGET);
        Map<String, Integer> answers = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int oversized = 0;
        long started = System.nanoTime();
        for (int i = 0; i < CASES; i++) {
            Route route = routes.get(random.nextInt(routes.size()));
            boolean huge = oversized < 4 && route.body() != null && random.nextInt(200) == 0;
            oversized += huge ? 1 : 0;
            byte[] body = huge ? oversizedBody() : body(route);
            URI uri = uri(route);
            Answer response;
            try {
                try {
                    response = send(route, uri, body);
                } catch (IOException e) {
                    // A pooled connection the server had closed (after its web container's own
                    // error page): HttpClient sends the next request on it once; so does this.
                    if (huge || !String.valueOf(e.getMessage()).contains("received no bytes")) {
                        throw e;
                    }
                    response = send(route, uri, body);
                }
            } catch (IOException e) {
                // An oversized body may be refused before the client finished sending it.
                if (!huge) {
                    failures.add(describe(i, route, uri, body) + ": " + e);
                }
                continue;
            }
            answers.merge(route.method() + " " + route.path() + " " + response.statusCode(), 1, Integer::sum);
            // Liberty's web container refuses an encoded '/' in a path segment itself (CWWWC0005I),
            // before any filter of the application runs: its own error page, not Garden's JSON.
            String problem = uri.getRawPath().contains("%2F") && response.statusCode() >= 400 ? null
                    : check(route, response, huge);
            if (problem != null) {
                failures.add(describe(i, route, uri, body) + ": " + problem);
            }
            if (route.path().equals("/containers") && route.method().equals("POST") && response.statusCode() == 200) {
                // A mutated spec may have dropped the handle: destroy whatever was made.
                destroyQuietly(Json.createReader(new StringReader(new String(response.body(), StandardCharsets.UTF_8)))
                        .readObject().getString("Handle", CREATED));
            }
            if (route.path().endsWith("/grace_time") && response.statusCode() == 200) {
                // A fuzzed grace time would let the reaper take the target: making it again is the
                // slowest thing a case can cause, so the target is put back to no grace time.
                http.send(HttpRequest.newBuilder(cell.url.resolve("/containers/" + TARGET + "/grace_time"))
                        .PUT(HttpRequest.BodyPublishers.ofString("0")).build(), HttpResponse.BodyHandlers.discarding());
            }
            if (i % 500 == 499) {
                System.out.printf("ApiFuzzIT: %d cases in %d ms%n", i + 1, (System.nanoTime() - started) / 1_000_000);
            }
            if (i % 50 == 0) {
                assertEquals("200 {}", ping(), "the cell stopped answering /ping after case " + i);
                if (!cell.client.list(Map.of()).contains(TARGET)) {
                    cell.client.create(TARGET); // a fuzzed destroy or grace time took it
                }
            }
        }
        System.out.printf("ApiFuzzIT: %d cases (%d oversized) in %d ms, answers %s%n", CASES, oversized,
                (System.nanoTime() - started) / 1_000_000, answers);
        assertEquals("200 {}", ping());
        assertTrue(failures.isEmpty(), failures.size() + " bad answers:\n" + String.join("\n",
                failures.subList(0, Math.min(40, failures.size()))));

        // Nothing the fuzz made survives it: the target is the only container, and once it is
        // destroyed no container, mount, runC container, cgroup, monitor, veth, chain or other
        // process of the cell's is left on the host.
        assertEquals(List.of(TARGET), cell.client.list(Map.of()), "containers left by the fuzz");
        cell.client.destroy(TARGET);
        assertTrue(TestCell.eventually(Duration.ofSeconds(20),
                () -> cell.leftovers().isEmpty() && cellProcesses().isEmpty()),
                () -> "left behind: " + cell.leftovers() + " " + cellProcesses());
    }

    /** Processes other than the server whose command line names the cell's depot or runtime roots. */
    private List<String> cellProcesses() {
        long server = cell.serverPid();
        List<String> markers = List.of(cell.depot.toString(), cell.runtimeRoot.toString(), cell.peasRuntimeRoot().toString());
        List<String> found = new ArrayList<>();
        ProcessHandle.allProcesses().filter(p -> p.pid() != server && p.pid() != ProcessHandle.current().pid())
                .forEach(p -> {
                    try {
                        String cmdline = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(p.pid()), "cmdline"));
                        if (markers.stream().anyMatch(cmdline::contains)) {
                            found.add(p.pid() + " " + cmdline.replace('\0', ' '));
                        }
                    } catch (IOException | java.io.UncheckedIOException e) {
                        // gone, or not ours to read
                    }
                });
        return found;
    }

    /** A status and the body read (none for a hijacked stream). */
    private record Answer(int statusCode, byte[] body) {
    }

    /**
     * The hijacked routes (Run, Attach, the output streams) go over a socket of their own that is
     * closed after the answer's head: a successful one turns the connection into the process's
     * stream, which the server keeps for stdin and signals until the client hangs up (as the Go
     * client does). Through HttpClient's pool (the server's headers carry no Connection: close),
     * the next request on that connection went into the stream and waited for the timeout.
     */
    private Answer send(Route route, URI uri, byte[] body) throws IOException, InterruptedException {
        if (route.path().contains("/processes")) {
            return sendAndHangUp(route, uri, body);
        }
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(route.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.body());
    }

    private static Answer sendAndHangUp(Route route, URI uri, byte[] body) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(60_000);
            byte[] payload = body == null ? new byte[0] : body;
            String head = route.method() + " " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nConnection: close\r\n"
                    + "Content-Length: " + payload.length + "\r\n\r\n";
            java.io.OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            String status = line(in);
            int code = Integer.parseInt(status.split(" ")[1]);
            int length = -1;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).strip());
                }
            }
            if (code / 100 == 2) {
                return new Answer(code, new byte[0]); // the process's stream: hang up
            }
            if (length < 0) {
                return new Answer(code, in.readAllBytes()); // Connection: close ends it
            }
            byte[] answer = new byte[length];
            in.readFully(answer);
            return new Answer(code, answer);
        }
    }

    private static String line(java.io.DataInputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed in the answer's head");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** Null when the answer is a success or a proper Garden error; else what is wrong with it. */
    private static String check(Route route, Answer response, boolean huge) {
        int status = response.statusCode();
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (status >= 200 && status < 300) {
            if (route.path().endsWith("/files") && route.method().equals("GET")) {
                return null; // a tar
            }
            if (text.isEmpty() && route.path().contains("/processes")) {
                return null; // a hijacked stream
            }
            try {
                Json.createReader(new StringReader(text)).readValue();
                return null;
            } catch (RuntimeException e) {
                return "success " + status + " without JSON: " + excerpt(text);
            }
        }
        JsonObject error;
        try {
            error = Json.createReader(new StringReader(text)).readObject();
        } catch (RuntimeException e) {
            // Liberty's web container refuses a URI with an encoded NUL, CR, LF, '#', '?' or '/' in
            // a segment, or an overlong one, itself (CWWWC0005I), before any filter of the
            // application runs: its own HTML page; the cell keeps serving (the /ping checks).
            if (status == 400 && (text.contains("CWWWC0005I") || text.startsWith("<!DOCTYPE html"))) {
                return null;
            }
            return "status " + status + " without Garden's error JSON: " + excerpt(text);
        }
        if (!error.keySet().equals(Set.of("Type", "Message", "Handle", "ProcessID", "Binary"))
                || !error.values().stream().allMatch(v -> v instanceof JsonString)) {
            return "status " + status + " with an error that is not Garden's: " + excerpt(text);
        }
        String type = error.getString("Type");
        String message = error.getString("Message");
        if (!ERROR_TYPES.contains(type)) {
            return "unknown error type " + type;
        }
        if (UNEXPECTED.matcher(message).find() || message.contains("\tat ")) {
            return "an unexpected failure: " + excerpt(message);
        }
        boolean notFound = type.equals("ContainerNotFoundError") || type.equals("ProcessNotFoundError");
        if (notFound && status != 404) {
            return type + " with status " + status;
        }
        if (huge && status != 413 && !notFound) {
            return "oversized body answered " + status + ": " + excerpt(message);
        }
        // 404 without a not-found type: a path that matches no route (a hostile segment such as "a/b");
        // 405: a route's path with another method (DELETE /containers/); both in Garden's error JSON.
        if (!(status == 500 || status == 404 || status == 413 || status == 405)) {
            return "status " + status + " is not Garden's: " + excerpt(text);
        }
        return null;
    }

    private URI uri(Route route) {
        String path = route.path();
        Matcher m = Pattern.compile("\\{(\\w+)}").matcher(path);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                // Destroying the target is rare: remaking it is the slowest thing a case can cause.
                // So are a checkpoint (CRIU) and a restore.
                case "handle" -> random.nextInt(10) < (rare(route) ? 1 : 7) ? TARGET : hostile();
                case "key" -> random.nextBoolean() ? "a" : hostile();
                default -> random.nextBoolean() ? "p1" : hostile();
            };
            m.appendReplacement(b, Matcher.quoteReplacement(encode(value)));
        }
        m.appendTail(b);
        if (random.nextInt(3) > 0) {
            b.append(query(route));
        }
        return cell.url.resolve(b.toString());
    }

    private static boolean rare(Route route) {
        return route.method().equals("DELETE") && !route.path().contains("properties")
                || route.path().endsWith("/checkpoint") || route.path().endsWith("/restore");
    }

    private String query(Route route) {
        List<String> names = switch (route.path()) {
            case "/containers/bulk_info", "/containers/bulk_metrics" -> List.of("handles");
            case "/containers/{handle}/files" -> List.of(route.method().equals("PUT") ? "destination" : "source", "user");
            case "/containers" -> List.of("a", hostile());
            default -> List.of(hostile());
        };
        StringBuilder q = new StringBuilder("?");
        for (String name : names) {
            String value = switch (name) {
                case "handles" -> random.nextBoolean() ? TARGET + "," + hostile() : hostile();
                case "destination", "source" -> random.nextBoolean() ? "/tmp/" : hostile();
                case "user" -> random.nextBoolean() ? "root" : hostile();
                default -> hostile();
            };
            q.append(encode(name)).append('=').append(encode(value)).append('&');
        }
        return q.substring(0, q.length() - 1);
    }

    private String hostile() {
        return HOSTILE.get(random.nextInt(HOSTILE.size()));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Null (no body), the valid body, a mutation of it, or garbage. */
    private byte[] body(Route route) {
        JsonValue template = route.body();
        int pick = random.nextInt(20);
        if (route.path().endsWith("/files") && route.method().equals("PUT")) {
            return pick < 4 ? new byte[0] : bytes(random.nextInt(2048)); // not a tar, or an empty one
        }
        if (template == null) {
            return pick < 15 ? null : garbage();
        }
        if (pick == 0) {
            return utf8(template.toString());
        }
        if (pick < 4) {
            return garbage();
        }
        if (pick < 6) {
            String text = template.toString();
            return utf8(text.substring(0, random.nextInt(text.length()))); // cut off
        }
        return utf8(noHostPorts(mutate(template, 1 + random.nextInt(3))).toString());
    }

    /**
     * The value with every valid explicit host port made 0 (the cell picks one of its pool): a
     * NetIn maps the host port on 127.0.0.1 too, and a fuzzed 22 or another engineer's port would
     * divert loopback traffic on this shared host into the container while it lives.
     */
    private static JsonValue noHostPorts(JsonValue value) {
        if (value instanceof JsonObject o) {
            JsonObjectBuilder b = Json.createObjectBuilder();
            o.forEach((key, v) -> b.add(key, key.equalsIgnoreCase("host_port") && v instanceof JsonNumber n
                    && n.bigDecimalValue().signum() > 0 && n.bigDecimalValue().compareTo(BigDecimal.valueOf(65536)) < 0
                    ? Json.createValue(0) : noHostPorts(v)));
            return b.build();
        }
        if (value instanceof JsonArray a) {
            JsonArrayBuilder b = Json.createArrayBuilder();
            a.forEach(v -> b.add(noHostPorts(v)));
            return b.build();
        }
        return value;
    }

    private byte[] garbage() {
        return switch (random.nextInt(10)) {
            case 0 -> new byte[0];
            case 1 -> utf8("null");
            case 2 -> utf8("[".repeat(1 + random.nextInt(50_000)));
            case 3 -> utf8("{\"a\":".repeat(1 + random.nextInt(5_000)));
            case 4 -> utf8("\"" + "x".repeat(random.nextInt(100_000)) + "\"");
            case 5 -> utf8("1e999999999");
            case 6 -> utf8("{\"handle\":\"\\ud800\"}");
            case 7 -> utf8("{} trailing");
            case 8 -> utf8("{\"a\":1,\"a\":\"b\"}");
            default -> bytes(1 + random.nextInt(512));
        };
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private byte[] oversizedBody() {
        StringBuilder b = new StringBuilder(OVERSIZED + 32).append("{\"handle\":\"");
        while (b.length() < OVERSIZED) {
            b.append("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        }
        return utf8(b.append("\"}").toString());
    }

    /** The value with N leaves or members replaced by values of other types, huge or out-of-range numbers. */
    private JsonValue mutate(JsonValue value, int times) {
        JsonValue v = value;
        for (int i = 0; i < times; i++) {
            v = mutateOnce(v, 0);
        }
        return v;
    }

    private JsonValue mutateOnce(JsonValue value, int depth) {
        if (value instanceof JsonObject o && !o.isEmpty() && random.nextInt(4) > 0) {
            List<String> keys = new ArrayList<>(o.keySet());
            String key = keys.get(random.nextInt(keys.size()));
            Map<String, JsonValue> copy = new LinkedHashMap<>(o);
            copy.put(key, mutateOnce(o.get(key), depth + 1));
            JsonObjectBuilder b = Json.createObjectBuilder();
            copy.forEach(b::add);
            if (random.nextInt(10) == 0) {
                b.add(hostile(), replacement());
            }
            return b.build();
        }
        if (value instanceof JsonArray a && !a.isEmpty() && random.nextInt(4) > 0) {
            int index = random.nextInt(a.size());
            JsonArrayBuilder b = Json.createArrayBuilder();
            for (int i = 0; i < a.size(); i++) {
                b.add(i == index ? mutateOnce(a.get(i), depth + 1) : a.get(i));
            }
            return b.build();
        }
        if (value instanceof JsonNumber && random.nextBoolean()) {
            return number();
        }
        return replacement();
    }

    private JsonValue number() {
        return switch (random.nextInt(10)) {
            case 0 -> Json.createValue(-1);
            case 1 -> Json.createValue(new BigDecimal("18446744073709551616"));
            case 2 -> Json.createValue(new BigDecimal("18446744073709551615"));
            case 3 -> Json.createValue(1.5);
            case 4 -> Json.createValue(new BigDecimal("1e400"));
            case 5 -> Json.createValue(65536);
            case 6 -> Json.createValue(256);
            case 7 -> Json.createValue(5 + random.nextInt(250)); // past every Garden enum
            case 8 -> Json.createValue(Long.MIN_VALUE);
            default -> Json.createValue(random.nextInt());
        };
    }

    private JsonValue replacement() {
        return switch (random.nextInt(9)) {
            case 0 -> JsonValue.NULL;
            case 1 -> JsonValue.TRUE;
            case 2 -> Json.createValue(hostile());
            case 3 -> number();
            case 4 -> JsonValue.EMPTY_JSON_ARRAY;
            case 5 -> JsonValue.EMPTY_JSON_OBJECT;
            case 6 -> Json.createArrayBuilder().add(hostile()).add(JsonValue.NULL).build();
            case 7 -> Json.createObjectBuilder().add(hostile(), hostile()).build();
            default -> Json.createValue("x".repeat(random.nextInt(10_000)));
        };
    }

    private String ping() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(cell.url.resolve("/ping"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    private void destroyQuietly(String handle) {
        try {
            cell.client.destroy(handle);
        } catch (RuntimeException e) {
            // not made after all
        }
    }

    private static String describe(int i, Route route, URI uri, byte[] body) {
        return "case " + i + " " + route.method() + " " + excerpt(uri.toString()) + " body "
                + (body == null ? "none" : excerpt(new String(body, StandardCharsets.UTF_8)));
    }

    private static String excerpt(String s) {
        String t = s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + ")" : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
