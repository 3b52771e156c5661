package io.greenhouse.wiring;

import io.greenhouse.api.stream.StreamRegistry;
import io.greenhouse.backend.CellSettings;
import io.greenhouse.backend.Checkpointer;
import io.greenhouse.backend.ContainerRuntime;
import io.greenhouse.backend.ContainerStore;
import io.greenhouse.backend.DiskQuota;
import io.greenhouse.backend.QuotaDiskMeter;
import io.greenhouse.linux.BtrfsQuotas;
import io.greenhouse.linux.ProjectQuotas;
import io.greenhouse.quota.LoopStore;
import io.greenhouse.backend.LogContext;
import io.greenhouse.backend.GardenBackend;
import io.greenhouse.backend.HostCapacity;
import io.greenhouse.backend.MetricsCollector;
import io.greenhouse.backend.Networker;
import io.greenhouse.network.LinuxNetworker;
import io.greenhouse.network.LoopbackOnly;
import io.greenhouse.network.NetworkConfig;
import io.greenhouse.backend.ProcessTable;
import io.greenhouse.backend.RootfsProvider;
import io.greenhouse.backend.StepObserver;
import io.greenhouse.backend.UsageMeter;
import io.greenhouse.backend.ContainerFiles;
import io.greenhouse.backend.FileStreams;
import io.greenhouse.depot.DirectoryStore;
import io.greenhouse.files.TarHelperFiles;
import io.greenhouse.files.TarLimits;
import io.greenhouse.health.CapacitySettings;
import io.greenhouse.health.HealthSettings;
import io.greenhouse.depot.RecordCodec;
import io.greenhouse.cgroups.CgroupSignals;
import io.greenhouse.cgroups.CgroupOomCounter;
import io.greenhouse.cgroups.CgroupUsageMeter;
import io.greenhouse.host.KeyringQuota;
import io.greenhouse.host.LinuxHostCapacity;
import io.greenhouse.linux.Capabilities;
import io.greenhouse.linux.Syscalls;
import io.greenhouse.metrics.LifecycleMetrics;
import io.greenhouse.oci.BundleSettings;
import io.greenhouse.oci.CellBundles;
import io.greenhouse.linux.IdmappedMounts;
import io.greenhouse.oci.SeccompProfiles;
import io.greenhouse.linux.InRootFiles;
import io.greenhouse.process.MonitorCgroups;
import io.greenhouse.process.MonitorLauncher;
import io.greenhouse.process.OciProcess;
import io.greenhouse.process.Peas;
import io.greenhouse.process.ProcessManager;
import io.greenhouse.image.ImageMetrics;
import io.greenhouse.image.ImageRootfsProvider;
import io.greenhouse.image.LayerStore;
import io.greenhouse.image.OverlayDiskMeter;
import io.greenhouse.image.RegistryClient;
import io.greenhouse.image.RegistrySettings;
import io.greenhouse.runc.RuncRuntime;
import io.greenhouse.cgroups.CpuCgroups;
import io.greenhouse.cgroups.CpuEnforcer;
import io.greenhouse.cgroups.SharesBalancer;
import io.greenhouse.cgroups.ThrottledUsageMeter;
import io.greenhouse.backend.ContainerNotFoundException;
import io.greenhouse.cgroups.CpuThrottler;
import io.greenhouse.cgroups.CpuThrottling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.metrics.MetricRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** Builds the backend and its adapters from configuration. The only place that knows them all. */
@ApplicationScoped
public class CellWiring {
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    /** Liberty's default managed thread factory and scheduler (server.xml: concurrent-3.0). */
    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory managedThreads;
    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ManagedScheduledExecutorService managedScheduler;

    @Produces
    @Singleton
    CellThreads threads(LogContext logContext) {
        return new CellThreads(managedThreads, managedScheduler, logContext);
    }

    /** The container and process each line is about, as fields of JSON logs (Liberty's log record context). */
    @Produces
    @Singleton
    LogContext logContext() {
        return LibertyLogContext.find(CellWiring.class.getClassLoader());
    }

    void closeThreads(@Disposes CellThreads threads) {
        threads.close();
    }

    @Produces
    @Singleton
    Settings settings(Config config) {
        return Settings.from(config);
    }

    @Produces
    @Singleton
    HealthSettings healthSettings(Settings s) {
        return new HealthSettings(s.depot(), s.runtimeBinary(), s.defaultRootfs());
    }

    @Produces
    @Singleton
    Syscalls syscalls() {
        return new Syscalls();
    }

    @Produces
    @Singleton
    DiskSettings diskSettings(Config config, Settings s) {
        return DiskSettings.from(config, s.depot());
    }

    @Produces
    @Singleton
    CapacitySettings capacitySettings(DiskSettings d) {
        return new CapacitySettings(d.reserveBytes());
    }

