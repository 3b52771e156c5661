package io.greenhouse.api;

import io.greenhouse.api.wire.NetInJson;
import io.greenhouse.api.wire.NetOutRuleJson;
import io.greenhouse.backend.Container;
import io.greenhouse.backend.GardenBackend;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** NetIn, NetOut and BulkNetOut; the grace-time clock stands still while they run, as in Guardian. */
@Path("/containers/{handle}/net")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class NetworkResource {
    private static final java.lang.reflect.Type RULES = new ArrayList<NetOutRuleJson>() { }.getClass().getGenericSuperclass();

    private GardenBackend backend;
    private JsonBodies bodies;

    protected NetworkResource() {
    }

    @Inject
    public NetworkResource(GardenBackend backend, JsonBodies bodies) {
        this.backend = backend;
        this.bodies = bodies;
    }

    /** Body and answer: {"host_port":N,"container_port":M}; zeros are chosen by the cell. */
    @POST
    @Path("in")
    public NetInJson netIn(@PathParam("handle") String handle, String body) {
        NetInJson request = bodies.read(body, NetInJson.class, new NetInJson(null, null));
        Container container = backend.lookup(handle);
        try (var activity = backend.activity(handle)) {
            var requested = WireMapper.netIn(request);
            return WireMapper.netIn(container.netIn(requested.hostPort(), requested.containerPort()));
        }
    }

    @POST
    @Path("out")
    public Map<String, String> netOut(@PathParam("handle") String handle, String body) {
        NetOutRuleJson rule = bodies.read(body, NetOutRuleJson.class, null);
        apply(handle, List.of(rule));
        return Map.of();
    }

    /** Body: a JSON array of rules, applied in one transaction. */
    @POST
    @Path("out/bulk")
    public Map<String, String> bulkNetOut(@PathParam("handle") String handle, String body) {
        List<NetOutRuleJson> rules = bodies.read(body, RULES, List.of());
        apply(handle, rules);
        return Map.of();
    }

    private void apply(String handle, List<NetOutRuleJson> rules) {
        var domain = WireMapper.netOutRules(rules);
        Container container = backend.lookup(handle);
        try (var activity = backend.activity(handle)) {
            container.netOut(domain);
        }
    }
}
