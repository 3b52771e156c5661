package io.greenhouse.health;

import io.greenhouse.backend.ContainerStore;
import io.greenhouse.backend.GardenBackend;
import io.greenhouse.backend.ServiceUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Ready once the containers of the previous run have been reloaded (Garden's ping answers). Names
 * the containers whose depot record cannot be read ({@code broken}): they are not served, but the
 * cell stays ready for the others, so one bad record takes no node out of service.
 */
@Readiness
@ApplicationScoped
public class ContainersReloadedCheck implements HealthCheck {
    private GardenBackend backend;
    private ContainerStore store;

    protected ContainersReloadedCheck() {
    }

    @Inject
    public ContainersReloadedCheck(GardenBackend backend, ContainerStore store) {
        this.backend = backend;
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("containers-reloaded")
                .withData("containers", backend.handles(Map.of()).size());
        Map<String, String> broken = store.unreadable();
        if (!broken.isEmpty()) {
            response.withData("broken", broken.size()).withData("brokenContainers", broken.entrySet().stream()
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining("; ")));
        }
        try {
            backend.ping();
            return response.up().build();
        } catch (ServiceUnavailableException e) {
            return response.withData("reason", e.getMessage()).down().build();
        }
    }
}
