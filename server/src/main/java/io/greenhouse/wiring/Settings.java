package io.greenhouse.wiring;

import io.greenhouse.process.MonitorCgroups;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every setting of the cell, read from MicroProfile Config (server.xml variables, environment
 * variables such as GREENHOUSE_DEPOT_DIR, system properties), with the defaults of a production cell.
 */
public record Settings(
        Path depot,
        String runtimeBinary,
        Path runtimeRoot,
        Duration runtimeTimeout,
        Path defaultRootfs,
        Path helpers,
        String cgroupParent,
        int maxContainers,
        Duration defaultGraceTime,
        Duration stopTimeout,
        boolean destroyContainersOnStart,
        Path busybox,
        long streamInMaxBytes,
        long streamInMaxEntries,
        Path monitorSockets,
        int processBufferBytes,
        Duration processExitedRetention,
        String monitorCgroup,
        Network network,
        Path imageStore,
        long imageGcThreshold,
        Set<String> insecureRegistries,
        String dockerHubMirror,
        Duration imagePullTimeout,
        int imagePullAttempts,
        int reloadLanes) {

    /**
     * Container networking (greenhouse.network.*); see io.greenhouse.network.NetworkConfig.
     * An empty external IP means the address of the host's default-route interface.
     */
    public record Network(boolean enabled, String pool, int mtu, String externalIp, int portPoolStart,
                          int portPoolSize, List<String> dnsServers, List<String> allow, boolean allowHostAccess,
                          String interfacePrefix, String chainPrefix, boolean ipForward) {
        static Network from(Config config) {
            return new Network(
                    Boolean.parseBoolean(string(config, "greenhouse.network.enabled", "true")),
                    string(config, "greenhouse.network.pool", "10.254.0.0/22"),
                    Integer.parseInt(string(config, "greenhouse.network.mtu", "1500")),
                    string(config, "greenhouse.network.external-ip", ""),
                    Integer.parseInt(string(config, "greenhouse.network.port-pool.start", "61001")),
                    Integer.parseInt(string(config, "greenhouse.network.port-pool.size", "4534")),
                    list(string(config, "greenhouse.network.dns-servers", "")),
                    list(string(config, "greenhouse.network.allow", "")),
                    Boolean.parseBoolean(string(config, "greenhouse.network.allow-host-access", "false")),
                    string(config, "greenhouse.network.interface-prefix", "gh"),
                    string(config, "greenhouse.network.chain-prefix", "greenhouse"),
                    Boolean.parseBoolean(string(config, "greenhouse.network.ip-forward", "true")));
        }

        private static List<String> list(String commaSeparated) {
            return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(e -> !e.isEmpty()).toList();
        }
    }

    public static Settings from(Config config) {
        Path runtimeRoot = Path.of(string(config, "greenhouse.runtime.root", "/run/greenhouse/runc"));
        String cgroupParent = string(config, "greenhouse.cgroup.parent", "greenhouse");
        // Beside the runtime root by default: short (unix socket paths are limited to 107 bytes)
        // and, like the runtime's state, gone after a reboot, when no process is left either.
        Path sockets = runtimeRoot.toAbsolutePath().getParent() == null ? Path.of("/run/greenhouse/monitors")
                : runtimeRoot.toAbsolutePath().getParent().resolve("monitors");
        return new Settings(
                Path.of(string(config, "greenhouse.depot.dir", "/var/lib/greenhouse/depot")),
                string(config, "greenhouse.runtime.binary", "runc"),
                runtimeRoot,
                duration(string(config, "greenhouse.runtime.timeout", "120s")),
                Path.of(string(config, "greenhouse.rootfs.default", "/var/lib/greenhouse/rootfs/busybox")),
                Path.of(string(config, "greenhouse.helpers.dir", "/var/lib/greenhouse/bin")),
                cgroupParent,
                Integer.parseInt(string(config, "greenhouse.containers.max", "250")),
                duration(string(config, "greenhouse.grace-time.default", "0")),
                duration(string(config, "greenhouse.stop.timeout", "10s")),
                Boolean.parseBoolean(string(config, "greenhouse.containers.destroy-on-start", "false")),
                Path.of(string(config, "greenhouse.files.busybox", "/bin/busybox")),
                Long.parseLong(string(config, "greenhouse.files.max-bytes", Long.toString(64L << 30))),
                Long.parseLong(string(config, "greenhouse.files.max-entries", "1000000")),
                Path.of(string(config, "greenhouse.process.sockets.dir", sockets.toString())),
                Integer.parseInt(string(config, "greenhouse.process.buffer.bytes", Integer.toString(1 << 20))),
                duration(string(config, "greenhouse.process.exited-retention", "5m")),
                string(config, "greenhouse.process.cgroup", MonitorCgroups.defaultPath(cgroupParent)),
                Network.from(config),
                Path.of(string(config, "greenhouse.image.store.dir", "/var/lib/greenhouse/images")),
                Long.parseLong(string(config, "greenhouse.image.gc.threshold", Long.toString(10L << 30))),
                list(string(config, "greenhouse.image.insecure-registries", "")),
                string(config, "greenhouse.image.docker-hub-mirror", ""),
                duration(string(config, "greenhouse.image.pull.timeout", "60s")),
                Integer.parseInt(string(config, "greenhouse.image.pull.attempts", "3")),
                // containers brought back at once at start (BENCHMARKS.md, run 6: 250 in 2.2 s one
                // at a time on 2 cores)
                Math.max(1, Integer.parseInt(string(config, "greenhouse.reload.lanes", "4"))));
    }

    /** Peas' runtime root, beside the monitors' sockets: apart from the containers', so they are never listed as ones. */
    public Path peasRuntimeRoot() {
        return monitorSockets.resolveSibling("peas");
    }

    /** A comma separated list; blanks dropped. */
    static Set<String> list(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    private static String string(Config config, String name, String defaultValue) {
        return config.getOptionalValue(name, String.class).filter(s -> !s.isBlank()).orElse(defaultValue);
    }

    /** Accepts ISO-8601 (PT5M) or a number with an optional unit: 0, 300, 30s, 5m, 2h, 250ms. */
    static Duration duration(String text) {
        String s = text.trim();
        if (s.startsWith("P") || s.startsWith("p")) {
            return Duration.parse(s);
        }
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        char unit = s.charAt(s.length() - 1);
        if (Character.isDigit(unit)) {
            return Duration.ofSeconds(Long.parseLong(s));
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (unit) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("bad duration: " + text);
        };
    }
}
