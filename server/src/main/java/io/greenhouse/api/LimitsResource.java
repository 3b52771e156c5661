package io.greenhouse.api;

import io.greenhouse.api.wire.BandwidthLimitsJson;
import io.greenhouse.api.wire.CpuLimitsJson;
import io.greenhouse.api.wire.DiskLimitsJson;
import io.greenhouse.api.wire.MemoryLimitsJson;
import io.greenhouse.backend.GardenBackend;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The limits a container was created with. */
@Path("/containers/{handle}/limits")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class LimitsResource {
    private GardenBackend backend;

    protected LimitsResource() {
    }

    @Inject
    public LimitsResource(GardenBackend backend) {
        this.backend = backend;
    }

    @GET
    @Path("memory")
    public MemoryLimitsJson memory(@PathParam("handle") String handle) {
        return WireMapper.memory(backend.lookup(handle).limits());
    }

    @GET
    @Path("cpu")
    public CpuLimitsJson cpu(@PathParam("handle") String handle) {
        return WireMapper.cpu(backend.lookup(handle).cpuLimitInShares());
    }

    @GET
    @Path("disk")
    public DiskLimitsJson disk(@PathParam("handle") String handle) {
        return WireMapper.disk(backend.lookup(handle).limits());
    }

    @GET
    @Path("bandwidth")
    public BandwidthLimitsJson bandwidth(@PathParam("handle") String handle) {
        return WireMapper.bandwidth(backend.lookup(handle).limits());
    }
}
