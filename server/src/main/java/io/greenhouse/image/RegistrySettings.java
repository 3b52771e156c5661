package io.greenhouse.image;

import java.time.Duration;
import java.util.Set;

/**
 * How the registry client reaches registries.
 *
 * @param insecure registries (host or host:port) spoken to over plain HTTP; loopback ones always are
 * @param hubMirror where {@code docker:///name} images come from instead of Docker Hub: host[:port]
 *                  or a URL; empty for the hub itself
 * @param connectTimeout for each connection
 * @param requestTimeout until a response's headers arrive, and the longest pause inside a blob's body
 * @param attempts tries of each request (and each layer download) before a pull fails
 * @param backoff wait before the second try; doubled for each further one
 */
public record RegistrySettings(Set<String> insecure, String hubMirror, Duration connectTimeout,
                               Duration requestTimeout, int attempts, Duration backoff) {
    public RegistrySettings {
        insecure = Set.copyOf(insecure);
        hubMirror = hubMirror == null ? "" : hubMirror.strip();
        attempts = Math.max(1, attempts);
    }

    public static RegistrySettings defaults() {
        return new RegistrySettings(Set.of(), "", Duration.ofSeconds(10), Duration.ofSeconds(60), 3, Duration.ofMillis(500));
    }
}
