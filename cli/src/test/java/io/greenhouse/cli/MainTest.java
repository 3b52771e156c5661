package io.greenhouse.cli;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line against a fake Garden server on loopback (the end-to-end test against a real
 * cell is the server's CliIT): what each command sends, prints and exits with.
 */
class MainTest {
    private HttpServer server;
    private final Map<String, String> requests = new ConcurrentHashMap<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void fakeGarden() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            requests.put(key, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String path = exchange.getRequestURI().getPath();
            int status = 200;
            String body = "{}";
            if (key.startsWith("GET /containers?") || key.equals("GET /containers")) {
                body = "{\"Handles\":[\"web-1\",\"web-2\"]}";
            } else if (key.equals("POST /containers")) {
                body = "{\"Handle\":\"made-1\"}";
            } else if (path.equals("/containers/missing/info")) {
                status = 404;
                body = "{\"Type\":\"ContainerNotFoundError\",\"Message\":\"unknown handle: missing\",\"Handle\":\"missing\"}";
            } else if (path.endsWith("/net/in")) {
                body = "{\"host_port\":61005,\"container_port\":8080}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int greenhouse(String... args) {
        Terminal terminal = Terminal.of(new ByteArrayInputStream(new byte[0]), out, err);
        String target = "http://127.0.0.1:" + server.getAddress().getPort();
        String[] all = new String[args.length + 2];
        all[0] = "--target";
        all[1] = target;
        System.arraycopy(args, 0, all, 2, args.length);
        return Main.commandLine(terminal).execute(all);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("list", "create", "info", "run", "stream-in", "stream-out", "net-in", "destroy")) {
            out.reset();
            assertEquals(0, greenhouse(command, "--help"), command);
            assertTrue(out().startsWith("Usage: greenhouse " + command), out());
        }
        out.reset();
        assertEquals(0, greenhouse("--help"));
        assertTrue(out().contains("stream-in") && out().contains("Exit codes:"), out());
    }

    @Test
    void listFiltersByPropertiesAndPrintsAHandleALine() {
        assertEquals(0, greenhouse("list", "-p", "app=web", "-p", "zone=z1"));
        assertEquals("web-1\nweb-2\n", out());
        assertTrue(requests.containsKey("GET /containers?app=web&zone=z1"), requests::toString);
    }

    @Test
    void createSendsTheSpecAndPrintsTheHandle() {
        assertEquals(0, greenhouse("create", "-n", "made-1", "-e", "A=1", "-p", "app=web", "-g", "30",
                "-r", "/var/lib/rootfs"));
        assertEquals("made-1\n", out());
        JsonObject spec = Json.createReader(new StringReader(requests.get("POST /containers"))).readObject();
        assertEquals("made-1", spec.getString("handle"));
        assertEquals("A=1", spec.getJsonArray("env").getString(0));
        assertEquals("web", spec.getJsonObject("properties").getString("app"));
        assertEquals(30_000_000_000L, spec.getJsonNumber("grace_time").longValue());
        assertEquals("/var/lib/rootfs", spec.getJsonObject("image").getString("uri"));
        assertEquals(false, spec.getBoolean("privileged"));
    }

    @Test
    void aGardenErrorIsPrintedWithItsTypeAndExitsOne() {
        assertEquals(1, greenhouse("info", "missing"));
        assertEquals("greenhouse: ContainerNotFoundError: unknown handle: missing\n", err());
    }

    @Test
    void anUnreachableServerExitsOne() {
        server.stop(0);
        assertEquals(1, greenhouse("list"));
        assertTrue(err().startsWith("greenhouse: cannot talk to the server"), err());
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, greenhouse("run", "h1"));
        assertTrue(err().contains("a COMMAND is needed without --tty"), err());
        assertEquals(2, greenhouse("list", "-p", "novalue"));
        assertEquals(2, greenhouse("net-in", "h1"));
        assertEquals(2, greenhouse("frobnicate"));
    }

    @Test
    void netInPrintsTheHostPort() {
        assertEquals(0, greenhouse("net-in", "h1", "-c", "8080"));
        assertEquals("61005\n", out());
        assertEquals("{\"host_port\":0,\"container_port\":8080}", requests.get("POST /containers/h1/net/in"));
    }

    @Test
    void destroyTakesSeveralHandles() {
        assertEquals(0, greenhouse("destroy", "a", "b"));
        assertTrue(requests.containsKey("DELETE /containers/a") && requests.containsKey("DELETE /containers/b"));
    }
}
