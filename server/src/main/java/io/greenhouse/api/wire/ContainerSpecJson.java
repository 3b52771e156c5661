package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;
import java.util.Map;

/** garden.ContainerSpec as the Go client sends it; grace_time is in nanoseconds. */
public record ContainerSpecJson(
        @JsonbProperty("handle") String handle,
        @JsonbProperty("grace_time") Long graceTime,
        @JsonbProperty("rootfs") String rootfs,
        @JsonbProperty("image") ImageRefJson image,
        @JsonbProperty("bind_mounts") List<BindMountJson> bindMounts,
        @JsonbProperty("network") String network,
        @JsonbProperty("properties") Map<String, String> properties,
        @JsonbProperty("env") List<String> env,
        @JsonbProperty("privileged") Boolean privileged,
        @JsonbProperty("limits") LimitsJson limits,
        @JsonbProperty("netout_rules") List<NetOutRuleJson> netOutRules,
        @JsonbProperty("netin") List<NetInJson> netIn) {
}
