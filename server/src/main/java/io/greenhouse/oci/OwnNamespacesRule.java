package io.greenhouse.oci;

import java.util.List;

/** A container gets its own PID, network, IPC, UTS and mount namespaces. */
public final class OwnNamespacesRule implements BundleRule {
    static final List<String> TYPES = List.of("pid", "network", "ipc", "uts", "mount");

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        return spec.withLinux(l -> l.withNamespaces(TYPES.stream().map(Linux.Namespace::own).toList()));
    }
}
