package io.greenhouse.oci;

import java.nio.file.Path;
import java.util.List;

/**
 * What every container and pea mounts: /proc, a small /dev with its pts, shm and mqueue, a
 * read-only /sys (for privileged containers too, as in Guardian), and the init binary: the host's,
 * read-only, except in a privileged container, which gets a copy of its own (see {@link #PRIVATE_INIT}).
 */
public final class StandardMountsRule implements BundleRule {
    /**
     * A privileged container's init, a copy of the host's in its bundle directory that the runtime
     * places before the start. Its root is host root: a read-only bind of the host's binary makes
     * {@code chown -R /tmp} fail (the upstream Security spec), a read-write one, as Guardian's,
     * lets it re-own, chmod or rewrite the binary every container of the cell runs.
     */
    public static final String PRIVATE_INIT = "garden-init";

    private final Path initBinary;
    private final List<Mount> mounts;

    public StandardMountsRule(Path initBinary) {
        this.initBinary = initBinary;
        this.mounts = List.of(
                new Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                new Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new Mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                // no size, as in Guardian: tmpfs pages are charged to the memory cgroup, so the memory limit
                // (or a pea's own, unlimited cgroup) is what bounds /dev/shm
                new Mount("/dev/shm", "tmpfs", "tmpfs", List.of("nosuid", "noexec", "nodev", "mode=1777")),
                new Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")));
    }

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        Spec withInit = spec.plusMounts(mounts).plusMounts(List.of(init(input)));
        Path streams = input.plan().bundleDirectory().resolve(io.greenhouse.backend.Checkpointer.STREAMS_DIRECTORY);
        if (input.pea() == null && java.nio.file.Files.isDirectory(streams)) {
            // read-only: the processes open their FIFOs, only the monitors on the host make or remove them
            return withInit.plusMounts(List.of(new Mount(InitProcessRule.STREAMS_PATH, "bind", streams.toString(),
                    List.of("bind", "ro", "nosuid", "nodev", "noexec"))));
        }
        return withInit;
    }

    private Mount init(BundleInput input) {
        if (input.pea() == null && input.plan().privileged()) {
            return new Mount(InitProcessRule.INIT_PATH, "bind",
                    input.plan().bundleDirectory().resolve(PRIVATE_INIT).toString(), List.of("bind"));
        }
        return new Mount(InitProcessRule.INIT_PATH, "bind", initBinary.toString(), List.of("bind", "ro"));
    }
}
