package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

public record LimitsJson(
        @JsonbProperty("bandwidth_limits") BandwidthLimitsJson bandwidth,
        @JsonbProperty("cpu_limits") CpuLimitsJson cpu,
        @JsonbProperty("disk_limits") DiskLimitsJson disk,
        @JsonbProperty("memory_limits") MemoryLimitsJson memory,
        @JsonbProperty("pid_limits") PidLimitsJson pid) {
}
