package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record CpuLimitsJson(
        @JsonbProperty("weight") @GoType(GoType.Kind.UINT64) Long weight,
        @JsonbProperty("limit_in_shares") @GoType(GoType.Kind.UINT64) Long limitInShares) {
}
