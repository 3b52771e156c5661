package io.greenhouse.oci;

import java.util.List;

/**
 * On cgroup v1, an unprivileged container (and its peas) sees its own cgroups read-only at
 * /sys/fs/cgroup, as in Guardian; a privileged container gets none (nothing to write through), nor
 * does any container on cgroup v2, where Guardian mounts none either.
 */
public final class CgroupMountRule implements BundleRule {
    static final Mount CGROUP = new Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("ro", "nosuid", "noexec", "nodev"));

    private final boolean unified;

    public CgroupMountRule(boolean unified) {
        this.unified = unified;
    }

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        if (unified || input.plan().privileged()) {
            return spec;
        }
        return spec.plusMounts(List.of(CGROUP));
    }
}