    /** The writable layers' quota store, mounted (or made) here at start; report-only when impossible. */
    @Produces
    @Singleton
    DiskQuota diskQuota(DiskSettings d, Settings s) {
        return new LoopStore(d.store(), new ProjectQuotas(), new BtrfsQuotas(), s.depot(), Path.of("/proc/config.gz"))
                .open();
    }

    @Produces
    @Singleton
    ContainerStore store(Settings s) {
        return new DirectoryStore(s.depot(), new RecordCodec());
    }

    @Produces
    @Singleton
    RootfsProvider rootfs(Settings s, Syscalls syscalls, MetricRegistry registry, SecuritySettings security) {
        ImageMetrics metrics = new ImageMetrics(registry);
        LayerStore store = new LayerStore(s.imageStore(), syscalls, metrics, Clock.systemUTC(),
                s.imagePullAttempts(), Duration.ofMillis(500));
        metrics.storeSize(registry, store::size);
        RegistryClient client = new RegistryClient(new RegistrySettings(s.insecureRegistries(), s.dockerHubMirror(),
                Duration.ofSeconds(10), s.imagePullTimeout(), s.imagePullAttempts(), Duration.ofMillis(500)));
        return new ImageRootfsProvider(s.defaultRootfs(), syscalls, store, client, metrics, s.imageGcThreshold(),
                security.users() == null ? null : new IdmappedMounts(security.users()));
    }

    /** The rules containers' and peas' bundles are made by. */
    @Produces
    @Singleton
    CellBundles bundles(Settings s, CpuSettings cpu, SecuritySettings security) {
        return new CellBundles(new BundleSettings(s.helpers().resolve("greenhouse-init"),
                cpu.containerParent(s.cgroupParent()),
                CgroupUsageMeter.isUnified(CGROUP_ROOT), Capabilities.boundingOfThisProcess(),
                SeccompProfiles.forHost(), security.users(), security.noNewPrivileges()));
    }

    @Produces
    @Singleton
    SecuritySettings securitySettings(Config config) {
        return SecuritySettings.from(config);
    }

    @Produces
    @Singleton
    RuncRuntime runc(Settings s, CellBundles bundles) {
        return new RuncRuntime(s.runtimeBinary(), s.runtimeRoot(), bundles.container(), s.runtimeTimeout(),
                s.helpers().resolve("greenhouse-init"));
    }

    @Produces
    @Singleton
    HostCapacity hostCapacity(Settings s) {
        return new LinuxHostCapacity(Path.of("/proc/meminfo"), s.depot());
    }

