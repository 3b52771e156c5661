package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;
import java.util.Map;

/**
 * garden.ProcessSpec, the body of Run. rlimits is garden.ResourceLimits (pointers to uint64, so
 * 2^64-1, RLIM_INFINITY, is kept as its bits); limits is the pea's OverrideContainerLimits.
 */
public record ProcessSpecJson(
        @JsonbProperty("id") String id,
        @JsonbProperty("path") String path,
        @JsonbProperty("args") List<String> args,
        @JsonbProperty("env") List<String> env,
        @JsonbProperty("dir") String dir,
        @JsonbProperty("user") String user,
        @JsonbProperty("rlimits") @GoType(GoType.Kind.UINT64_BITS) Map<String, Long> rlimits,
        @JsonbProperty("limits") ProcessLimitsJson limits,
        @JsonbProperty("tty") TtySpecJson tty,
        @JsonbProperty("image") ImageRefJson image,
        @JsonbProperty("bind_mounts") List<BindMountJson> bindMounts) {

    /** garden.ProcessLimits. */
    public record ProcessLimitsJson(
            @JsonbProperty("cpu_limits") CpuLimitsJson cpu,
            @JsonbProperty("memory_limits") MemoryLimitsJson memory) {
    }

    /** garden.TTYSpec, also a stdin payload's "tty" (a resize). */
    public record TtySpecJson(@JsonbProperty("window_size") WindowSizeJson windowSize) {
    }

    public record WindowSizeJson(
            @JsonbProperty("columns") @GoType(GoType.Kind.UINT16) Integer columns,
            @JsonbProperty("rows") @GoType(GoType.Kind.UINT16) Integer rows) {
    }
}
