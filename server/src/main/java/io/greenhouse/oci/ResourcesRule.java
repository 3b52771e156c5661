package io.greenhouse.oci;

import io.greenhouse.backend.CpuShares;
import io.greenhouse.backend.ResourceLimits;

import java.util.Map;

/**
 * The plan's memory, CPU and pids limits as cgroup resources; unset (zero) limits are left out.
 * Swap equals the memory limit: no swap beyond it (on v2 runC writes memory.swap.max = 0).
 */
public final class ResourcesRule implements BundleRule {
    /** The kernel's cpu.shares range; cgroup v1 clamps to it silently. */
    static final long MIN_CPU_SHARES = 2;
    static final long MAX_CPU_SHARES = 262_144;

    private final boolean unifiedCgroups;

    /** On cgroup v2 ({@code unifiedCgroups}) CPU limits are written as the weight Guardian would set. */
    public ResourcesRule(boolean unifiedCgroups) {
        this.unifiedCgroups = unifiedCgroups;
    }

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        return spec.withLinux(l -> l.withResources(r -> resources(r, input.plan().limits())));
    }

    Resources resources(Resources r, ResourceLimits limits) {
        if (limits.memoryBytes() > 0) {
            r = r.withMemory(new Resources.Memory(limits.memoryBytes(), null, limits.memoryBytes()));
        }
        long shares = limits.effectiveCpuShares();
        if (shares > 0 && unifiedCgroups) {
            // runC's own shares-to-weight mapping differs between versions; write the weight
            // Guardian writes so the limit applied is the one reported back
            r = r.plusUnified(Map.of("cpu.weight", Long.toString(CpuShares.toWeight(shares))));
        } else if (shares > 0) {
            r = r.withCpu(new Resources.Cpu(cpuShares(shares), null, null));
        }
        if (limits.pidsMax() > 0) {
            r = r.withPids(new Resources.Pids(limits.pidsMax()));
        }
        return r;
    }

    /**
     * On cgroup v2 runC converts shares to cpu.weight, which must lie in 1..10000: shares outside
     * the v1 range would become a weight the kernel refuses, so they are clamped here as v1 would.
     */
    static long cpuShares(long requested) {
        return Math.min(MAX_CPU_SHARES, Math.max(MIN_CPU_SHARES, requested));
    }
}
