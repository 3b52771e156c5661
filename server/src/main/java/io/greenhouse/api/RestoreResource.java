package io.greenhouse.api;

import io.greenhouse.backend.GardenBackend;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/** {@code POST /containers/:handle/restore}: a checkpointed container runs again (issue 16). */
@Path("/containers/{handle}/restore")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class RestoreResource {
    private GardenBackend backend;

    protected RestoreResource() {
    }

    @Inject
    public RestoreResource(GardenBackend backend) {
        this.backend = backend;
    }

    @POST
    public Map<String, String> restore(@PathParam("handle") String handle) {
        backend.lookup(handle);
        try (var activity = backend.activity(handle)) {
            backend.restoreCheckpoint(handle);
        }
        return Map.of();
    }
}
