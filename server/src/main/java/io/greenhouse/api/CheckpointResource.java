package io.greenhouse.api;

import io.greenhouse.backend.GardenBackend;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import io.greenhouse.api.wire.CheckpointJson;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * Checkpoint and restore (issue 16), an extension of the Garden API that the Go client does not
 * know: {@code POST /containers/:handle/checkpoint} with an optional {@code {"leave_running":true}},
 * {@code POST /containers/:handle/restore} ({@link RestoreResource}). Both answer {@code {}}; failures
 * are Garden errors. A root path of its own each: RESTEasy never looks past the first root resource
 * whose path matches, so a {@code /containers/{handle}} here would hide every other container route.
 */
@Path("/containers/{handle}/checkpoint")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class CheckpointResource {
    private GardenBackend backend;
    private JsonBodies bodies;

    protected CheckpointResource() {
    }

    @Inject
    public CheckpointResource(GardenBackend backend, JsonBodies bodies) {
        this.backend = backend;
        this.bodies = bodies;
    }

    @POST
    public Map<String, String> checkpoint(@PathParam("handle") String handle, String body) {
        backend.lookup(handle);
        try (var activity = backend.activity(handle)) {
            CheckpointJson request = bodies.read(body, CheckpointJson.class, new CheckpointJson(false));
            backend.checkpoint(handle, Boolean.TRUE.equals(request.leaveRunning()));
        }
        return Map.of();
    }
}
