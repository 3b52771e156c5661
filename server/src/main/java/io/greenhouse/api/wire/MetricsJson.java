package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.Map;

/**
 * garden.Metrics as the Go client decodes it. The memory stat is a map because its wire form is
 * the cgroup's memory.stat names (plus TotalUsageTowardLimit), which the mapper selects; Age is a
 * Go time.Duration, so nanoseconds. NetworkStat is a pointer in Go and left out (nil).
 */
public record MetricsJson(
        @JsonbProperty("MemoryStat") Map<String, Long> memoryStat,
        @JsonbProperty("CPUStat") CpuStatJson cpuStat,
        @JsonbProperty("DiskStat") DiskStatJson diskStat,
        @JsonbProperty("PidStat") PidStatJson pidStat,
        @JsonbProperty("Age") long age,
        @JsonbProperty("CPUEntitlement") long cpuEntitlement) {

    public record CpuStatJson(
            @JsonbProperty("Usage") long usage,
            @JsonbProperty("User") long user,
            @JsonbProperty("System") long system) {
    }

    public record DiskStatJson(
            @JsonbProperty("TotalBytesUsed") long totalBytesUsed,
            @JsonbProperty("TotalInodesUsed") long totalInodesUsed,
            @JsonbProperty("ExclusiveBytesUsed") long exclusiveBytesUsed,
            @JsonbProperty("ExclusiveInodesUsed") long exclusiveInodesUsed) {
    }

    public record PidStatJson(
            @JsonbProperty("Current") long current,
            @JsonbProperty("Max") long max) {
    }
}
