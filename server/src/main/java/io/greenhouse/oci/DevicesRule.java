package io.greenhouse.oci;

import java.util.ArrayList;
import java.util.List;

/**
 * The device cgroup denies every device, then allows the standard set Guardian names (mknod of
 * any device, and use of null, zero, full, random, urandom, tty, ptmx, the ptys and /dev/net/tun);
 * a privileged container also gets a /dev/fuse node and may use it, as in Guardian.
 */
public final class DevicesRule implements BundleRule {
    static final List<Resources.DeviceCgroup> STANDARD = List.of(
            allow("c", null, null, "m"),
            allow("b", null, null, "m"),
            allow("c", 1L, 3L, "rwm"),    // null
            allow("c", 1L, 8L, "rwm"),    // random
            allow("c", 1L, 7L, "rwm"),    // full
            allow("c", 5L, 0L, "rwm"),    // tty
            allow("c", 1L, 5L, "rwm"),    // zero
            allow("c", 1L, 9L, "rwm"),    // urandom
            allow("c", 136L, null, "rwm"), // pts/*
            allow("c", 5L, 2L, "rwm"),    // ptmx
            allow("c", 10L, 200L, "rwm")); // net/tun

    static final long FUSE_MAJOR = 10;
    static final long FUSE_MINOR = 229;
    static final Linux.Device FUSE = new Linux.Device("/dev/fuse", "c", FUSE_MAJOR, FUSE_MINOR, 0666, 0L, 0L);

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        boolean privileged = input.plan().privileged();
        List<Resources.DeviceCgroup> rules = new ArrayList<>();
        rules.add(Resources.DeviceCgroup.denyAll());
        rules.addAll(STANDARD);
        if (privileged) {
            rules.add(allow("c", FUSE_MAJOR, FUSE_MINOR, "rwm"));
        }
        Spec result = spec.withLinux(l -> l.withResources(r -> r.withDevices(rules)));
        return privileged ? result.withLinux(l -> l.withDevices(List.of(FUSE))) : result;
    }

    private static Resources.DeviceCgroup allow(String type, Long major, Long minor, String access) {
        return new Resources.DeviceCgroup(true, type, major, minor, access);
    }
}
