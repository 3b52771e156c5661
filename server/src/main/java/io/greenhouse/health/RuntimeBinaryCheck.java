package io.greenhouse.health;

import io.greenhouse.linux.HostCommand;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.List;

/** Ready while the OCI runtime binary runs: {@code runc --version} exits 0; reports its version. */
@Readiness
@ApplicationScoped
public class RuntimeBinaryCheck implements HealthCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private HealthSettings settings;

    protected RuntimeBinaryCheck() {
    }

    @Inject
    public RuntimeBinaryCheck(HealthSettings settings) {
        this.settings = settings;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("runtime-binary").withData("binary", settings.runtimeBinary());
        try {
            HostCommand.Result r = HostCommand.run(List.of(settings.runtimeBinary(), "--version"), TIMEOUT);
            if (r.ok()) {
                return response.withData("version", firstLine(r.stdout())).up().build();
            }
            return response.withData("exitCode", r.exitCode()).withData("error", firstLine(r.message())).down().build();
        } catch (RuntimeException e) {
            return response.withData("error", String.valueOf(e.getMessage())).down().build();
        }
    }

    static String firstLine(String text) {
        String s = text.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
