package io.greenhouse.it;

import io.greenhouse.deploy.Chart;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.greenhouse.deploy.Chart.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The paths the rendered chart sends kubelet and Prometheus to are ones the cell answers. */
class ChartProbesIT extends CellTestSupport {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyProbePathTheChartRendersAnswersUp() throws Exception {
        Map<String, Object> cellContainer = Chart.cell(Chart.daemonSet(Chart.render(Map.of())));
        List<String> paths = new ArrayList<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            paths.add((String) at(cellContainer, probe, "httpGet", "path"));
        }
        assertEquals(List.of("/health/started", "/health/live", "/health/ready"), paths);
        for (String path : paths) {
            HttpResponse<String> response = get(path);
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            assertTrue(response.body().contains("\"status\":\"UP\""), path + ": " + response.body());
        }
    }

    @Test
    void theScrapePathAnswersPrometheusTextWithTheCellsMetrics() throws Exception {
        Map<String, Object> annotations = Chart.map(at(Chart.daemonSet(Chart.render(Map.of())),
                "spec", "template", "metadata", "annotations"));
        HttpResponse<String> response = get((String) annotations.get("prometheus.io/path"));
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(response.body().contains("greenhouse_containers"), response.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(cell.url + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
