package io.greenhouse.oci;

/** The container's hostname, in its own UTS namespace. Peas have none: the UTS namespace is their container's. */
public final class HostnameRule implements BundleRule {
    @Override
    public Spec apply(Spec spec, BundleInput input) {
        return spec.withHostname(input.plan().hostname());
    }
}
