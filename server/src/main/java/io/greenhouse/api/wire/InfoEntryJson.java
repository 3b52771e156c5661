package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

/** One value of a bulk_info answer: the info, or the error for that handle. */
public record InfoEntryJson(
        @JsonbProperty("Info") ContainerInfoJson info,
        @JsonbProperty("Err") ErrorJson err) {
}
