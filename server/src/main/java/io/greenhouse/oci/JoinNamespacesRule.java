package io.greenhouse.oci;

import java.util.ArrayList;
import java.util.List;

/**
 * A pea gets a mount namespace of its own (its own root filesystem) and joins the network, IPC,
 * UTS and PID namespaces of its container's init by their /proc/PID/ns paths, so it sees the
 * container's processes and addresses and they see it.
 */
public final class JoinNamespacesRule implements BundleRule {
    /** OCI namespace type, and its name under /proc/PID/ns. */
    private static final List<String[]> JOINED = List.of(
            new String[] {"network", "net"}, new String[] {"ipc", "ipc"},
            new String[] {"uts", "uts"}, new String[] {"pid", "pid"});

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        int pid = input.requirePea().containerInitPid();
        List<Linux.Namespace> namespaces = new ArrayList<>();
        namespaces.add(Linux.Namespace.own("mount"));
        for (String[] ns : JOINED) {
            namespaces.add(Linux.Namespace.join(ns[0], "/proc/" + pid + "/ns/" + ns[1]));
        }
        return spec.withLinux(l -> l.withNamespaces(namespaces));
    }
}
