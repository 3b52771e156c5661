package io.greenhouse.health;

import java.nio.file.Path;

/** The settings of the cell the readiness checks look at, handed to them by the wiring. */
public record HealthSettings(Path depot, String runtimeBinary, Path defaultRootfs) {
}
