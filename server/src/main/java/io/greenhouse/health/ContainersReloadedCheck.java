package io.greenhouse.health;

import io.greenhouse.backend.GardenBackend;
import io.greenhouse.backend.ServiceUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;

/** Ready once the containers of the previous run have been reloaded (Garden's ping answers). */
@Readiness
@ApplicationScoped
public class ContainersReloadedCheck implements HealthCheck {
    private GardenBackend backend;

    protected ContainersReloadedCheck() {
    }

    @Inject
    public ContainersReloadedCheck(GardenBackend backend) {
        this.backend = backend;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("containers-reloaded")
                .withData("containers", backend.handles(Map.of()).size());
        try {
            backend.ping();
            return response.up().build();
        } catch (ServiceUnavailableException e) {
            return response.withData("reason", e.getMessage()).down().build();
        }
    }
}
