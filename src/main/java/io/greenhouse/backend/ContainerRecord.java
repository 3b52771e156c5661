package io.greenhouse.backend;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the depot keeps about a container: enough to serve it again after a restart. */
public record ContainerRecord(
        ContainerSpec spec,
        Map<String, String> properties,
        Duration graceTime,
        Instant createdAt,
        List<String> rootfsEnv,
        boolean stopped) {

    public ContainerRecord {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
        rootfsEnv = rootfsEnv == null ? List.of() : List.copyOf(rootfsEnv);
        graceTime = graceTime == null ? Duration.ZERO : graceTime;
    }

    public String handle() {
        return spec.handle();
    }

    public ContainerRecord withProperties(Map<String, String> newProperties) {
        return new ContainerRecord(spec, newProperties, graceTime, createdAt, rootfsEnv, stopped);
    }

    public ContainerRecord withGraceTime(Duration newGraceTime) {
        return new ContainerRecord(spec, properties, newGraceTime, createdAt, rootfsEnv, stopped);
    }

    public ContainerRecord withStopped(boolean newStopped) {
        return new ContainerRecord(spec, properties, graceTime, createdAt, rootfsEnv, newStopped);
    }
}
