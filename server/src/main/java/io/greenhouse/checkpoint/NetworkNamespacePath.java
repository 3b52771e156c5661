package io.greenhouse.checkpoint;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Gives the container's network namespace a path, in runC's state (for checkpoint) and in the
 * bundle's config.json (for restore). runC then hands criu the namespace as an external one
 * ({@code --external net[INODE]:extRootNetNS} on dump, the opened namespace as an inherited fd on
 * restore): criu neither dumps its contents (it cannot dump the host's veth peer) nor makes a new
 * one, and the restored processes return to the very namespace they left, kept alive meanwhile by
 * a bind mount, with its address, routes, veth, NetIn and NetOut rules untouched.
 */
final class NetworkNamespacePath {
    private NetworkNamespacePath() {
    }

    /** runC's state.json: {@code config.namespaces[type=NEWNET].path}. */
    static void inState(Path stateJson, Path namespace) {
        JsonObject state = read(stateJson);
        JsonObject config = state.getJsonObject("config");
        JsonArray namespaces = withPath(config.getJsonArray("namespaces"), "NEWNET", namespace);
        JsonObject changed = Json.createObjectBuilder(state)
                .add("config", Json.createObjectBuilder(config).add("namespaces", namespaces)).build();
        write(stateJson, changed);
    }

    /** The bundle's config.json: {@code linux.namespaces[type=network].path}. */
    static void inConfig(Path configJson, Path namespace) {
        JsonObject config = read(configJson);
        JsonObject linux = config.getJsonObject("linux");
        JsonArray namespaces = withPath(linux.getJsonArray("namespaces"), "network", namespace);
        JsonObject changed = Json.createObjectBuilder(config)
                .add("linux", Json.createObjectBuilder(linux).add("namespaces", namespaces)).build();
        write(configJson, changed);
    }

    static JsonArray withPath(JsonArray namespaces, String type, Path namespace) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        boolean found = false;
        for (JsonValue v : namespaces) {
            JsonObject ns = v.asJsonObject();
            if (type.equals(ns.getString("type", ""))) {
                out.add(Json.createObjectBuilder(ns).add("path", namespace.toString()));
                found = true;
            } else {
                out.add(ns);
            }
        }
        if (!found) {
            throw new IllegalStateException("the container has no network namespace of its own");
        }
        return out.build();
    }

    private static JsonObject read(Path file) {
        try {
            return Json.createReader(new StringReader(Files.readString(file))).readObject();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /** Replaced whole by a rename: runC reading it meanwhile sees the old or the new file, never half of one. */
    private static void write(Path file, JsonObject json) {
        Path tmp = file.resolveSibling(file.getFileName() + ".greenhouse-tmp");
        try {
            Files.write(tmp, json.toString().getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
