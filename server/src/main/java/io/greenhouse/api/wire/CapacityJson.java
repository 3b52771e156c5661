package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record CapacityJson(
        @JsonbProperty("memory_in_bytes") long memoryInBytes,
        @JsonbProperty("disk_in_bytes") long diskInBytes,
        @JsonbProperty("schedulable_disk_in_bytes") long schedulableDiskInBytes,
        @JsonbProperty("max_containers") long maxContainers) {
}
