package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

/** mode: 0 read-only, 1 read-write; origin: 0 host, 1 container. */
public record BindMountJson(
        @JsonbProperty("src_path") String srcPath,
        @JsonbProperty("dst_path") String dstPath,
        @JsonbProperty("mode") @GoType(GoType.Kind.UINT8) Integer mode,
        @JsonbProperty("origin") @GoType(GoType.Kind.UINT8) Integer origin) {
}
