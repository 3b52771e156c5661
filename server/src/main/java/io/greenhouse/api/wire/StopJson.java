package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record StopJson(@JsonbProperty("kill") Boolean kill) {
}
