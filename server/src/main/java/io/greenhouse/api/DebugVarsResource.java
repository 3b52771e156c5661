package io.greenhouse.api;

import io.greenhouse.api.wire.DebugVarsJson;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * Guardian's /debug/vars, which operators and the Garden integration suite read for the server's
 * memory use. Guardian serves it on a separate debug listener; here it is on the API listener.
 */
@Path("/debug/vars")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class DebugVarsResource {

    @GET
    public DebugVarsJson vars() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        long collections = 0;
        long pauseMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += Math.max(0, gc.getCollectionCount());
            pauseMillis += Math.max(0, gc.getCollectionTime());
        }
        List<String> cmdline = ProcessHandle.current().info().commandLine().map(List::of).orElse(List.of());
        return new DebugVarsJson(cmdline, new DebugVarsJson.MemStatsJson(
                heap.getUsed(),
                heap.getCommitted() + nonHeap.getCommitted(),
                heap.getUsed(),
                heap.getCommitted(),
                heap.getUsed(),
                collections,
                pauseMillis * 1_000_000));
    }
}
