package io.greenhouse.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

/** The API's own beans; the stream registry, which needs the cell's threads, comes from CellWiring. */
@ApplicationScoped
public class ApiWiring {
    private Config config;

    protected ApiWiring() {
    }

    @Inject
    public ApiWiring(Config config) {
        this.config = config;
    }

    @Produces
    @Singleton
    JsonBodies jsonBodies() {
        return new JsonBodies();
    }

    @Produces
    @Singleton
    RequestLimits requestLimits() {
        return new RequestLimits(config.getOptionalValue("greenhouse.api.max-body-bytes", Long.class)
                .orElse(RequestLimits.DEFAULT_MAX_BODY_BYTES));
    }

    @Produces
    @Singleton
    GardenPort gardenPort() {
        return new GardenPort(
                config.getOptionalValue("greenhouse.admin.port", Integer.class).orElse(GardenPort.DEFAULT_ADMIN_PORT),
                config.getOptionalValue("greenhouse.tls.enabled", Boolean.class).orElse(false));
    }
}
