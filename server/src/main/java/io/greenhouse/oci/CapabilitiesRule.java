package io.greenhouse.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Guardian's capability lists, less any capability this server lacks itself: runC cannot grant
 * those and would refuse to start the container. As a rule it gives a container's init the list
 * in all five sets; {@link #forUser} is the list an exec'd process gets.
 */
public final class CapabilitiesRule implements BundleRule {
    /** Guardian's capability set for unprivileged containers. */
    public static final List<String> UNPRIVILEGED = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    public static final List<String> PRIVILEGED = List.of(
            "CAP_AUDIT_CONTROL", "CAP_AUDIT_READ", "CAP_AUDIT_WRITE", "CAP_BLOCK_SUSPEND", "CAP_CHOWN",
            "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_KILL", "CAP_LEASE", "CAP_LINUX_IMMUTABLE", "CAP_MAC_ADMIN",
            "CAP_MAC_OVERRIDE", "CAP_MKNOD", "CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
            "CAP_NET_RAW", "CAP_SETGID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_ADMIN",
            "CAP_SYS_BOOT", "CAP_SYS_CHROOT", "CAP_SYS_MODULE", "CAP_SYS_NICE", "CAP_SYS_PACCT",
            "CAP_SYS_PTRACE", "CAP_SYS_RAWIO", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
            "CAP_SYSLOG", "CAP_WAKE_ALARM");

    /** A non-root user gets at most these, even in a privileged container (as in Guardian). */
    public static final Set<String> NON_ROOT_MAX = Set.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_SYS_ADMIN");

    private final Set<String> available;

    /** @param available the capabilities this server holds (its bounding set) */
    public CapabilitiesRule(Set<String> available) {
        this.available = Set.copyOf(available);
    }

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        return spec.withProcess(p -> p.withCapabilities(Process.CapabilitySets.all(granted(input.plan().privileged()))));
    }

    /** The container's list, in Guardian's order. */
    public List<String> granted(boolean privileged) {
        List<String> caps = new ArrayList<>(privileged ? PRIVILEGED : UNPRIVILEGED);
        caps.retainAll(available);
        return List.copyOf(caps);
    }

    /** What a process of the container gets: the container's list, cut to {@link #NON_ROOT_MAX} unless root. */
    public List<String> forUser(boolean privileged, boolean root) {
        List<String> caps = new ArrayList<>(granted(privileged));
        if (!root) {
            caps.retainAll(NON_ROOT_MAX);
        }
        return List.copyOf(caps);
    }
}
