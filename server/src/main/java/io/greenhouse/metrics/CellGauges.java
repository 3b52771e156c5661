package io.greenhouse.metrics;

import io.greenhouse.backend.GardenBackend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;

import java.util.Map;
import java.util.function.Supplier;

/** Gauges read from the backend at scrape time: containers, the container limit and capacity. */
@ApplicationScoped
public class CellGauges {
    private MetricRegistry registry;
    private GardenBackend backend;

    protected CellGauges() {
    }

    @Inject
    public CellGauges(MetricRegistry registry, GardenBackend backend) {
        this.registry = registry;
        this.backend = backend;
    }

    void register(@Observes @Initialized(ApplicationScoped.class) Object event) {
        gauge("greenhouse.containers", "Containers the cell holds", MetricUnits.NONE,
                () -> backend.handles(Map.of()).size());
        gauge("greenhouse.containers.max", "Containers the cell accepts at most", MetricUnits.NONE,
                () -> backend.capacity().maxContainers());
        gauge("greenhouse.capacity.memory", "Memory the host offers to containers", MetricUnits.BYTES,
                () -> backend.capacity().memoryInBytes());
        gauge("greenhouse.capacity.disk", "Size of the filesystem holding the depot", MetricUnits.BYTES,
                () -> backend.capacity().diskInBytes());
    }

    private <T extends Number> void gauge(String name, String description, String unit, Supplier<T> value) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).withUnit(unit).build(), value);
    }
}
