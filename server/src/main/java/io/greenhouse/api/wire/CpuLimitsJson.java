package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record CpuLimitsJson(
        @JsonbProperty("weight") Long weight,
        @JsonbProperty("limit_in_shares") Long limitInShares) {
}
