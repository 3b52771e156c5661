package io.greenhouse.cgroups;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the text of cgroup interface files (v1 and v2) into numbers. Pure functions, so the
 * formats of both versions are tested with fixture text whatever the build host mounts.
 */
final class CgroupStats {
    /** cgroup v1 reports cpuacct.stat in USER_HZ ticks, which is 100 on every Linux ABI. */
    static final long USER_HZ = 100;
    private static final long NANOS_PER_TICK = 1_000_000_000L / USER_HZ;

    private CgroupStats() {
    }

    /** "key value" lines (memory.stat, cpu.stat, cpuacct.stat); lines that are not that are skipped. */
    static Map<String, Long> flatKeyed(String text) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2) {
                try {
                    long value = Long.parseUnsignedLong(fields[1]);
                    // "unlimited" v1 limits are near 2^64; the wire carries them as the largest long
                    values.put(fields[0], value < 0 ? Long.MAX_VALUE : value);
                } catch (NumberFormatException notANumber) {
                    // not a counter (e.g. a "max" that has no number); nothing to report
                }
            }
        }
        return values;
    }

    /** A single number file such as pids.current or cpuacct.usage. */
    static long single(String text) {
        return Long.parseUnsignedLong(text.trim());
    }

    /** pids.max holds a number or "max" for no limit, which Garden reports as zero. */
    static long limit(String text) {
        String s = text.trim();
        return s.equals("max") ? 0 : Long.parseUnsignedLong(s);
    }

    static long v1TicksToNanos(long ticks) {
        return ticks * NANOS_PER_TICK;
    }

    /** cgroup v2 cpu.stat counts microseconds. */
    static long v2MicrosToNanos(long micros) {
        return micros * 1000;
    }

    /**
     * Memory counted the way the v1 limit is enforced, as Guardian reports it: resident, cache and
     * swap, less the inactive file cache the kernel reclaims before it enforces.
     */
    static long v1UsageTowardLimit(Map<String, Long> stat) {
        long total = get(stat, "total_rss") + get(stat, "total_cache") + get(stat, "total_swap");
        return Math.max(0, total - get(stat, "total_inactive_file"));
    }

    /** The cgroup v2 counterpart: anonymous, file and swap-cached memory less inactive file cache. */
    static long v2UsageTowardLimit(Map<String, Long> stat) {
        long total = get(stat, "anon") + get(stat, "file") + get(stat, "swapcached");
        return Math.max(0, total - get(stat, "inactive_file"));
    }

    static long get(Map<String, Long> values, String key) {
        Long v = values.get(key);
        return v == null ? 0 : v;
    }
}
