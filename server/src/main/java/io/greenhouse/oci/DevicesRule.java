package io.greenhouse.oci;

import java.util.List;

/** The device cgroup denies every device; runC then allows its default set (null, zero, tty, ...). */
public final class DevicesRule implements BundleRule {
    @Override
    public Spec apply(Spec spec, BundleInput input) {
        return spec.withLinux(l -> l.withResources(r -> r.withDevices(List.of(Resources.DeviceCgroup.denyAll()))));
    }
}
