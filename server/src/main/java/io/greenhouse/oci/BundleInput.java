package io.greenhouse.oci;

import io.greenhouse.backend.ContainerPlan;
import io.greenhouse.backend.GardenException;

/**
 * What a bundle is made from: the plan of a container, or of a pea with what only a pea has.
 *
 * @param pea null for a container
 */
public record BundleInput(ContainerPlan plan, Pea pea) {
    public static BundleInput container(ContainerPlan plan) {
        return new BundleInput(plan, null);
    }

    public static BundleInput pea(ContainerPlan plan, Pea pea) {
        return new BundleInput(plan, pea);
    }

    /** For rules that only make sense for a pea. */
    public Pea requirePea() {
        if (pea == null) {
            throw new IllegalStateException("a pea's rule in the bundle of container " + plan.handle());
        }
        return pea;
    }

    /**
     * A pea: a sidecar of a running container whose namespaces it joins; its process is its init.
     *
     * @param containerHandle  the container it belongs to
     * @param containerInitPid that container's init, whose /proc/PID/ns it joins
     * @param process          the pea's process (its init), built like any exec'd process
     * @param ownLimits        the pea has limits of its own, so a cgroup beside the container's
     */
    public record Pea(String containerHandle, int containerInitPid, Process process, boolean ownLimits) {
        public Pea {
            if (containerInitPid <= 0) {
                throw new GardenException("the container " + containerHandle + " of the pea is not running");
            }
        }
    }
}
