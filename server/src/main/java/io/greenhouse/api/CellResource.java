package io.greenhouse.api;

import io.greenhouse.api.wire.CapacityJson;
import io.greenhouse.backend.GardenBackend;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** Ping and capacity: the cell as a whole. */
@Path("/")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class CellResource {
    private GardenBackend backend;

    protected CellResource() {
    }

    @Inject
    public CellResource(GardenBackend backend) {
        this.backend = backend;
    }

    @GET
    @Path("ping")
    public Response ping() {
        backend.ping();
        return Response.ok(Map.of()).build();
    }

    @GET
    @Path("capacity")
    public CapacityJson capacity() {
        return WireMapper.capacity(backend.capacity());
    }
}
