package io.greenhouse.api;

import io.greenhouse.api.wire.BandwidthLimitsJson;
import io.greenhouse.api.wire.BindMountJson;
import io.greenhouse.api.wire.CapacityJson;
import io.greenhouse.api.wire.ContainerInfoJson;
import io.greenhouse.api.wire.ContainerSpecJson;
import io.greenhouse.api.wire.CpuLimitsJson;
import io.greenhouse.api.wire.DiskLimitsJson;
import io.greenhouse.api.wire.ImageRefJson;
import io.greenhouse.api.wire.LimitsJson;
import io.greenhouse.api.wire.MemoryLimitsJson;
import io.greenhouse.api.wire.MetricsJson;
import io.greenhouse.api.wire.NetInJson;
import io.greenhouse.api.wire.NetOutRuleJson;
import io.greenhouse.api.wire.PidLimitsJson;
import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.Capacity;
import io.greenhouse.backend.ContainerInfo;
import io.greenhouse.backend.ContainerMetrics;
import io.greenhouse.backend.ContainerSpec;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ImageRef;
import io.greenhouse.backend.NetOutRule;
import io.greenhouse.backend.ResourceLimits;
import io.greenhouse.backend.ResourceUsage;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Translates between Garden's wire JSON and the backend's types. */
public final class WireMapper {
    private WireMapper() {
    }

    public static ContainerSpec toSpec(ContainerSpecJson json) {
        ImageRef image = image(json.rootfs(), json.image());
        List<BindMount> mounts = json.bindMounts() == null ? List.of()
                : json.bindMounts().stream().map(WireMapper::bindMount).toList();
        mounts.forEach(m -> {
            InputChecks.path(m.sourcePath(), "bind mount src_path");
            InputChecks.path(m.destinationPath(), "bind mount dst_path");
        });
        return new ContainerSpec(
                json.handle(),
                Duration.ofNanos(nonNegative(json.graceTime(), "grace_time")),
                image,
                mounts,
                json.network(),
                InputChecks.properties(properties(json.properties())),
                InputChecks.env(env(json.env()), "env"),
                Boolean.TRUE.equals(json.privileged()),
                limits(json.limits()),
                json.netIn() == null ? null : json.netIn().stream().map(WireMapper::netIn).toList(),
                netOutRules(json.netOutRules()));
    }

    public static ContainerInfo.PortMapping netIn(NetInJson json) {
        return new ContainerInfo.PortMapping(port(json.hostPort(), "host_port"), port(json.containerPort(), "container_port"));
    }

    private static long port(Long value, String what) {
        long p = value == null ? 0 : value;
        if (p < 0 || p > 65535) {
            throw new GardenException(what + " must be a port number (0 to 65535), not " + p);
        }
        return p;
    }

    public static NetInJson netIn(ContainerInfo.PortMapping mapping) {
        return new NetInJson(mapping.hostPort(), mapping.containerPort());
    }

    public static List<NetOutRule> netOutRules(List<NetOutRuleJson> rules) {
        if (rules == null) {
            return List.of();
        }
        if (rules.stream().anyMatch(java.util.Objects::isNull)) {
            throw new GardenException("a net out rule must be a JSON object, not null");
        }
        return rules.stream().map(WireMapper::netOutRule).toList();
    }

    public static NetOutRule netOutRule(NetOutRuleJson json) {
        int protocol = json.protocol() == null ? 0 : json.protocol();
        NetOutRule.Protocol[] protocols = NetOutRule.Protocol.values();
        if (protocol < 0 || protocol >= protocols.length) {
            throw new GardenException("invalid protocol: " + protocol);
        }
        return new NetOutRule(protocols[protocol],
                json.networks() == null ? null : json.networks().stream()
                        .map(n -> new NetOutRule.IpRange(n.start(), n.end())).toList(),
                json.ports() == null ? null : json.ports().stream()
                        .map(p -> new NetOutRule.PortRange(p.start() == null ? 0 : p.start(), p.end() == null ? 0 : p.end()))
                        .toList(),
                json.icmps() == null ? null
                        : new NetOutRule.IcmpControl(json.icmps().type() == null ? 0 : json.icmps().type(), json.icmps().code()),
                Boolean.TRUE.equals(json.log()));
    }

    /** A JSON null value decodes to "" in the Go server; here too, rather than failing later. */
    static java.util.Map<String, String> properties(java.util.Map<String, String> properties) {
        if (properties == null) {
            return null;
        }
        java.util.Map<String, String> copy = new java.util.LinkedHashMap<>();
        properties.forEach((k, v) -> copy.put(k, v == null ? "" : v));
        return copy;
    }

    static List<String> env(List<String> env) {
        if (env == null) {
            return null;
        }
        if (env.contains(null)) {
            throw new GardenException("env entries must be strings of the form NAME=VALUE, not null");
        }
        return env;
    }

    /** image.uri wins over the older rootfs field, as in Guardian. */
    static ImageRef image(String rootfs, ImageRefJson image) {
        if (image != null && image.uri() != null && !image.uri().isEmpty()) {
            return new ImageRef(InputChecks.imageUri(image.uri()), image.username(), image.password());
        }
        return new ImageRef(InputChecks.imageUri(rootfs), image == null ? "" : image.username(),
                image == null ? "" : image.password());
    }

