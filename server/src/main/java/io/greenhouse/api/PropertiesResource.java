package io.greenhouse.api;

import io.greenhouse.api.wire.PropertyValueJson;
import io.greenhouse.backend.GardenBackend;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

@Path("/containers/{handle}/properties")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class PropertiesResource {
    private GardenBackend backend;
    private JsonBodies bodies;

    protected PropertiesResource() {
    }

    @Inject
    public PropertiesResource(GardenBackend backend, JsonBodies bodies) {
        this.backend = backend;
        this.bodies = bodies;
    }

    @GET
    public Map<String, String> all(@PathParam("handle") String handle) {
        return backend.lookup(handle).properties();
    }

    @GET
    @Path("{key}")
    public PropertyValueJson get(@PathParam("handle") String handle, @PathParam("key") String key) {
        return new PropertyValueJson(backend.lookup(handle).property(key));
    }

    @PUT
    @Path("{key}")
    public Map<String, String> set(@PathParam("handle") String handle, @PathParam("key") String key, String body) {
        PropertyValueJson value = bodies.read(body, PropertyValueJson.class, null);
        backend.lookup(handle).setProperty(InputChecks.propertyKey(key), value.value() == null ? "" : value.value());
        return Map.of();
    }

    @DELETE
    @Path("{key}")
    public Map<String, String> remove(@PathParam("handle") String handle, @PathParam("key") String key) {
        backend.lookup(handle).removeProperty(key);
        return Map.of();
    }
}
