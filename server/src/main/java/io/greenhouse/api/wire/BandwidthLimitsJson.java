package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record BandwidthLimitsJson(
        @JsonbProperty("rate") Long rate,
        @JsonbProperty("burst") Long burst) {
}
