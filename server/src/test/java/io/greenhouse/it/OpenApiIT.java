package io.greenhouse.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test cell's /openapi describes every route it serves, in Garden's wire format. */
class OpenApiIT {
    private final TestCell cell = new TestCell();

    @Test
    void everyJaxRsRouteIsDescribed() throws Exception {
        JsonObject paths = document().getJsonObject("paths");
        List<String> routes = jaxRsRoutes();
        assertTrue(routes.size() >= 20, routes::toString);
        List<String> missing = new ArrayList<>();
        for (String route : routes) {
            String[] methodAndPath = route.split(" ", 2);
            JsonObject item = paths.getJsonObject(methodAndPath[1]);
            if (item == null || !item.containsKey(methodAndPath[0].toLowerCase(Locale.ROOT))) {
                missing.add(route);
            }
        }
        assertTrue(missing.isEmpty(), () -> "not in /openapi: " + missing + "\npaths: " + paths.keySet());
    }

    @Test
    void theHijackedProcessRoutesAreDescribedInWords() throws Exception {
        JsonObject paths = document().getJsonObject("paths");
        String run = paths.getJsonObject("/containers/{handle}/processes").getJsonObject("post").getString("description");
        assertTrue(run.contains("headers only") && run.contains("exit_status") && run.contains("stdin"), run);
        assertTrue(paths.getJsonObject("/containers/{handle}/processes/{processId}").containsKey("get"));
        for (String stream : List.of("stdout", "stderr")) {
            assertTrue(paths.containsKey("/containers/{handle}/processes/{processId}/attaches/{streamId}/" + stream), stream);
        }
    }

    @Test
    void failuresAreGardenErrorsWithGardensStatusCodes() throws Exception {
        JsonObject doc = document();
        JsonObject info = doc.getJsonObject("paths").getJsonObject("/containers/{handle}/info").getJsonObject("get");
        JsonObject responses = info.getJsonObject("responses");
        assertTrue(responses.containsKey("200") && responses.containsKey("404") && responses.containsKey("500"),
                responses::toString);
        assertEquals("#/components/schemas/Error", responses.getJsonObject("404").getJsonObject("content")
                .getJsonObject("application/json").getJsonObject("schema").getString("$ref"));
        JsonObject error = doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("Error");
        assertEquals(new TreeSet<>(List.of("Type", "Message", "Handle", "ProcessID", "Binary")),
                new TreeSet<>(error.getJsonObject("properties").keySet()));
        // Ping names no container: no 404.
        assertFalse(doc.getJsonObject("paths").getJsonObject("/ping").getJsonObject("get")
                .getJsonObject("responses").containsKey("404"));
    }

    @Test
    void schemasUseGardensFieldNames() throws Exception {
        JsonObject schemas = document().getJsonObject("components").getJsonObject("schemas");
        assertTrue(properties(schemas, "HandleJson").contains("Handle"), schemas.keySet()::toString);
        assertTrue(properties(schemas, "CapacityJson").contains("disk_in_bytes"));
        assertTrue(properties(schemas, "ContainerInfoJson").contains("State"));
        // The create body, read from a String by the resource, is described as the spec it is.
        assertTrue(properties(schemas, "ContainerSpecJson").contains("handle"));
    }

    private static TreeSet<String> properties(JsonObject schemas, String name) {
        assertTrue(schemas.containsKey(name), () -> name + " not in " + schemas.keySet());
        return new TreeSet<>(schemas.getJsonObject(name).getJsonObject("properties").keySet());
    }

    private JsonObject document() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(cell.url + "/openapi?format=JSON")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    /** "METHOD /path" for every resource method of io.greenhouse.api, from its annotations. */
    static List<String> jaxRsRoutes() throws IOException, ClassNotFoundException {
        java.nio.file.Path classes = java.nio.file.Path.of(System.getProperty("basedir", "."), "target/classes");
        List<String> routes = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes.resolve("io/greenhouse/api"))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, OpenApiIT.class.getClassLoader());
                Path root = type.getAnnotation(Path.class);
                if (root == null) {
                    continue;
                }
                for (Method method : type.getMethods()) {
                    String http = httpMethod(method);
                    if (http != null) {
                        Path sub = method.getAnnotation(Path.class);
                        routes.add(http + " " + join(root.value(), sub == null ? "" : sub.value()));
                    }
                }
            }
        }
        return routes.stream().sorted().toList();
    }

    private static String httpMethod(Method method) {
        for (Annotation a : method.getAnnotations()) {
            HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    private static String join(String root, String sub) {
        String path = ("/" + root + "/" + sub).replaceAll("/+", "/").replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
