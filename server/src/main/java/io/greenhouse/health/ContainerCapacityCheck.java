package io.greenhouse.health;

import io.greenhouse.backend.GardenBackend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;

/** DOWN while the cell holds as many containers as it may (a create would be refused); UP after a destroy. */
@Readiness
@ApplicationScoped
public class ContainerCapacityCheck implements HealthCheck {
    private GardenBackend backend;

    protected ContainerCapacityCheck() {
    }

    @Inject
    public ContainerCapacityCheck(GardenBackend backend) {
        this.backend = backend;
    }

    @Override
    public HealthCheckResponse call() {
        int containers = backend.handles(Map.of()).size();
        long max = backend.capacity().maxContainers();
        var response = HealthCheckResponse.named("container-capacity")
                .withData("containers", containers)
                .withData("maxContainers", max);
        if (containers >= max) {
            return response.withData("reason", "max containers reached: " + containers + " of " + max).down().build();
        }
        return response.up().build();
    }
}
