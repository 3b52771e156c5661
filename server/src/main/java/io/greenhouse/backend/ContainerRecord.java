package io.greenhouse.backend;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the depot keeps about a container: enough to serve it again after a restart, or to finish
 * making or unmaking it.
 *
 * @param phase where the container is in its life; records written before phases existed read as
 *              {@link Phase#CREATED}, the only state such a record could be served in
 */
public record ContainerRecord(
        ContainerSpec spec,
        Map<String, String> properties,
        Duration graceTime,
        Instant createdAt,
        List<String> rootfsEnv,
        boolean stopped,
        Phase phase) {

    /**
     * A container is {@code CREATING} from its first step until its last has run, {@code CREATED}
     * then, and {@code DESTROYING} from the moment a destroy starts. After a crash, only a
     * {@code CREATED} container is served again; the others are unmade.
     */
    public enum Phase { CREATING, CREATED, DESTROYING }

    // A second constructor would stop JSON-B from reading records back: keep this the only one.
    public ContainerRecord {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
        rootfsEnv = rootfsEnv == null ? List.of() : List.copyOf(rootfsEnv);
        graceTime = graceTime == null ? Duration.ZERO : graceTime;
        phase = phase == null ? Phase.CREATED : phase;
        // Image credentials are needed once, to fetch the image; they never reach the disk.
        spec = spec == null ? null : spec.withoutCredentials();
    }

    public String handle() {
        return spec.handle();
    }

    public ContainerRecord withProperties(Map<String, String> newProperties) {
        return new ContainerRecord(spec, newProperties, graceTime, createdAt, rootfsEnv, stopped, phase);
    }

    public ContainerRecord withGraceTime(Duration newGraceTime) {
        return new ContainerRecord(spec, properties, newGraceTime, createdAt, rootfsEnv, stopped, phase);
    }

    public ContainerRecord withStopped(boolean newStopped) {
        return new ContainerRecord(spec, properties, graceTime, createdAt, rootfsEnv, newStopped, phase);
    }

    public ContainerRecord withRootfsEnv(List<String> env) {
        return new ContainerRecord(spec, properties, graceTime, createdAt, env, stopped, phase);
    }

    public ContainerRecord withPhase(Phase newPhase) {
        return new ContainerRecord(spec, properties, graceTime, createdAt, rootfsEnv, stopped, newPhase);
    }
}
