package io.greenhouse.backend;

/**
 * CPU shares are Garden's unit for CPU limits (cgroup v1 cpu.shares, 2..262144, default 1024).
 * cgroup v2 has cpu.weight (1..10000, default 100) instead; Guardian maps one onto the other with
 * the quadratic fit containerd and runC use, which keeps the minimum, maximum and default aligned,
 * and reports the v2 weight back as the container's "shares". The cell does the same so a client
 * reads back what Guardian would.
 */
public final class CpuShares {
    private CpuShares() {
    }

    /** The cgroup v2 cpu.weight for a number of v1 shares; zero stays zero (unset). */
    public static long toWeight(long shares) {
        if (shares <= 0) {
            return 0;
        }
        if (shares <= 2) {
            return 1;
        }
        if (shares >= 262144) {
            return 10000;
        }
        double l = log2(shares);
        double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
        return (long) Math.ceil(Math.pow(10, exponent));
    }

    /**
     * log2 that is exact for powers of two (1024 shares must map to exactly weight 100, and
     * Math.log(x) / Math.log(2) is not exact): split x into a fraction in [0.5, 1) and an exponent.
     */
    static double log2(long x) {
        int exponent = Math.getExponent((double) x) + 1;
        double fraction = x / Math.scalb(1.0, exponent);
        if (fraction == 0.5) {
            return exponent - 1;
        }
        return Math.log(fraction) * (1 / Math.log(2)) + exponent;
    }

    /** What the container's CPU limit reads back as: its shares, or on cgroup v2 their weight. */
    public static long reported(ResourceLimits limits, boolean unifiedCgroups) {
        long shares = limits.effectiveCpuShares();
        return unifiedCgroups ? toWeight(shares) : shares;
    }
}
