package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record BandwidthLimitsJson(
        @JsonbProperty("rate") @GoType(GoType.Kind.UINT64) Long rate,
        @JsonbProperty("burst") @GoType(GoType.Kind.UINT64) Long burst) {
}