    static BindMount bindMount(BindMountJson json) {
        int mode = json.mode() == null ? 0 : json.mode();
        int origin = json.origin() == null ? 0 : json.origin();
        if (mode != 0 && mode != 1) {
            throw new GardenException("bind mount mode must be 0 (ro) or 1 (rw), not " + mode);
        }
        if (origin != 0 && origin != 1) {
            throw new GardenException("bind mount origin must be 0 (host) or 1 (container), not " + origin);
        }
        return new BindMount(json.srcPath(), json.dstPath(), mode == 1, origin == 1);
    }

    static ResourceLimits limits(LimitsJson json) {
        if (json == null) {
            return ResourceLimits.NONE;
        }
        CpuLimitsJson cpu = json.cpu();
        DiskLimitsJson disk = json.disk();
        BandwidthLimitsJson bw = json.bandwidth();
        return new ResourceLimits(
                json.memory() == null ? 0 : nonNegative(json.memory().limitInBytes(), "memory limit"),
                cpu == null ? 0 : nonNegative(cpu.limitInShares(), "cpu shares"),
                cpu == null ? 0 : nonNegative(cpu.weight(), "cpu weight"),
                json.pid() == null ? 0 : nonNegative(json.pid().max(), "pid limit"),
                disk == null ? ResourceLimits.DiskLimits.NONE : new ResourceLimits.DiskLimits(
                        nonNegative(disk.inodeSoft(), "inode_soft"), nonNegative(disk.inodeHard(), "inode_hard"),
                        nonNegative(disk.byteSoft(), "byte_soft"), nonNegative(disk.byteHard(), "byte_hard"),
                        disk.scope() != null && disk.scope() == 1),
                bw == null ? 0 : nonNegative(bw.rate(), "bandwidth rate"),
                bw == null ? 0 : nonNegative(bw.burst(), "bandwidth burst"));
    }

    private static long nonNegative(Long value, String what) {
        if (value == null) {
            return 0;
        }
        if (value < 0) {
            throw new GardenException(what + " must not be negative");
        }
        return value;
    }

    public static ContainerInfoJson info(ContainerInfo info) {
        return new ContainerInfoJson(info.state(), info.events(), info.hostIp(), info.containerIp(), "",
                info.externalIp(), info.containerPath(), info.processIds(), info.properties(),
                info.mappedPorts().stream()
                        .map(p -> new ContainerInfoJson.PortMappingJson(p.hostPort(), p.containerPort()))
                        .toList());
    }

    /** The memory.stat names garden.ContainerMemoryStat carries (its JSON tags); others are dropped. */
    static final List<String> MEMORY_STAT_NAMES = List.of(
            "active_anon", "active_file", "cache", "hierarchical_memory_limit", "inactive_anon",
            "inactive_file", "mapped_file", "pgfault", "pgmajfault", "pgpgin", "pgpgout", "rss",
            "total_active_anon", "total_active_file", "total_cache", "total_inactive_anon",
            "total_inactive_file", "total_mapped_file", "total_pgfault", "total_pgmajfault",
            "total_pgpgin", "total_pgpgout", "total_rss", "total_unevictable", "unevictable", "swap",
            "hierarchical_memsw_limit", "total_swap", "anon", "file", "swapcached");

    public static MetricsJson metrics(ContainerMetrics m) {
        ResourceUsage u = m.usage();
        Map<String, Long> memory = new LinkedHashMap<>();
        for (String name : MEMORY_STAT_NAMES) {
            memory.put(name, u.memoryStats().getOrDefault(name, 0L));
        }
        memory.put("TotalUsageTowardLimit", u.memoryUsageTowardLimit());
        return new MetricsJson(memory,
                new MetricsJson.CpuStatJson(u.cpuUsageNanos(), u.cpuUserNanos(), u.cpuSystemNanos()),
                new MetricsJson.DiskStatJson(m.disk().totalBytes(), m.disk().totalInodes(),
                        m.disk().exclusiveBytes(), m.disk().exclusiveInodes()),
                new MetricsJson.PidStatJson(u.pidsCurrent(), u.pidsMax()),
                m.age().toNanos(),
                m.cpuEntitlement());
    }

    public static CapacityJson capacity(Capacity c) {
        return new CapacityJson(c.memoryInBytes(), c.diskInBytes(), c.schedulableDiskInBytes(), c.maxContainers());
    }

    public static MemoryLimitsJson memory(ResourceLimits l) {
        return new MemoryLimitsJson(l.memoryBytes());
    }

    /** Like Guardian, the limit reads back as shares only, whether a weight or shares were asked for. */
    public static CpuLimitsJson cpu(long limitInShares) {
        return new CpuLimitsJson(null, limitInShares);
    }

    public static PidLimitsJson pid(ResourceLimits l) {
        return new PidLimitsJson(l.pidsMax());
    }

    public static BandwidthLimitsJson bandwidth(ResourceLimits l) {
        return new BandwidthLimitsJson(l.bandwidthRate(), l.bandwidthBurst());
    }

    public static DiskLimitsJson disk(ResourceLimits l) {
        ResourceLimits.DiskLimits d = l.disk();
        return new DiskLimitsJson(d.inodeSoft(), d.inodeHard(), d.byteSoft(), d.byteHard(), d.exclusive() ? 1 : 0);
    }
}
