package io.greenhouse.api;

import io.greenhouse.backend.GardenBackend;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import io.greenhouse.api.wire.CheckpointJson;
import io.greenhouse.api.wire.HandleJson;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.InputStream;

import java.util.Map;

/**
 * Checkpoint and restore (issue 16), an extension of the Garden API that the Go client does not
 * know: {@code POST /containers/:handle/checkpoint} with an optional {@code {"leave_running":true}},
 * {@code POST /containers/:handle/restore} ({@link RestoreResource}). Both answer {@code {}}; failures
 * are Garden errors. Moving between cells: {@code GET} here streams a checkpointed container as one
 * archive ({@code application/x-tar}); {@code PUT} of that archive to another cell makes the container
 * there (same image), checkpointed, answering {@code {"handle":...}}; its restore then runs it there. A root path of its own each: RESTEasy never looks past the first root resource
 * whose path matches, so a {@code /containers/{handle}} here would hide every other container route.
 */
@Path("/containers/{handle}/checkpoint")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class CheckpointResource {
    static final String TAR = "application/x-tar";
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

    /** What cannot be exported is refused before the first byte; the archive is then written as made. */
    @GET
    @Produces({TAR, MediaType.APPLICATION_JSON})
    public Response export(@PathParam("handle") String handle) {
        backend.requireExportable(handle);
        StreamingOutput body = out -> {
            try (var activity = backend.activity(handle)) {
                backend.exportCheckpoint(handle, out);
            }
        };
        return Response.ok(body, TAR).build();
    }

    /** The archive is read as it arrives, and only as far as it belongs in one (see the checkpointer). */
    @PUT
    public HandleJson importArchive(@PathParam("handle") String handle, InputStream archive) {
        return new HandleJson(backend.importCheckpoint(handle, archive).handle());
    }
}
