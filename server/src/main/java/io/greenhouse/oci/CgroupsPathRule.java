package io.greenhouse.oci;

/**
 * Where the cgroup goes: a container's under the cell's parent, a pea's nested in its container's
 * (sharing its limits), or, with limits of its own, beside it (as in Guardian). The path is
 * absolute and has no ':', so runC places it alike on cgroup v1 and v2 and never reads it as a
 * systemd unit.
 */
public final class CgroupsPathRule implements BundleRule {
    private final String parent;

    public CgroupsPathRule(String parent) {
        this.parent = parent;
    }

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        return spec.withLinux(l -> l.withCgroupsPath(path(input)));
    }

    String path(BundleInput input) {
        String id = input.plan().handle();
        BundleInput.Pea pea = input.pea();
        if (pea == null || pea.ownLimits()) {
            return "/" + parent + "/" + id;
        }
        return "/" + parent + "/" + pea.containerHandle() + "/" + id;
    }
}
