package io.greenhouse.inserver;

import io.greenhouse.testsupport.HostTraces;

import io.greenhouse.backend.ContainerSpec;
import io.greenhouse.backend.GardenBackend;
import io.greenhouse.backend.GardenException;
import io.greenhouse.wiring.Settings;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The health check and metrics beans as the server wires them, called from inside it. */
@ExtendWith(ArquillianExtension.class)
class HealthAndMetricsInServerIT {

    @Deployment
    static WebArchive cell() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/greenhouse.war"))
                .addClasses(HealthAndMetricsInServerIT.class, HostTraces.class);
    }

    @Inject
    GardenBackend backend;

    @Inject
    Settings settings;

    @Inject
    @Readiness
    Instance<HealthCheck> readiness;

    @Inject
    @Liveness
    Instance<HealthCheck> liveness;

    @Inject
    MetricRegistry metrics;

    @BeforeEach
    void startFromAnEmptyCell() {
        backend.handles(Map.of()).forEach(backend::destroy);
    }

    @AfterEach
    void nothingLeaks() {
        backend.handles(Map.of()).forEach(backend::destroy);
        HostTraces traces = new HostTraces(settings.depot(), settings.runtimeBinary(), settings.runtimeRoot(),
                settings.cgroupParent());
        assertEquals(List.of(), traces.leftovers());
    }

    private static Map<String, HealthCheckResponse> call(Instance<HealthCheck> checks) {
        return StreamSupport.stream(checks.spliterator(), false).map(HealthCheck::call)
                .collect(Collectors.toMap(HealthCheckResponse::getName, r -> r));
    }

    @Test
    void everyReadinessCheckIsUpAndSaysWhatItChecked() {
        Map<String, HealthCheckResponse> ready = call(readiness);
        assertEquals(List.of("checkpoint", "container-capacity", "containers-reloaded", "default-rootfs", "depot-writable",
                        "disk-store", "runtime-binary"),
                ready.keySet().stream().sorted().toList());
        ready.values().forEach(r -> assertEquals(HealthCheckResponse.Status.UP, r.getStatus(), r.getName()));
        assertEquals(settings.depot().toString(), ready.get("depot-writable").getData().orElseThrow().get("depot"));
        assertEquals(settings.runtimeBinary(), ready.get("runtime-binary").getData().orElseThrow().get("binary"));
        assertEquals(List.of(), HostTraces.run("sh", "-c", "ls -A " + settings.depot()).lines().toList(),
                "the depot probe cleans up after itself");
    }

    @Test
    void livenessSeesTheReaperRunning() throws InterruptedException {
        // The reaper's first round is a second after start: wait for it (generously), not a fixed time.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        HealthCheckResponse reaper = call(liveness).get("grace-time-reaper");
        while ((Long) reaper.getData().orElseThrow().get("lastRoundMillisAgo") < 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            reaper = call(liveness).get("grace-time-reaper");
        }
        assertEquals(HealthCheckResponse.Status.UP, reaper.getStatus());
        long ago = (Long) reaper.getData().orElseThrow().get("lastRoundMillisAgo");
        assertTrue(ago >= 0, "the reaper has done a round: " + ago);
    }

    @Test
    void backendEventsReachTheApplicationRegistry() {
        long creates = count("greenhouse.container.creates");
        long failures = count("greenhouse.container.create.failures");
        long destroys = count("greenhouse.container.destroys");

        backend.create(new ContainerSpec("metrics-inserver", null, null, null, null, null, null, false, null, null, null));
        assertThrows(GardenException.class,
                () -> backend.create(new ContainerSpec("metrics-inserver", null, null, null, null, null, null, false, null, null, null)));
        assertEquals(1, metrics.getGauge(new MetricID("greenhouse.containers")).getValue().intValue());
        backend.destroy("metrics-inserver");

        assertEquals(creates + 1, count("greenhouse.container.creates"));
        assertEquals(failures + 1, count("greenhouse.container.create.failures"));
        assertEquals(destroys + 1, count("greenhouse.container.destroys"));
        assertEquals(0, metrics.getGauge(new MetricID("greenhouse.containers")).getValue().intValue());
    }

    private long count(String counter) {
        return metrics.getCounter(new MetricID(counter)).getCount();
    }
}
