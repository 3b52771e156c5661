package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything the runtime needs to start a container whose root filesystem is already mounted. */
public record ContainerPlan(
        String handle,
        String hostname,
        Path bundleDirectory,
        Path rootfs,
        List<String> env,
        List<BindMount> bindMounts,
        ResourceLimits limits,
        boolean privileged) {

    /** Image env first, then the spec's; a later entry for the same name wins. */
    public static List<String> mergeEnv(List<String> base, List<String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (List<String> list : List.of(base, overrides)) {
            for (String entry : list) {
                int eq = entry.indexOf('=');
                merged.put(eq < 0 ? entry : entry.substring(0, eq), entry);
            }
        }
        return List.copyOf(merged.values());
    }

    /** Linux host names are short; like Guardian, long handles keep their (more unique) tail. */
    public static String hostname(String handle) {
        return handle.length() > 49 ? handle.substring(handle.length() - 49) : handle;
    }
}
