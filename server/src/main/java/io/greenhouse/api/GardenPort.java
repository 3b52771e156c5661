package io.greenhouse.api;

import java.util.Optional;

/**
 * Which requests the Garden API answers, by the listener they came through.
 * <ul>
 * <li>Never on the admin center's HTTPS port ({@code greenhouse.admin.port}): Liberty serves every
 * web application on every endpoint of its virtual host, so without this check the whole Garden
 * API would answer there too, with no client certificate, a way around mutual TLS.</li>
 * <li>Only over TLS when {@code greenhouse.tls.enabled}: the Garden endpoint is switched to HTTPS
 * by a configuration dropin the application writes at start (wiring.TlsEndpointSetup), which
 * Liberty applies a moment later; a request that still arrives in plain HTTP in that moment is
 * refused rather than served without a client certificate.</li>
 * </ul>
 */
public record GardenPort(int adminPort, boolean tlsRequired) {
    public static final int DEFAULT_ADMIN_PORT = 9443;

    /** Why a request that arrived on LOCAL_PORT, over TLS or not, is refused; empty when it is served. */
    public Optional<String> refusal(int localPort, boolean secure) {
        if (localPort == adminPort) {
            return Optional.of("the Garden API is not served on the admin center's port");
        }
        if (tlsRequired && !secure) {
            return Optional.of("the Garden API is served over mutual TLS only (greenhouse.tls.enabled): "
                    + "plain HTTP is refused");
        }
        return Optional.empty();
    }
}
