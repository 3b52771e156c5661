package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record MemoryLimitsJson(@JsonbProperty("limit_in_bytes") @GoType(GoType.Kind.UINT64) Long limitInBytes) {
}
