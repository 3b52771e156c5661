package io.greenhouse.oci;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The JSON form of a spec or a process, with the OCI field names; null parts are left out. */
public final class OciJson {
    /** An OCI bundle is a directory with the spec in this file beside (or around) the root filesystem. */
    public static final String CONFIG = "config.json";

    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withNullValues(false));

    public String toJson(Spec spec) {
        return jsonb.toJson(spec);
    }

    /** The form {@code runc exec --process} reads. */
    public String toJson(Process process) {
        return jsonb.toJson(process);
    }

    /** Writes the spec as the bundle's config.json. */
    public void writeConfig(Path bundleDirectory, Spec spec) {
        write(bundleDirectory.resolve(CONFIG), toJson(spec));
    }

    public void write(Path file, Process process) {
        write(file, toJson(process));
    }

    private static void write(Path file, String json) {
        try {
            Files.writeString(file, json);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
