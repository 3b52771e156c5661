package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

/** scope: 0 total, 1 exclusive. */
public record DiskLimitsJson(
        @JsonbProperty("inode_soft") @GoType(GoType.Kind.UINT64) Long inodeSoft,
        @JsonbProperty("inode_hard") @GoType(GoType.Kind.UINT64) Long inodeHard,
        @JsonbProperty("byte_soft") @GoType(GoType.Kind.UINT64) Long byteSoft,
        @JsonbProperty("byte_hard") @GoType(GoType.Kind.UINT64) Long byteHard,
        @JsonbProperty("scope") @GoType(GoType.Kind.UINT8) Integer scope) {
}
