package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

/** One value of a bulk_metrics answer: the metrics, or the error for that handle. */
public record MetricsEntryJson(
        @JsonbProperty("Metrics") MetricsJson metrics,
        @JsonbProperty("Err") ErrorJson err) {
}
