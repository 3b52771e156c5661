package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;
import java.util.Map;

/** garden.ContainerInfo: Go field names, no JSON tags upstream. */
public record ContainerInfoJson(
        @JsonbProperty("State") String state,
        @JsonbProperty("Events") List<String> events,
        @JsonbProperty("HostIP") String hostIp,
        @JsonbProperty("ContainerIP") String containerIp,
        @JsonbProperty("ContainerIPv6") String containerIpv6,
        @JsonbProperty("ExternalIP") String externalIp,
        @JsonbProperty("ContainerPath") String containerPath,
        @JsonbProperty("ProcessIDs") List<String> processIds,
        @JsonbProperty("Properties") Map<String, String> properties,
        @JsonbProperty("MappedPorts") List<PortMappingJson> mappedPorts) {

    public record PortMappingJson(
            @JsonbProperty("HostPort") long hostPort,
            @JsonbProperty("ContainerPort") long containerPort) {
    }
}
