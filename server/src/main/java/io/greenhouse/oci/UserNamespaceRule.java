package io.greenhouse.oci;

import io.greenhouse.backend.UserNamespace;

import java.util.List;

/**
 * An unprivileged container gets a user namespace of its own with the cell's mapping, so its root
 * is no host root; its peas join that namespace (by /proc/PID/ns/user, the mapping given again
 * because runC 1.1 wants it for any user namespace). Privileged containers have none.
 * {@code null} turns user namespaces off for every container.
 */
public final class UserNamespaceRule implements BundleRule {
    private final UserNamespace users;

    public UserNamespaceRule(UserNamespace users) {
        this.users = users;
    }

    /** The mapping containers of this kind get, or null when they run in the host's user namespace. */
    public UserNamespace forContainer(boolean privileged) {
        return privileged ? null : users;
    }

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        UserNamespace ns = forContainer(input.plan().privileged());
        if (ns == null) {
            return spec;
        }
        Linux.Namespace user = input.pea() == null
                ? Linux.Namespace.own("user")
                : Linux.Namespace.join("user", "/proc/" + input.pea().containerInitPid() + "/ns/user");
        return spec.withLinux(l -> l.withNamespaces(Copies.append(l.namespaces(), List.of(user)))
                .withIdMappings(mappings(ns.uids()), mappings(ns.gids())));
    }

    private static List<Linux.IdMapping> mappings(List<UserNamespace.IdRange> ranges) {
        return ranges.stream().map(r -> new Linux.IdMapping(r.containerId(), r.hostId(), r.size())).toList();
    }
}
