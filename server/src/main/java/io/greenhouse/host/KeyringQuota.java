package io.greenhouse.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's per-user key quota ({@code /proc/sys/kernel/keys/maxkeys} and {@code maxbytes}).
 * runC gives every container a session keyring of its own, charged to the host uid of the
 * container's root; with user namespaces every unprivileged container's root is the same host uid
 * (4294967294), so the kernel's defaults for a non-root user (200 keys, 20,000 bytes) stop the cell
 * at about 200 containers with runC's {@code unable to create session key: disk quota exceeded}.
 * garden-runc-release raises maxkeys to 1,000,000 for the same reason. Only ever raised, never lowered.
 */
public final class KeyringQuota {
    public static final long DEFAULT_MAX_KEYS = 1_000_000;
    public static final long DEFAULT_MAX_BYTES = 25_000_000;

    private final Path keys;

    /** @param keys the {@code kernel/keys} sysctl directory, {@code /proc/sys/kernel/keys} on a host */
    public KeyringQuota(Path keys) {
        this.keys = keys;
    }

    /**
     * Raises maxkeys and maxbytes to at least the given values (0: leave that one alone); returns
     * what it changed, as {@code maxkeys 200 -> 1000000}, empty when both were high enough.
     */
    public List<String> raise(long minKeys, long minBytes) {
        List<String> changed = new ArrayList<>();
        raise("maxkeys", minKeys, changed);
        raise("maxbytes", minBytes, changed);
        return changed;
    }

    private void raise(String name, long min, List<String> changed) {
        if (min <= 0) {
            return;
        }
        Path file = keys.resolve(name);
        try {
            // One read of the whole value: a sysctl file answers a read at an offset past 0 with EOF,
            // and Files.readString, seeing a size of 0, reads one byte first ("200" came back as "2").
            long now = Long.parseLong(Files.readAllLines(file).get(0).strip());
            if (now < min) {
                Files.writeString(file, Long.toString(min));
                changed.add(name + " " + now + " -> " + min);
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot raise " + file + " to " + min + ": " + e
                    + " (set greenhouse.host.keys.max-keys/max-bytes to 0 to leave the key quota alone)", e);
        }
    }
}
