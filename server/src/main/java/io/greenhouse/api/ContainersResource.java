package io.greenhouse.api;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import io.greenhouse.api.wire.ContainerInfoJson;
import io.greenhouse.api.wire.ContainerSpecJson;
import io.greenhouse.api.wire.HandleJson;
import io.greenhouse.api.wire.HandlesJson;
import io.greenhouse.api.wire.InfoEntryJson;
import io.greenhouse.api.wire.MetricsEntryJson;
import io.greenhouse.api.wire.MetricsJson;
import io.greenhouse.api.wire.StopJson;
import io.greenhouse.backend.Container;
import io.greenhouse.backend.GardenBackend;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Container lifecycle: create, list, info, stop, grace time, destroy. */
@Path("/containers")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class ContainersResource {
    private GardenBackend backend;
    private JsonBodies bodies;

    protected ContainersResource() {
    }

    @Inject
    public ContainersResource(GardenBackend backend, JsonBodies bodies) {
        this.backend = backend;
        this.bodies = bodies;
    }

    @POST
    public HandleJson create(@RequestBody(content = @Content(schema = @Schema(implementation = ContainerSpecJson.class)))
                             String body) {
        ContainerSpecJson json = bodies.read(body, ContainerSpecJson.class,
                new ContainerSpecJson(null, null, null, null, null, null, null, null, null, null, null, null));
        Container container = backend.create(WireMapper.toSpec(json));
        return new HandleJson(container.handle());
    }

    /** Every query parameter is a property filter; all must match. */
    @GET
    public HandlesJson list(@Context UriInfo uri) {
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        Map<String, String> filter = new LinkedHashMap<>();
        query.forEach((k, v) -> {
            if (!v.isEmpty()) {
                filter.put(k, v.get(0));
            }
        });
        return new HandlesJson(backend.handles(filter));
    }

    @GET
    @Path("bulk_info")
    public Map<String, InfoEntryJson> bulkInfo(@QueryParam("handles") String handles) {
        Map<String, InfoEntryJson> out = new LinkedHashMap<>();
        backend.bulk(split(handles), Container::info).forEach((handle, result) -> out.put(handle,
                result.error() == null
                        ? new InfoEntryJson(WireMapper.info(result.value()), null)
                        : new InfoEntryJson(null, GardenExceptionMapper.toError(result.error()))));
        return out;
    }

    @GET
    @Path("bulk_metrics")
    public Map<String, MetricsEntryJson> bulkMetrics(@QueryParam("handles") String handles) {
        Map<String, MetricsEntryJson> out = new LinkedHashMap<>();
        backend.bulkMetrics(split(handles)).forEach((handle, result) -> out.put(handle,
                result.error() == null
                        ? new MetricsEntryJson(WireMapper.metrics(result.value()), null)
                        : new MetricsEntryJson(null, GardenExceptionMapper.toError(result.error()))));
        return out;
    }

    @GET
    @Path("{handle}/metrics")
    public MetricsJson metrics(@PathParam("handle") String handle) {
        return WireMapper.metrics(backend.metrics(backend.lookup(handle)));
    }

    static List<String> split(String handles) {
        if (handles == null || handles.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(handles.split(",")).toList();
    }

    @GET
    @Path("{handle}/info")
    public ContainerInfoJson info(@PathParam("handle") String handle) {
        return WireMapper.info(backend.lookup(handle).info());
    }

    @DELETE
    @Path("{handle}")
    public Map<String, String> destroy(@PathParam("handle") String handle) {
        backend.destroy(handle);
        return Map.of();
    }

    @PUT
    @Path("{handle}/stop")
    public Map<String, String> stop(@PathParam("handle") String handle,
                                    @RequestBody(content = @Content(schema = @Schema(implementation = StopJson.class)))
                                    String body) {
        StopJson request = bodies.read(body, StopJson.class, new StopJson(false));
        Container container = backend.lookup(handle);
        try (var activity = backend.activity(handle)) {
            container.stop(Boolean.TRUE.equals(request.kill()));
        }
        return Map.of();
    }

    /** The body is a bare JSON number of nanoseconds (a Go time.Duration). */
    @PUT
    @Path("{handle}/grace_time")
    public Map<String, String> setGraceTime(@PathParam("handle") String handle, String body) {
        Long nanos = bodies.read(body, Long.class, null);
        if (nanos < 0) {
            throw new io.greenhouse.backend.GardenException("grace time must not be negative");
        }
        backend.lookup(handle).setGraceTime(Duration.ofNanos(nanos));
        return Map.of();
    }
}
