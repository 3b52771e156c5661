package io.greenhouse.oci;

/** A pea's init is its process itself, built as any exec'd process is. */
public final class PeaProcessRule implements BundleRule {
    @Override
    public Spec apply(Spec spec, BundleInput input) {
        return spec.withProcess(input.requirePea().process());
    }
}
