package io.greenhouse.backend;

import java.time.Duration;

/**
 * Cell-wide settings the backend needs.
 *
 * @param maxContainers     creates beyond this many are refused
 * @param defaultGraceTime  grace time of a container whose spec gives none; zero means never reap
 * @param stopTimeout       how long Stop waits after SIGTERM before SIGKILL
 */
public record CellSettings(int maxContainers, Duration defaultGraceTime, Duration stopTimeout) {
}
