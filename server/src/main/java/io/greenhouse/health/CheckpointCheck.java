package io.greenhouse.health;

import io.greenhouse.backend.Checkpointer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Says whether checkpoints can be taken and, if not, why not. Always up: a cell without criu
 * serves every Garden operation, and only checkpoint and restore are refused.
 */
@Readiness
@ApplicationScoped
public class CheckpointCheck implements HealthCheck {
    private Checkpointer checkpointer;

    protected CheckpointCheck() {
    }

    @Inject
    public CheckpointCheck(Checkpointer checkpointer) {
        this.checkpointer = checkpointer;
    }

    @Override
    public HealthCheckResponse call() {
        Checkpointer.Availability a = checkpointer.availability();
        return HealthCheckResponse.named("checkpoint")
                .withData("available", a.available())
                .withData("reason", a.reason())
                .up().build();
    }
}
