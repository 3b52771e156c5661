package io.greenhouse.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.nio.file.Files;
import java.nio.file.Path;

/** Ready while the default root filesystem is there: a directory with a shell in it. */
@Readiness
@ApplicationScoped
public class DefaultRootfsCheck implements HealthCheck {
    private HealthSettings settings;

    protected DefaultRootfsCheck() {
    }

    @Inject
    public DefaultRootfsCheck(HealthSettings settings) {
        this.settings = settings;
    }

    @Override
    public HealthCheckResponse call() {
        Path rootfs = settings.defaultRootfs();
        boolean present = Files.isDirectory(rootfs) && Files.exists(rootfs.resolve("bin/sh"));
        return HealthCheckResponse.named("default-rootfs")
                .withData("path", rootfs.toString())
                .status(present)
                .build();
    }
}