    @Produces
    @Singleton
    ProcessTable processes(Settings s, RootfsProvider rootfs, RuncRuntime runtime, CellBundles bundles, Clock clock,
                           CellThreads threads, Syscalls syscalls) {
        Path peasRoot = s.peasRuntimeRoot();
        return new ProcessManager(
                new MonitorLauncher(s.helpers().resolve("greenhouse-monitor"), s.runtimeBinary(), s.runtimeRoot(),
                        s.processBufferBytes(), new MonitorCgroups(CGROUP_ROOT, s.monitorCgroup()), s.runtimeTimeout()),
                s.monitorSockets(), s.processBufferBytes(), new OciProcess(bundles.capabilities(), bundles.noNewPrivileges()),
                new Peas(rootfs, runtime, bundles.pea(), s.runtimeBinary(), peasRoot),
                clock, s.processExitedRetention(), threads.tasks(), new InRootFiles(syscalls),
                bundles.users().forContainer(false));
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    MetricsCollector metrics(Settings s, CpuSettings cpu, HostCapacity host, Clock clock, DiskQuota quota,
                             RootfsProvider rootfs) {
        UsageMeter usage = new CgroupUsageMeter(CGROUP_ROOT, cpu.containerParent(s.cgroupParent()));
        if (cpu.throttling()) {
            usage = new ThrottledUsageMeter(usage, cpuCgroups(s));
        }
        return new MetricsCollector(usage, new QuotaDiskMeter(quota, rootfs, new OverlayDiskMeter()), host, clock,
                cpu.entitlementPerShare());
    }

    @Produces
    @Singleton
    CpuSettings cpuSettings(Config config) {
        return CpuSettings.from(config);
    }

    private static CpuCgroups cpuCgroups(Settings s) {
        return new CpuCgroups(CGROUP_ROOT, s.cgroupParent(), CgroupUsageMeter.isUnified(CGROUP_ROOT));
    }

    /** Guardian's CPU throttling, when greenhouse.cpu.throttling.enabled: the good and bad cgroups are made here. */
    @Produces
    @Singleton
    CpuThrottling cpuThrottling(Settings s, CpuSettings cpu, MetricsCollector metrics, HostCapacity host, Clock clock,
                                Provider<GardenBackend> backend) {
        if (!cpu.throttling()) {
            return CpuThrottling.off();
        }
        CpuCgroups cgroups = cpuCgroups(s);
        try {
            cgroups.prepare();
        } catch (IOException e) {
            throw new UncheckedIOException("making the good and bad cgroups under " + s.cgroupParent(), e);
        }
        double multiplier = CpuThrottler.multiplier(cpu.entitlementPerShare(),
                MetricsCollector.defaultPercentPerShare(host));
        return CpuThrottling.on(new CpuThrottler(
                () -> backend.get().handles(Map.of()),
                handle -> {
                    try {
                        return Optional.of(metrics.cpuStanding(backend.get().lookup(handle)));
                    } catch (ContainerNotFoundException gone) {
                        return Optional.empty();
                    }
                },
                new CpuEnforcer(cgroups, CpuCgroups.KERNEL), new SharesBalancer(cgroups, CpuCgroups.KERNEL),
                host::memoryBytes, multiplier, clock), cpu.interval());
    }

    @Produces
    @Singleton
    Networker networker(Settings s) {
        Settings.Network n = s.network();
        if (!n.enabled()) {
            return new LoopbackOnly();
        }
        return new LinuxNetworker(new NetworkConfig(n.pool(), n.mtu(),
                n.externalIp().isEmpty() ? LinuxNetworker.defaultExternalIp() : n.externalIp(),
                n.portPoolStart(), n.portPoolSize(), n.dnsServers(), n.allow(), n.allowHostAccess(),
                n.interfacePrefix(), n.chainPrefix(), n.ipForward(), Path.of("/etc/resolv.conf")));
    }

    @Produces
    @Singleton
    GardenBackend backend(ContainerStore store, RootfsProvider rootfs, ContainerRuntime runtime,
                          ProcessTable processes, HostCapacity host, Settings s, Clock clock,
                          MetricsCollector metricsCollector, LifecycleMetrics events, Config config,
                          Syscalls syscalls, Networker networker, DiskQuota diskQuota, Checkpointer checkpointer,
                          LogContext logContext, CpuSettings cpu, CpuThrottling throttling) {
        raiseKeyringQuota(config);
        String containerParent = cpu.containerParent(s.cgroupParent());
        return new GardenBackend(store, rootfs, throttling.runtime(runtime),
                throttling.signals(new CgroupSignals(CGROUP_ROOT, containerParent)),
                processes, host,
                new CellSettings(s.maxContainers(), s.defaultGraceTime(), s.stopTimeout(),
                        s.destroyContainersOnStart(), CgroupUsageMeter.isUnified(CGROUP_ROOT)),
                clock, metricsCollector, events, networker, faultInjection(config, syscalls),
                new CgroupOomCounter(CGROUP_ROOT, containerParent, CgroupUsageMeter.isUnified(CGROUP_ROOT)),
                diskQuota, checkpointer, logContext);
    }

    /** Before the first create: runC's session keyrings would stop the cell at about 200 containers (KeyringQuota). */
    private static void raiseKeyringQuota(Config config) {
        java.util.List<String> changed = new KeyringQuota(Path.of("/proc/sys/kernel/keys")).raise(
                config.getOptionalValue("greenhouse.host.keys.max-keys", Long.class).orElse(KeyringQuota.DEFAULT_MAX_KEYS),
                config.getOptionalValue("greenhouse.host.keys.max-bytes", Long.class).orElse(KeyringQuota.DEFAULT_MAX_BYTES));
        if (!changed.isEmpty()) {
            java.util.logging.Logger.getLogger(CellWiring.class.getName()).info(() ->
                    "kernel key quota raised for runC's per-container session keyrings: " + String.join(", ", changed));
        }
    }

    /** Crash tests name a step after which the server kills itself; nothing else sets it. */
    private static StepObserver faultInjection(Config config, Syscalls syscalls) {
        return config.getOptionalValue("greenhouse.fault.kill-after", String.class)
                .filter(v -> !v.isBlank())
                .<StepObserver>map(v -> new KillAfterStep(v.strip(), syscalls))
                .orElse(StepObserver.NONE);
    }

    @Produces
    @Singleton
    ContainerFiles containerFiles(Settings s, CellThreads threads) {
        return new TarHelperFiles(s.helpers().resolve("greenhouse-tar"), s.busybox(),
                new TarLimits(s.streamInMaxBytes(), s.streamInMaxEntries()), Duration.ofMinutes(10), threads.tasks());
    }

    @Produces
    @Singleton
    StreamRegistry streamRegistry(CellThreads threads) {
        return new StreamRegistry(threads.tasks());
    }

    @Produces
    @Singleton
    FileStreams fileStreams(GardenBackend backend, ContainerRuntime runtime, ContainerFiles files) {
        return new FileStreams(backend, runtime, files);
    }
}
