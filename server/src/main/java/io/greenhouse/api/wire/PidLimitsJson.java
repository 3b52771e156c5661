package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record PidLimitsJson(@JsonbProperty("max") @GoType(GoType.Kind.UINT64) Long max) {
}
