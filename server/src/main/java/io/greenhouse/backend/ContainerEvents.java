package io.greenhouse.backend;

import java.time.Duration;

/**
 * What the backend tells observers (metrics, for one) about container lifecycle, so it need not
 * know how they are counted. Called on the request's thread after the fact; must not throw.
 */
public interface ContainerEvents {
    ContainerEvents NONE = new ContainerEvents() {
    };

    default void created(String handle, Duration took) {
    }

    /** A create request that produced no container, whatever the reason. */
    default void createFailed(Duration took) {
    }

    /** A container is gone: destroyed by a client or reaped when its grace time ran out. */
    default void destroyed(String handle, Duration took) {
    }
}
