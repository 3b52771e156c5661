package io.greenhouse.wiring;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Puts the Garden endpoint on mutual TLS, or back to plain HTTP, as greenhouse.tls.enabled says,
 * when the application starts, in servers whose server.xml names liberty.server.config.dir (the
 * in-server test server does not). Liberty applies the dropin a moment later; until then
 * api.GardenPort refuses plain requests, so no Garden call is served without a client certificate.
 */
@ApplicationScoped
public class TlsEndpointSetup {
    private static final Logger LOG = Logger.getLogger(TlsEndpointSetup.class.getName());

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event, Config config) {
        Optional<String> configDir = config.getOptionalValue("liberty.server.config.dir", String.class);
        if (configDir.isEmpty()) {
            return;
        }
        boolean enabled = config.getOptionalValue("greenhouse.tls.enabled", Boolean.class).orElse(false);
        TlsDropin dropin = new TlsDropin(Path.of(configDir.get()));
        if (dropin.apply(enabled)) {
            LOG.info(() -> enabled
                    ? "Garden port: switching to mutual TLS (" + dropin.file() + " written); plain requests are refused"
                    : "Garden port: back to plain HTTP (" + dropin.file() + " removed)");
        } else if (enabled) {
            LOG.info(() -> "Garden port: mutual TLS (" + dropin.file() + ")");
        }
    }
}
