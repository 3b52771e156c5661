package io.greenhouse.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Linux capabilities of the server process. A container can hold no capability its runtime lacks
 * (runC fails with "unable to apply caps" if asked to), so the capability lists given to runC are
 * cut down to the server's bounding set: on a full host that changes nothing, in a restricted
 * sandbox privileged containers still start.
 */
public final class Capabilities {
    /** Capability names by number, as in linux/capability.h. */
    static final List<String> NAMES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
            "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
            "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
            "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
            "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    private Capabilities() {
    }

    /** The bounding set of this process, read from /proc/self/status. */
    public static Set<String> boundingOfThisProcess() {
        Path status = Path.of("/proc/self/status");
        try {
            return bounding(Files.readString(status));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + status, e);
        }
    }

    /** The names in the CapBnd mask of a /proc/PID/status text; unknown high bits are ignored. */
    static Set<String> bounding(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("CapBnd:")) {
                long mask = Long.parseUnsignedLong(line.substring("CapBnd:".length()).trim(), 16);
                Set<String> names = new LinkedHashSet<>();
                for (int bit = 0; bit < NAMES.size(); bit++) {
                    if ((mask & (1L << bit)) != 0) {
                        names.add(NAMES.get(bit));
                    }
                }
                return names;
            }
        }
        throw new IllegalStateException("no CapBnd line in process status");
    }
}
