package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

public record HandlesJson(@JsonbProperty("Handles") List<String> handles) {
}
