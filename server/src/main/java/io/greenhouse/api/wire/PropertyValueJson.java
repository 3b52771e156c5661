package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record PropertyValueJson(@JsonbProperty("value") String value) {
}
