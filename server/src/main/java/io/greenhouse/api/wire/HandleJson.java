package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record HandleJson(@JsonbProperty("Handle") String handle) {
}
