package io.greenhouse.api;

import io.greenhouse.backend.GardenException;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.lang.reflect.Type;

/**
 * Request bodies are read as text and decoded here rather than by a JAX-RS provider: any content
 * type is accepted (curl sends form encoding), a body is bound as Go's decoder binds it onto
 * Garden's structs ({@link GoDecoder}: a wrong type is an error, not coerced), and a malformed
 * body becomes a Garden error that says what was wrong instead of a provider's stack trace.
 */
public final class JsonBodies {
    private static final int MAX_ECHO = 200;
    private final Jsonb jsonb = JsonbBuilder.create();
    private final GoDecoder decoder = new GoDecoder();

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
        JsonValue tree = parse(body);
        T value = (T) decoder.decode(tree, type);
        if (value == null) {
            if (whenEmpty != null) {
                return whenEmpty;
            }
            throw new GardenException("request body is null; expected JSON");
        }
        return value;
    }

    /** Parses a whole body as one JSON value; anything else is a Garden error naming the problem. */
    public static JsonValue parse(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readValue();
        } catch (JsonParsingException e) {
            throw new GardenException("malformed request body: " + e.getMessage() + " in " + excerpt(body));
        } catch (RuntimeException e) {
            // JsonException, or what the parser throws past its nesting limit.
            throw new GardenException("malformed request body: " + rootMessage(e) + " in " + excerpt(body));
        } catch (StackOverflowError e) {
            throw new GardenException("malformed request body: nested too deeply");
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
