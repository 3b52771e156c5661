package io.greenhouse.oci;

import java.nio.file.Path;
import java.util.Set;

/**
 * The cell's facts the bundle rules need.
 *
 * @param initBinary             the host's static init helper, bind-mounted into every container
 * @param cgroupParent           the cgroup every container's cgroup is made under
 * @param unifiedCgroups         cgroup v2 (CPU limits as cpu.weight)
 * @param availableCapabilities  the server's own bounding set: no container gets more
 */
public record BundleSettings(Path initBinary, String cgroupParent, boolean unifiedCgroups,
                             Set<String> availableCapabilities) {
    public BundleSettings {
        availableCapabilities = Set.copyOf(availableCapabilities);
    }
}
