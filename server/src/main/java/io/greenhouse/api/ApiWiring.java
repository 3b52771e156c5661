package io.greenhouse.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The API's own beans; the stream registry, which needs the cell's threads, comes from CellWiring. */
@ApplicationScoped
public class ApiWiring {
    @Produces
    @Singleton
    JsonBodies jsonBodies() {
        return new JsonBodies();
    }
}
