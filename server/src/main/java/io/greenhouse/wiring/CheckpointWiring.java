package io.greenhouse.wiring;

import io.greenhouse.backend.Checkpointer;
import io.greenhouse.checkpoint.RuncCheckpointer;
import io.greenhouse.linux.Syscalls;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;

/**
 * The checkpointer (issue 16), with its own two settings: the criu wrapper setup-host.sh installs
 * ({@code greenhouse.checkpoint.criu}) and the longest a dump or restore may take
 * ({@code greenhouse.checkpoint.timeout}).
 */
@ApplicationScoped
public class CheckpointWiring {

    @Produces
    @Singleton
    Checkpointer checkpointer(Config config, Settings s, Syscalls syscalls) {
        Path criu = Path.of(config.getOptionalValue("greenhouse.checkpoint.criu", String.class)
                .filter(v -> !v.isBlank()).orElse("/var/lib/greenhouse/criu/criu"));
        String timeout = config.getOptionalValue("greenhouse.checkpoint.timeout", String.class)
                .filter(v -> !v.isBlank()).orElse("5m");
        return new RuncCheckpointer(s.runtimeBinary(), s.runtimeRoot(), criu, Settings.duration(timeout), syscalls);
    }
}
