package io.greenhouse.wiring;

import org.eclipse.microprofile.config.Config;

import java.time.Duration;

/**
 * The CPU settings (greenhouse.cpu.*), Guardian's --cpu-entitlement-per-share, --enable-cpu-throttling
 * and --cpu-throttling-check-interval.
 *
 * @param entitlementPerShare percent of a CPU a share entitles a container to; zero: the host's
 *                            default (cores * 100 / memory in MiB)
 * @param throttling          containers over their entitlement go to the bad cgroup and back
 * @param interval            how often the throttling check runs
 */
public record CpuSettings(double entitlementPerShare, boolean throttling, Duration interval) {

    public CpuSettings {
        if (throttling && (interval.isZero() || interval.isNegative())) {
            throw new IllegalArgumentException("greenhouse.cpu.throttling.interval must be positive: " + interval);
        }
        if (entitlementPerShare < 0) {
            throw new IllegalArgumentException("greenhouse.cpu.entitlement-per-share must not be negative");
        }
    }

    public static CpuSettings from(Config config) {
        return new CpuSettings(
                Double.parseDouble(value(config, "greenhouse.cpu.entitlement-per-share", "0")),
                Boolean.parseBoolean(value(config, "greenhouse.cpu.throttling.enabled", "false")),
                Settings.duration(value(config, "greenhouse.cpu.throttling.interval", "15s")));
    }

    /** The cgroup parent containers go under: Guardian puts them in PARENT/good when throttling. */
    public String containerParent(String parent) {
        return throttling ? io.greenhouse.cgroups.CpuCgroups.containerParent(parent) : parent;
    }

    private static String value(Config config, String name, String defaultValue) {
        return config.getOptionalValue(name, String.class).filter(s -> !s.isBlank()).orElse(defaultValue);
    }
}
