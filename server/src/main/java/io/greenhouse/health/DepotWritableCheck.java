package io.greenhouse.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ready while a file can really be written in the depot (a read-only or full filesystem fails
 * this where a permission check would not); reports the depot's free space.
 */
@Readiness
@ApplicationScoped
public class DepotWritableCheck implements HealthCheck {
    private HealthSettings settings;

    protected DepotWritableCheck() {
    }

    @Inject
    public DepotWritableCheck(HealthSettings settings) {
        this.settings = settings;
    }

    @Override
    public HealthCheckResponse call() {
        Path depot = settings.depot();
        var response = HealthCheckResponse.named("depot-writable").withData("depot", depot.toString());
        Path probe = null;
        try {
            // A plain file, never a directory: the depot takes only directories for containers.
            probe = Files.createTempFile(depot, ".health-", ".probe");
            Files.writeString(probe, "ok");
            return response.withData("usableBytes", Files.getFileStore(depot).getUsableSpace()).up().build();
        } catch (IOException | RuntimeException e) {
            return response.withData("error", e.getClass().getSimpleName() + ": " + e.getMessage()).down().build();
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // the next probe tries again; a stray probe file harms nothing
                }
            }
        }
    }
}
