package io.greenhouse.oci;

/**
 * One concern of a bundle (its mounts, its namespaces, its limits, ...). A bundle is the fold of a
 * list of rules over {@link Spec#base()}; each returns a modified copy and never changes its argument.
 */
@FunctionalInterface
public interface BundleRule {
    Spec apply(Spec spec, BundleInput input);
}
