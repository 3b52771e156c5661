package io.greenhouse.api;

import io.greenhouse.backend.FileStreams;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/** StreamIn and StreamOut: tar streams into and out of a container. */
@Path("/containers/{handle}/files")
@RequestScoped
public class FilesResource {
    static final String TAR = "application/x-tar";
    private static final int BUFFER = 64 * 1024;

    private FileStreams files;

    protected FilesResource() {
    }

    @Inject
    public FilesResource(FileStreams files) {
        this.files = files;
    }

    /** The body is read as it arrives (the Go client sends it chunked, of unknown length). */
    @PUT
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> streamIn(@PathParam("handle") String handle,
                                        @QueryParam("destination") String destination,
                                        @QueryParam("user") String user,
                                        InputStream tar) {
        files.streamIn(handle, InputChecks.path(destination, "destination"), InputChecks.user(user), tar);
        return Map.of();
    }

    /**
     * Failures known before the first byte (unknown container or user, missing or unreadable
     * source) are thrown here and become Garden error JSON; the tar is then copied as produced.
     */
    @GET
    @Produces({TAR, MediaType.APPLICATION_JSON})
    public Response streamOut(@PathParam("handle") String handle,
                              @QueryParam("source") String source,
                              @QueryParam("user") String user) {
        InputStream tar = files.streamOut(handle, InputChecks.path(source, "source"), InputChecks.user(user));
        StreamingOutput body = out -> copy(tar, out);
        return Response.ok(body, TAR).build();
    }

    private static void copy(InputStream tar, OutputStream out) throws java.io.IOException {
        try (tar) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = tar.read(buffer)) != -1) {
                out.write(buffer, 0, n);
            }
            out.flush();
        }
    }
}
