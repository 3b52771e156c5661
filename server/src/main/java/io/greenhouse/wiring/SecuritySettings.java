package io.greenhouse.wiring;

import io.greenhouse.backend.UserNamespace;
import org.eclipse.microprofile.config.Config;

/**
 * How containers are confined (greenhouse.security.*): user namespaces for unprivileged containers
 * (on by default, with Guardian's mapping) and Guardian's optional no_new_privs.
 *
 * @param users null when user namespaces are off
 */
public record SecuritySettings(UserNamespace users, boolean noNewPrivileges) {
    static final String GUARDIAN_MAP = "0:4294967294:1,1:1:4294967293";

    public static SecuritySettings from(Config config) {
        boolean on = Boolean.parseBoolean(string(config, "greenhouse.security.user-namespaces", "true"));
        UserNamespace users = on ? new UserNamespace(
                UserNamespace.parseRanges(string(config, "greenhouse.security.uid-map", GUARDIAN_MAP)),
                UserNamespace.parseRanges(string(config, "greenhouse.security.gid-map", GUARDIAN_MAP))) : null;
        return new SecuritySettings(users,
                Boolean.parseBoolean(string(config, "greenhouse.security.no-new-privileges", "false")));
    }

    private static String string(Config config, String name, String defaultValue) {
        return config.getOptionalValue(name, String.class).filter(s -> !s.isBlank()).orElse(defaultValue);
    }
}
