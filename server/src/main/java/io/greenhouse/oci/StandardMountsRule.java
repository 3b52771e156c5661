package io.greenhouse.oci;

import java.nio.file.Path;
import java.util.List;

/**
 * What every container and pea mounts: /proc, a small /dev with its pts, shm and mqueue, a
 * read-only /sys (for privileged containers too, as in Guardian), and the init binary.
 */
public final class StandardMountsRule implements BundleRule {
    private final List<Mount> mounts;

    public StandardMountsRule(Path initBinary) {
        this.mounts = List.of(
                new Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                new Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new Mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                // no size, as in Guardian: tmpfs pages are charged to the memory cgroup, so the memory limit
                // (or a pea's own, unlimited cgroup) is what bounds /dev/shm
                new Mount("/dev/shm", "tmpfs", "tmpfs", List.of("nosuid", "noexec", "nodev", "mode=1777")),
                new Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
                new Mount(InitProcessRule.INIT_PATH, "bind", initBinary.toString(), List.of("bind", "ro")));
    }

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        return spec.plusMounts(mounts);
    }
}
