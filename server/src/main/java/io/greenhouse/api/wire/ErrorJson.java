package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

/** garden.Error as marshalled by the Go server; Type selects the error type the client builds. */
public record ErrorJson(
        @JsonbProperty("Type") String type,
        @JsonbProperty("Message") String message,
        @JsonbProperty("Handle") String handle,
        @JsonbProperty("ProcessID") String processId,
        @JsonbProperty("Binary") String binary) {
}
