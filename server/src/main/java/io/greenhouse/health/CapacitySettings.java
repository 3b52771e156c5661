package io.greenhouse.health;

/** Readiness thresholds, handed over by the wiring: the free space the writable layers' file system must keep. */
public record CapacitySettings(long diskReserveBytes) {
}
