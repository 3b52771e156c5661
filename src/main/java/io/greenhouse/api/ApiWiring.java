package io.greenhouse.api;

import io.greenhouse.api.stream.StreamRegistry;
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

    @Produces
    @Singleton
    StreamRegistry streamRegistry() {
        return new StreamRegistry();
    }
}
