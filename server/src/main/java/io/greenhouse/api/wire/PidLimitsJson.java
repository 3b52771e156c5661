package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record PidLimitsJson(@JsonbProperty("max") Long max) {
}
