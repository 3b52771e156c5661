package io.greenhouse.oci;

/** The root filesystem: the plan's, already mounted, writable (its overlay's upper layer is the container's). */
public final class RootfsRule implements BundleRule {
    @Override
    public Spec apply(Spec spec, BundleInput input) {
        return spec.withRoot(new Root(input.plan().rootfs().toString(), false));
    }
}
