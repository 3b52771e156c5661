package io.greenhouse.oci;

import java.util.ArrayList;
import java.util.List;

/**
 * Which rules make a container's bundle and which a pea's, in the order they apply (mounts are
 * mounted in the order rules add them). Adding a concern to every bundle is one line in
 * {@link #shared}; to one kind, one line in its list.
 */
public final class CellBundles {
    private final CapabilitiesRule capabilities;
    private final BundleRules container;
    private final BundleRules pea;

    public CellBundles(BundleSettings settings) {
        capabilities = new CapabilitiesRule(settings.availableCapabilities());
        List<BundleRule> shared = shared(settings);
        container = rules(List.of(
                new HostnameRule(),
                new InitProcessRule(),
                new EnvRule(),
                capabilities,
                new OwnNamespacesRule()), shared);
        pea = rules(List.of(
                new PeaProcessRule(),
                new JoinNamespacesRule()), shared);
    }

    /** What containers and peas have in common. */
    private static List<BundleRule> shared(BundleSettings settings) {
        return List.of(
                new RootfsRule(),
                new StandardMountsRule(settings.initBinary()),
                new BindMountsRule(),
                new CgroupsPathRule(settings.cgroupParent()),
                new DevicesRule(),
                new ResourcesRule(settings.unifiedCgroups()),
                new MaskedPathsRule());
    }

    private static BundleRules rules(List<BundleRule> own, List<BundleRule> shared) {
        List<BundleRule> all = new ArrayList<>(own);
        all.addAll(shared);
        return new BundleRules(all);
    }

    /** A container's bundle: its own namespaces, the init helper as its init. */
    public BundleRules container() {
        return container;
    }

    /** A pea's bundle: its container's namespaces joined, its process as its init. */
    public BundleRules pea() {
        return pea;
    }

    /** The capability rule containers get, which also decides what an exec'd process gets. */
    public CapabilitiesRule capabilities() {
        return capabilities;
    }
}
