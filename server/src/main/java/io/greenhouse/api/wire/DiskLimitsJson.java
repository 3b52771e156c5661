package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

/** scope: 0 total, 1 exclusive. */
public record DiskLimitsJson(
        @JsonbProperty("inode_soft") Long inodeSoft,
        @JsonbProperty("inode_hard") Long inodeHard,
        @JsonbProperty("byte_soft") Long byteSoft,
        @JsonbProperty("byte_hard") Long byteHard,
        @JsonbProperty("scope") Integer scope) {
}
