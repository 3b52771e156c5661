package io.greenhouse.wiring;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Gives the admin center its administrator when the application starts, in servers whose
 * server.xml enables it (it names liberty.server.config.dir; the in-server test server does not).
 * A generated password is printed once, the first time; later starts say where it is kept.
 */
@ApplicationScoped
public class AdminCenterSetup {
    private static final Logger LOG = Logger.getLogger(AdminCenterSetup.class.getName());

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event, Config config) {
        Optional<String> configDir = config.getOptionalValue("liberty.server.config.dir", String.class);
        if (configDir.isEmpty()) {
            return;
        }
        String user = config.getOptionalValue("greenhouse.admin.user", String.class)
                .filter(s -> !s.isBlank()).orElse("admin");
        Optional<String> password = config.getOptionalValue("greenhouse.admin.password", String.class)
                .filter(s -> !s.isBlank());
        String where = "https://" + config.getOptionalValue("greenhouse.admin.address", String.class).orElse("127.0.0.1")
                + ":" + config.getOptionalValue("greenhouse.admin.port", String.class).orElse("9443") + "/adminCenter/";
        AdminAccount.Outcome account = new AdminAccount(Path.of(configDir.get()), new SecureRandom())
                .ensure(user, password);
        if (account.generated()) {
            LOG.info(() -> "admin center " + where + ": user " + account.user() + ", generated password "
                    + account.password() + " (printed this once; kept in " + account.passwordFile()
                    + ", mode 0600; set GREENHOUSE_ADMIN_PASSWORD to choose one)");
        } else if (password.isPresent()) {
            LOG.info(() -> "admin center " + where + ": user " + account.user() + ", password from GREENHOUSE_ADMIN_PASSWORD");
        } else {
            LOG.info(() -> "admin center " + where + ": user " + account.user()
                    + ", password as generated at the first start, in " + account.passwordFile());
        }
    }
}
