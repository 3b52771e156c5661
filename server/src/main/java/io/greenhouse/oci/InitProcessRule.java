package io.greenhouse.oci;

import java.util.List;

/**
 * A container's init: the static helper, bind-mounted read-only at {@link #INIT_PATH}, as root in
 * "/". Every later process is exec'd beside it. Its environment and capabilities are
 * {@link EnvRule}'s and {@link CapabilitiesRule}'s.
 */
public final class InitProcessRule implements BundleRule {
    /** Where the init binary appears inside every container (as in Guardian). */
    public static final String INIT_PATH = "/tmp/garden-init";
    /** Where a container made with {@code greenhouse.checkpoint.processes} sees its processes' FIFOs. */
    public static final String STREAMS_PATH = "/tmp/garden-streams";

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        return spec.withProcess(p -> p.withTerminal(false, null)
                .withUser(Process.User.root())
                .withArgs(List.of(INIT_PATH))
                .withCwd("/")
                .withNoNewPrivileges(false));
    }
}
