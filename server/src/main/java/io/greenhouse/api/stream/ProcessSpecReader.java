package io.greenhouse.api.stream;

import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ImageRef;
import io.greenhouse.backend.ResourceLimits;
import io.greenhouse.backend.ProcessSpec;
import io.greenhouse.backend.WindowSize;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads garden.ProcessSpec JSON (the body of a Run request) into the backend's ProcessSpec. */
public final class ProcessSpecReader {
    private static final BigInteger MAX_U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private ProcessSpecReader() {
    }

    public static ProcessSpec read(String body) {
        JsonObject o;
        try {
            JsonValue v = Json.createReader(new StringReader(body == null ? "" : body)).readValue();
            if (!(v instanceof JsonObject obj)) {
                throw new GardenException("malformed process spec: expected a JSON object");
            }
            o = obj;
        } catch (JsonException e) {
            throw new GardenException("malformed process spec: " + e.getMessage());
        }
        try {
            return new ProcessSpec(
                    string(o, "id"), string(o, "path"), strings(o, "args"), strings(o, "env"),
                    string(o, "dir"), string(o, "user"), rlimits(o), tty(o), image(o), bindMounts(o),
                    limits(o));
        } catch (ClassCastException | ArithmeticException e) {
            throw new GardenException("malformed process spec: " + e.getMessage());
        }
    }

    private static String string(JsonObject o, String key) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return "";
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        throw new GardenException("malformed process spec: " + key + " must be a string");
    }

    private static List<String> strings(JsonObject o, String key) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return List.of();
        }
        if (!(v instanceof JsonArray a)) {
            throw new GardenException("malformed process spec: " + key + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonValue e : a) {
            if (!(e instanceof JsonString s)) {
                throw new GardenException("malformed process spec: " + key + " must be an array of strings");
            }
            out.add(s.getString());
        }
        return out;
    }

    private static Map<String, Long> rlimits(JsonObject o) {
        JsonValue v = o.get("rlimits");
        Map<String, Long> out = new LinkedHashMap<>();
        if (v instanceof JsonObject limits) {
            for (Map.Entry<String, JsonValue> e : limits.entrySet()) {
                if (e.getValue() == JsonValue.NULL) {
                    continue;
                }
                if (!(e.getValue() instanceof JsonNumber n) || n.bigIntegerValue().signum() < 0
                        || n.bigIntegerValue().compareTo(MAX_U64) > 0) {
                    throw new GardenException("malformed process spec: rlimit " + e.getKey() + " must be a number");
                }
                out.put(e.getKey(), n.bigIntegerValue().longValue());
            }
        }
        return out;
    }

    static WindowSize tty(JsonObject o) {
        JsonValue v = o.get("tty");
        if (!(v instanceof JsonObject tty)) {
            return null;
        }
        return windowSize(tty);
    }

    /** A garden.TTYSpec's window size; default size when absent. */
    static WindowSize windowSize(JsonObject tty) {
        JsonValue ws = tty.get("window_size");
        if (!(ws instanceof JsonObject size)) {
            return WindowSize.DEFAULT;
        }
        return new WindowSize(size.getInt("columns", 0), size.getInt("rows", 0));
    }

    private static ImageRef image(JsonObject o) {
        JsonValue v = o.get("image");
        if (!(v instanceof JsonObject image)) {
            return ImageRef.DEFAULT;
        }
        return new ImageRef(image.getString("uri", ""), image.getString("username", ""), image.getString("password", ""));
    }

    /** Garden's OverrideContainerLimits: absent means the pea shares the container's limits. */
    private static ResourceLimits limits(JsonObject o) {
        JsonValue v = o.get("limits");
        if (!(v instanceof JsonObject limits)) {
            return null;
        }
        long memory = 0;
        long shares = 0;
        long weight = 0;
        if (limits.get("memory_limits") instanceof JsonObject m) {
            memory = unsigned(m, "limit_in_bytes");
        }
        if (limits.get("cpu_limits") instanceof JsonObject c) {
            shares = unsigned(c, "limit_in_shares");
            weight = unsigned(c, "weight");
        }
        return new ResourceLimits(memory, shares, weight, 0, null, 0, 0);
    }

    private static long unsigned(JsonObject o, String key) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return 0;
        }
        if (!(v instanceof jakarta.json.JsonNumber n) || n.bigDecimalValue().signum() < 0) {
            throw new GardenException("malformed process spec: " + key + " must be a non-negative number");
        }
        return n.bigIntegerValue().min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    }

    private static List<BindMount> bindMounts(JsonObject o) {
        JsonValue v = o.get("bind_mounts");
        if (!(v instanceof JsonArray a)) {
            return List.of();
        }
        List<BindMount> out = new ArrayList<>();
        for (JsonValue e : a) {
            JsonObject m = e.asJsonObject();
            out.add(new BindMount(m.getString("src_path", ""), m.getString("dst_path", ""),
                    m.getInt("mode", 0) == 1, m.getInt("origin", 0) == 1));
        }
        return out;
    }
}
