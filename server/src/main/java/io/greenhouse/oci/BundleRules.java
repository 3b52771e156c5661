package io.greenhouse.oci;

import java.util.List;

/** Rules applied in order; a fold is itself a rule, so folds compose. */
public record BundleRules(List<BundleRule> rules) implements BundleRule {
    public BundleRules {
        rules = List.copyOf(rules);
    }

    public static BundleRules of(BundleRule... rules) {
        return new BundleRules(List.of(rules));
    }

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        Spec result = spec;
        for (BundleRule rule : rules) {
            result = rule.apply(result, input);
        }
        return result;
    }

    /** The whole spec from the empty base. */
    public Spec build(BundleInput input) {
        return apply(Spec.base(), input);
    }
}
