package io.greenhouse.oci;

/**
 * Every container and pea runs under a seccomp filter (runC loads it in filter mode, so
 * /proc/self/status says {@code Seccomp: 2}; processes exec'd into a container inherit it):
 * the allowlist unless privileged, the looser profile if privileged.
 */
public final class SeccompRule implements BundleRule {
    private final SeccompProfiles profiles;

    public SeccompRule(SeccompProfiles profiles) {
        this.profiles = profiles;
    }

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        return spec.withLinux(l -> l.withSeccomp(input.plan().privileged() ? profiles.privileged() : profiles.unprivileged()));
    }
}
