package io.greenhouse.image;

import io.greenhouse.backend.GardenException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the JSON documents of an image: Docker schema 2 and OCI manifests, Docker manifest lists
 * and OCI indexes (choosing the entry for this host's platform) and the image config.
 */
final class Manifests {
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    /** What the registry client asks for, best first. */
    static final String ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

    private Manifests() {
    }

    /** A manifest: the config blob and the layers, lowest first. */
    record Manifest(Descriptor config, List<Descriptor> layers) { }

    /** The parts of the image config Greenhouse uses. */
    record Config(List<String> env, List<Digest> diffIds) { }

    static boolean isIndex(String mediaType) {
        return DOCKER_LIST.equals(mediaType) || OCI_INDEX.equals(mediaType);
    }

    /** The media type of a manifest document: its own field, else what the server said. */
    static String mediaType(byte[] body, String contentType) {
        JsonObject json = object(body, "manifest");
        String own = json.getString("mediaType", "");
        if (!own.isEmpty()) {
            return own;
        }
        if (contentType != null && !contentType.isBlank()) {
            String type = contentType.split(";")[0].strip();
            if (!type.equals("application/json") && !type.equals("application/octet-stream")) {
                return type;
            }
        }
        // an OCI document may leave mediaType out; an index has manifests, a manifest layers
        if (json.containsKey("manifests")) {
            return OCI_INDEX;
        }
        if (json.containsKey("layers") && json.getInt("schemaVersion", 0) == 2) {
            return OCI_MANIFEST;
        }
        return json.getInt("schemaVersion", 0) == 1 ? "application/vnd.docker.distribution.manifest.v1+json" : "";
    }

    static Manifest manifest(byte[] body, String mediaType, String image) {
        if (!DOCKER_MANIFEST.equals(mediaType) && !OCI_MANIFEST.equals(mediaType)) {
            throw new GardenException("image " + image + ": unsupported manifest media type '" + mediaType
                    + "' (Docker schema 2 and OCI manifests are)");
        }
        JsonObject json = object(body, "manifest of " + image);
        JsonObject config = json.getJsonObject("config");
        if (config == null) {
            throw new GardenException("image " + image + ": manifest has no config");
        }
        List<Descriptor> layers = new ArrayList<>();
        JsonArray array = json.getJsonArray("layers");
        for (JsonValue layer : array == null ? List.<JsonValue>of() : array) {
            layers.add(descriptor(layer.asJsonObject(), image));
        }
        return new Manifest(descriptor(config, image), layers);
    }

    static List<Descriptor> index(byte[] body, String image) {
        JsonObject json = object(body, "index of " + image);
        List<Descriptor> entries = new ArrayList<>();
        JsonArray array = json.getJsonArray("manifests");
        for (JsonValue entry : array == null ? List.<JsonValue>of() : array) {
            entries.add(descriptor(entry.asJsonObject(), image));
        }
        return entries;
    }

    /**
     * The index entry for linux on this architecture; with several, the one whose variant matches
     * (arm64's v8 is the default), else the first.
     */
    static Descriptor choose(List<Descriptor> entries, String architecture, String image) {
        List<Descriptor> fit = entries.stream().filter(d -> d.platform() != null
                && "linux".equals(d.platform().os()) && architecture.equals(d.platform().architecture())).toList();
        if (fit.isEmpty()) {
            String offered = entries.stream().map(d -> String.valueOf(d.platform())).collect(Collectors.joining(", "));
            throw new GardenException("image " + image + ": no manifest for linux/" + architecture + " (offers: "
                    + offered + ")");
        }
        for (Descriptor d : fit) {
            String variant = d.platform().variant();
            if (variant == null || variant.isEmpty() || variant.equals("v8")) {
                return d;
            }
        }
        return fit.get(0);
    }

    static Config config(byte[] body, String image) {
        JsonObject json = object(body, "config of " + image);
        List<String> env = new ArrayList<>();
        JsonObject config = json.containsKey("config") && json.get("config").getValueType() == JsonValue.ValueType.OBJECT
                ? json.getJsonObject("config") : null;
        if (config != null && config.containsKey("Env") && config.get("Env").getValueType() == JsonValue.ValueType.ARRAY) {
            for (JsonValue v : config.getJsonArray("Env")) {
                if (v instanceof JsonString s) {
                    env.add(s.getString());
                }
            }
        }
        List<Digest> diffIds = new ArrayList<>();
        JsonObject rootfs = json.containsKey("rootfs") ? json.getJsonObject("rootfs") : null;
        if (rootfs != null && rootfs.containsKey("diff_ids")) {
            for (JsonValue v : rootfs.getJsonArray("diff_ids")) {
                diffIds.add(Digest.parse(((JsonString) v).getString()));
            }
        }
        return new Config(env, diffIds);
    }

    /** How a layer's media type says it is compressed; refuses what cannot be a local layer. */
    static Compression compression(String mediaType, String image) {
        return switch (mediaType) {
            case "application/vnd.docker.image.rootfs.diff.tar.gzip", "application/vnd.oci.image.layer.v1.tar+gzip" ->
                    Compression.GZIP;
            case "application/vnd.oci.image.layer.v1.tar+zstd" -> Compression.ZSTD;
            case "application/vnd.oci.image.layer.v1.tar", "application/vnd.docker.image.rootfs.diff.tar" ->
                    Compression.NONE;
            default -> throw new GardenException("image " + image + ": unsupported layer media type '" + mediaType
                    + "' (tar, tar+gzip and tar+zstd layers are; foreign and non-distributable ones are not)");
        };
    }

    private static Descriptor descriptor(JsonObject json, String image) {
        try {
            Descriptor.Platform platform = null;
            JsonObject p = json.containsKey("platform") ? json.getJsonObject("platform") : null;
            if (p != null) {
                platform = new Descriptor.Platform(p.getString("os", null), p.getString("architecture", null),
                        p.getString("variant", null));
            }
            Map<String, String> annotations = new HashMap<>();
            JsonObject a = json.containsKey("annotations") ? json.getJsonObject("annotations") : null;
            if (a != null) {
                a.forEach((k, v) -> {
                    if (v instanceof JsonString s) {
                        annotations.put(k, s.getString());
                    }
                });
            }
            return new Descriptor(json.getString("mediaType", ""), Digest.parse(json.getString("digest", "")),
                    json.getJsonNumber("size") == null ? -1 : json.getJsonNumber("size").longValueExact(),
                    platform, annotations);
        } catch (ClassCastException | ArithmeticException | NullPointerException e) {
            throw new GardenException("image " + image + ": malformed descriptor " + json);
        }
    }

    private static JsonObject object(byte[] body, String what) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException | ClassCastException e) {
            throw new GardenException(what + " is not a JSON object: " + e.getMessage());
        }
    }
}
