package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record ImageRefJson(
        @JsonbProperty("uri") String uri,
        @JsonbProperty("username") String username,
        @JsonbProperty("password") String password) {
}
