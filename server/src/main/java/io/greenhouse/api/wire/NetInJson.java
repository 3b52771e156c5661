package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

/** garden.NetIn in a create spec, transport.NetInRequest and NetInResponse: the same two ports. */
public record NetInJson(
        @JsonbProperty("host_port") @GoType(GoType.Kind.UINT32) Long hostPort,
        @JsonbProperty("container_port") @GoType(GoType.Kind.UINT32) Long containerPort) {
}
