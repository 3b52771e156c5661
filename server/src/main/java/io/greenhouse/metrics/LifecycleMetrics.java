package io.greenhouse.metrics;

import io.greenhouse.backend.ContainerEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Timer;

import java.time.Duration;

/**
 * Counts and times container creates and destroys as the backend reports them, so the backend
 * itself needs no MicroProfile. Failed creates are counted apart from successful ones.
 */
@ApplicationScoped
public class LifecycleMetrics implements ContainerEvents {
    private Counter creates;
    private Counter failedCreates;
    private Counter destroys;
    private Timer createTime;
    private Timer destroyTime;

    protected LifecycleMetrics() {
    }

    @Inject
    public LifecycleMetrics(MetricRegistry registry) {
        creates = registry.counter(Metadata.builder().withName("greenhouse.container.creates")
                .withDescription("Containers created").build());
        failedCreates = registry.counter(Metadata.builder().withName("greenhouse.container.create.failures")
                .withDescription("Create requests that produced no container").build());
        destroys = registry.counter(Metadata.builder().withName("greenhouse.container.destroys")
                .withDescription("Containers destroyed, by a client or when their grace time ran out").build());
        createTime = registry.timer(Metadata.builder().withName("greenhouse.container.create.time")
                .withDescription("Time to create a container, failed creates included").build());
        destroyTime = registry.timer(Metadata.builder().withName("greenhouse.container.destroy.time")
                .withDescription("Time to destroy a container").build());
    }

    /** Registers the counters at start-up, so they read 0 before the first create, not absent. */
    void registerEarly(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // observing is enough: it makes CDI create this bean now
    }

    @Override
    public void created(String handle, Duration took) {
        creates.inc();
        createTime.update(took);
    }

    @Override
    public void createFailed(Duration took) {
        failedCreates.inc();
        createTime.update(took);
    }

    @Override
    public void destroyed(String handle, Duration took) {
        destroys.inc();
        destroyTime.update(took);
    }
}
