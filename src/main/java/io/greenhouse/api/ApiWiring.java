package io.greenhouse.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

@ApplicationScoped
public class ApiWiring {
    @Produces
    @Singleton
    JsonBodies jsonBodies() {
        return new JsonBodies();
    }
}
