package io.greenhouse.oci;

import java.util.Map;

/**
 * Guardian's {@code --no-new-privileges}, off by default as there: when on, an unprivileged
 * container's init and every process exec'd into it or run as its pea get {@code no_new_privs}
 * (setuid binaries and file capabilities no longer raise privileges), and container gids 1..65535
 * may open ICMP sockets, so ping works without its file capability.
 */
public final class NoNewPrivilegesRule implements BundleRule {
    static final String PING_GROUP_RANGE = "net.ipv4.ping_group_range";

    private final boolean enabled;

    public NoNewPrivilegesRule(boolean enabled) {
        this.enabled = enabled;
    }

    /** Whether a process of a container of this kind gets no_new_privs. */
    public boolean forProcess(boolean privileged) {
        return enabled && !privileged;
    }

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        if (!forProcess(input.plan().privileged())) {
            return spec;
        }
        Spec result = spec.withProcess(p -> p.withNoNewPrivileges(true));
        // A pea shares its container's network namespace, whose sysctl the container set.
        return input.pea() != null ? result : result.withLinux(l -> l.withSysctl(Map.of(PING_GROUP_RANGE, "1 65535")));
    }
}
