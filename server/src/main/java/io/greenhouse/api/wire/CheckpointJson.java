package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

/** Body of POST /containers/:handle/checkpoint: keep the container running after the dump. */
public record CheckpointJson(@JsonbProperty("leave_running") Boolean leaveRunning) {
}
