package io.greenhouse.oci;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The two seccomp profiles, read from the data file {@code seccomp.json} beside this class: an
 * allowlist for unprivileged containers and peas (Docker's default profile is its reference) and
 * a looser one for privileged ones. Kept as data so that a reviewer reads one list, not code.
 */
public record SeccompProfiles(Linux.Seccomp unprivileged, Linux.Seccomp privileged) {
    static final String RESOURCE = "seccomp.json";

    /** The profiles for this host's architecture ({@code os.arch}). */
    public static SeccompProfiles forHost() {
        return load(System.getProperty("os.arch"));
    }

    public static SeccompProfiles load(String arch) {
        try (InputStream in = SeccompProfiles.class.getResourceAsStream(RESOURCE);
             JsonReader reader = Json.createReader(in)) {
            JsonObject root = reader.readObject();
            JsonArray archs = root.getJsonObject("architectures").getJsonArray(arch);
            if (archs == null) {
                throw new IllegalStateException("no seccomp architectures for " + arch + " in " + RESOURCE);
            }
            List<String> architectures = strings(archs);
            return new SeccompProfiles(profile(root.getJsonObject("unprivileged"), architectures),
                    profile(root.getJsonObject("privileged"), architectures));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Linux.Seccomp profile(JsonObject o, List<String> architectures) {
        List<Linux.Seccomp.Syscall> syscalls = new ArrayList<>();
        List<String> allowed = strings(o.getJsonArray("allow"));
        if (!allowed.isEmpty()) {
            syscalls.add(new Linux.Seccomp.Syscall(allowed, "SCMP_ACT_ALLOW", null));
        }
        for (JsonValue v : o.getJsonArray("rules")) {
            JsonObject rule = v.asJsonObject();
            List<Linux.Seccomp.Arg> args = new ArrayList<>();
            for (JsonValue a : rule.getOrDefault("args", JsonValue.EMPTY_JSON_ARRAY).asJsonArray()) {
                JsonObject arg = a.asJsonObject();
                args.add(new Linux.Seccomp.Arg(arg.getJsonNumber("index").longValueExact(),
                        arg.getJsonNumber("value").longValueExact(), arg.getJsonNumber("valueTwo").longValueExact(),
                        arg.getString("op")));
            }
            JsonNumber errno = rule.getJsonNumber("errnoRet");
            syscalls.add(new Linux.Seccomp.Syscall(strings(rule.getJsonArray("names")), rule.getString("action"),
                    errno == null ? null : errno.intValueExact(), args.isEmpty() ? null : args));
        }
        return new Linux.Seccomp(o.getString("defaultAction"), architectures, syscalls);
    }

    private static List<String> strings(JsonArray array) {
        return array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
