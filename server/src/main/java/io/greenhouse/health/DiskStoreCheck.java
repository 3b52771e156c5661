package io.greenhouse.health;

import io.greenhouse.backend.DiskQuota;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The writable layers' file system: whether disk limits are enforced (project quotas) or only
 * reported, and why; DOWN while its free space is below the reserve, since new containers' writes
 * would then fail on the store rather than at their own limits.
 */
@Readiness
@ApplicationScoped
public class DiskStoreCheck implements HealthCheck {
    private DiskQuota quota;
    private CapacitySettings settings;

    protected DiskStoreCheck() {
    }

    @Inject
    public DiskStoreCheck(DiskQuota quota, CapacitySettings settings) {
        this.quota = quota;
        this.settings = settings;
    }

    @Override
    public HealthCheckResponse call() {
        DiskQuota.Status status = quota.status();
        long free = quota.freeBytes();
        var response = HealthCheckResponse.named("disk-store")
                .withData("quotasEnforced", status.enforcing())
                .withData("quota", status.detail())
                .withData("freeBytes", free)
                .withData("reserveBytes", settings.diskReserveBytes());
        if (free < settings.diskReserveBytes()) {
            return response.withData("reason", "free space " + free + " bytes is below the reserve of "
                    + settings.diskReserveBytes() + " bytes").down().build();
        }
        return response.up().build();
    }
}
