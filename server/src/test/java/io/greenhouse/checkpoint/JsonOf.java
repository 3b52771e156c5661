package io.greenhouse.checkpoint;

import io.greenhouse.backend.CheckpointManifest;
import jakarta.json.bind.JsonbBuilder;

import java.nio.charset.StandardCharsets;

/** A manifest's JSON as the archive carries it. */
final class JsonOf {
    private JsonOf() {
    }

    static byte[] manifest(CheckpointManifest m) {
        return JsonbBuilder.create().toJson(m).getBytes(StandardCharsets.UTF_8);
    }
}
