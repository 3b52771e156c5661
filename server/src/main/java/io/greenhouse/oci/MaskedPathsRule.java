package io.greenhouse.oci;

import java.util.List;

/** Unprivileged containers and peas cannot see these host paths, nor write to those. */
public final class MaskedPathsRule implements BundleRule {
    public static final List<String> MASKED = List.of(
            "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware");

    public static final List<String> READONLY = List.of(
            "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        if (input.plan().privileged()) {
            return spec;
        }
        return spec.withLinux(l -> l.withMaskedPaths(MASKED, READONLY));
    }
}
