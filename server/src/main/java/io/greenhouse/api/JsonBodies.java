package io.greenhouse.api;

import io.greenhouse.backend.GardenException;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;

import java.lang.reflect.Type;

/**
 * Request bodies are read as text and parsed here rather than by a JAX-RS provider: any content
 * type is accepted (curl sends form encoding), and a malformed body becomes a Garden error that
 * says what was wrong instead of a provider's stack trace.
 */
public final class JsonBodies {
    private static final int MAX_ECHO = 200;
    private final Jsonb jsonb = JsonbBuilder.create();

    public <T> T read(String body, Class<T> type, T whenEmpty) {
        return read(body, (Type) type, whenEmpty);
    }

    @SuppressWarnings("unchecked")
    public <T> T read(String body, Type type, T whenEmpty) {
        if (body == null || body.isBlank()) {
            if (whenEmpty != null) {
                return whenEmpty;
            }
            throw new GardenException("request body is empty; expected JSON");
        }
        try {
            T value = (T) jsonb.fromJson(body, type);
            if (value == null) {
                if (whenEmpty != null) {
                    return whenEmpty;
                }
                throw new GardenException("request body is null; expected JSON");
            }
            return value;
        } catch (JsonbException | ClassCastException | IllegalArgumentException e) {
            throw new GardenException("malformed request body: " + rootMessage(e) + " in " + excerpt(body));
        }
    }

    public String write(Object value) {
        return jsonb.toJson(value);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    private static String excerpt(String body) {
        String s = body.length() > MAX_ECHO ? body.substring(0, MAX_ECHO) + "..." : body;
        return "'" + s.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
