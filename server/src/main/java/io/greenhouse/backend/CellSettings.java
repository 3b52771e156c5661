package io.greenhouse.backend;

import java.time.Duration;

/**
 * Cell-wide settings the backend needs.
 *
 * @param maxContainers     creates beyond this many are refused
 * @param defaultGraceTime  grace time of a container whose spec gives none; zero means never reap
 * @param stopTimeout       how long Stop waits after SIGTERM before SIGKILL
 * @param destroyContainersOnStart  on start, destroy the containers of the previous run instead of
 *                          serving them again (Guardian's destroy_containers_on_start)
 * @param unifiedCgroups    the host runs cgroup v2, so CPU limits are weights, not shares
 */
public record CellSettings(int maxContainers, Duration defaultGraceTime, Duration stopTimeout,
                           boolean destroyContainersOnStart, boolean unifiedCgroups) {

    /** Settings for a cgroup v1 host. */
    public CellSettings(int maxContainers, Duration defaultGraceTime, Duration stopTimeout,
                        boolean destroyContainersOnStart) {
        this(maxContainers, defaultGraceTime, stopTimeout, destroyContainersOnStart, false);
    }
}
