package io.greenhouse.api;

import io.greenhouse.api.wire.GoType;
import io.greenhouse.backend.GardenException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds a parsed JSON value onto the wire records as Go's encoding/json binds it onto Garden's
 * structs, because that is what Guardian answers and what the Go client expects: a value of the
 * wrong JSON type (a number for a string, a string for a number or a bool) is an error, never
 * coerced; integers must be integer literals within their Go type's range ({@link GoType});
 * {@code null} leaves a field at its zero value; unknown keys are ignored; a key matches its
 * field exactly or, failing that, case-insensitively. Error messages are Go's
 * ({@code json: cannot unmarshal number into Go struct field ContainerSpec.handle of type string}).
 */
public final class GoDecoder {
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** Where in the document a value sits, for the message: the innermost struct and the key path. */
    private record Where(String struct, String path) {
        static final Where TOP = new Where(null, null);

        Where field(String owner, String key) {
            return new Where(owner, path == null ? key : path + "." + key);
        }
    }

    public Object decode(JsonValue value, Type type) {
        return decode(value, type, GoType.Kind.INT64, Where.TOP);
    }

    private Object decode(JsonValue value, Type type, GoType.Kind kind, Where where) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        Class<?> raw = rawClass(type);
        if (raw == String.class) {
            if (value instanceof JsonString s) {
                return s.getString();
            }
            throw mismatch(value, type, kind, where);
        }
        if (raw == Boolean.class) {
            if (value == JsonValue.TRUE) {
                return Boolean.TRUE;
            }
            if (value == JsonValue.FALSE) {
                return Boolean.FALSE;
            }
            throw mismatch(value, type, kind, where);
        }
        if (raw == Long.class || raw == Integer.class) {
            GoType.Kind k = raw == Integer.class && kind == GoType.Kind.INT64 ? GoType.Kind.INT32 : kind;
            long n = integer(value, type, k, where);
            return raw == Integer.class ? (Object) Math.toIntExact(n) : (Object) n;
        }
        if (List.class.isAssignableFrom(raw)) {
            if (!(value instanceof JsonArray array)) {
                throw mismatch(value, type, kind, where);
            }
            Type element = typeArgument(type, 0);
            List<Object> out = new ArrayList<>(array.size());
            for (JsonValue e : array) {
                out.add(decode(e, element, kind, where));
            }
            return out;
        }
        if (raw == Map.class) {
            if (!(value instanceof JsonObject object)) {
                throw mismatch(value, type, kind, where);
            }
            Type element = typeArgument(type, 1);
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonValue> e : object.entrySet()) {
                Object v = decode(e.getValue(), element, kind, where.field(where.struct(), e.getKey()));
                // A null map value is Go's zero value, as Guardian stores it.
                out.put(e.getKey(), v == null && rawClass(element) == String.class ? "" : v);
            }
            return out;
        }
        if (raw.isRecord()) {
            if (!(value instanceof JsonObject object)) {
                throw mismatch(value, type, kind, where);
            }
            return record(object, raw, where);
        }
        throw new IllegalArgumentException("no Go binding for " + type);
    }

    private Object record(JsonObject object, Class<?> type, Where where) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        String owner = type.getSimpleName().replaceFirst("Json$", "");
        for (Map.Entry<String, JsonValue> e : object.entrySet()) {
            int i = match(components, e.getKey());
            if (i < 0) {
                continue;
            }
            RecordComponent c = components[i];
            GoType goType = c.getAnnotation(GoType.class);
            values[i] = decode(e.getValue(), c.getGenericType(), goType == null ? GoType.Kind.INT64 : goType.value(),
                    where.field(owner, key(c)));
        }
        try {
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
            }
            return type.getDeclaredConstructor(types).newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    /** Go prefers the exact key and falls back to a case-insensitive match. */
    private static int match(RecordComponent[] components, String key) {
        for (int i = 0; i < components.length; i++) {
            if (key(components[i]).equals(key)) {
                return i;
            }
        }
        for (int i = 0; i < components.length; i++) {
            if (key(components[i]).equalsIgnoreCase(key)) {
                return i;
            }
        }
        return -1;
    }

    private static String key(RecordComponent c) {
        JsonbProperty p = c.getAccessor().getAnnotation(JsonbProperty.class);
        return p == null ? c.getName() : p.value();
    }

    private long integer(JsonValue value, Type type, GoType.Kind kind, Where where) {
        if (!(value instanceof JsonNumber number)) {
            throw mismatch(value, type, kind, where);
        }
        BigDecimal decimal = number.bigDecimalValue();
        String literal = number.toString();
        // Go parses the literal as an integer: no fraction, no exponent.
        if (decimal.scale() != 0 || literal.indexOf('.') >= 0 || literal.indexOf('e') >= 0 || literal.indexOf('E') >= 0) {
            throw error("number " + literal, type, kind, where);
        }
        BigInteger n = decimal.toBigIntegerExact();
        if (kind == GoType.Kind.UINT64 && n.signum() >= 0 && n.bitLength() <= 64) {
            return n.min(LONG_MAX).longValue();
        }
        if (kind == GoType.Kind.UINT64_BITS && n.signum() >= 0 && n.bitLength() <= 64) {
            return n.longValue();
        }
        if (n.bitLength() > 63 || n.longValue() < kind.min || n.longValue() > kind.max) {
            throw error("number " + literal, type, kind, where);
        }
        return n.longValue();
    }

    private static GardenException mismatch(JsonValue value, Type type, GoType.Kind kind, Where where) {
        return error(jsonKind(value), type, kind, where);
    }

    private static GardenException error(String what, Type type, GoType.Kind kind, Where where) {
        String target = where.path() == null
                ? "Go value of type " + goName(type, kind)
                : "Go struct field " + where.struct() + "." + where.path() + " of type " + goName(type, kind);
        return new GardenException("json: cannot unmarshal " + what + " into " + target);
    }

    private static String jsonKind(JsonValue value) {
        return switch (value.getValueType()) {
            case STRING -> "string";
            case NUMBER -> "number";
            case TRUE, FALSE -> "bool";
            case ARRAY -> "array";
            case OBJECT -> "object";
            case NULL -> "null";
        };
    }

    static String goName(Type type, GoType.Kind kind) {
        Class<?> raw = rawClass(type);
        if (raw == String.class) {
            return "string";
        }
        if (raw == Boolean.class) {
            return "bool";
        }
        if (raw == Long.class) {
            return kind.goName;
        }
        if (raw == Integer.class) {
            return (kind == GoType.Kind.INT64 ? GoType.Kind.INT32 : kind).goName;
        }
        if (List.class.isAssignableFrom(raw)) {
            return "[]" + goName(typeArgument(type, 0), kind);
        }
        if (raw == Map.class) {
            return "map[string]" + goName(typeArgument(type, 1), kind);
        }
        return "garden." + raw.getSimpleName().replaceFirst("Json$", "");
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalArgumentException("unsupported type " + type);
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[index];
        }
        if (type instanceof Class<?> c && c.getGenericSuperclass() instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[index];
        }
        throw new IllegalArgumentException("raw collection type " + type.getTypeName().toLowerCase(Locale.ROOT));
    }
}
