package io.greenhouse.wiring;

import io.greenhouse.backend.CellSettings;
import io.greenhouse.backend.ContainerRuntime;
import io.greenhouse.backend.ContainerStore;
import io.greenhouse.backend.GardenBackend;
import io.greenhouse.backend.HostCapacity;
import io.greenhouse.backend.MetricsCollector;
import io.greenhouse.backend.ProcessTable;
import io.greenhouse.backend.RootfsProvider;
import io.greenhouse.backend.StepObserver;
import io.greenhouse.backend.ContainerFiles;
import io.greenhouse.backend.FileStreams;
import io.greenhouse.depot.DirectoryStore;
import io.greenhouse.files.TarHelperFiles;
import io.greenhouse.files.TarLimits;
import io.greenhouse.depot.RecordCodec;
import io.greenhouse.cgroups.CgroupUsageMeter;
import io.greenhouse.host.LinuxHostCapacity;
import io.greenhouse.linux.Capabilities;
import io.greenhouse.linux.Syscalls;
import io.greenhouse.metrics.LifecycleMetrics;
import io.greenhouse.oci.BundleSettings;
import io.greenhouse.oci.CellBundles;
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
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
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

    @Produces
    @Singleton
    Settings settings(Config config) {
        return Settings.from(config);
    }

    @Produces
    @Singleton
    Syscalls syscalls() {
        return new Syscalls();
    }

    @Produces
    @Singleton
    ContainerStore store(Settings s) {
        return new DirectoryStore(s.depot(), new RecordCodec());
    }

    @Produces
    @Singleton
    RootfsProvider rootfs(Settings s, Syscalls syscalls, MetricRegistry registry) {
        ImageMetrics metrics = new ImageMetrics(registry);
        LayerStore store = new LayerStore(s.imageStore(), syscalls, metrics, Clock.systemUTC(),
                s.imagePullAttempts(), Duration.ofMillis(500));
        metrics.storeSize(registry, store::size);
        RegistryClient client = new RegistryClient(new RegistrySettings(s.insecureRegistries(), s.dockerHubMirror(),
                Duration.ofSeconds(10), s.imagePullTimeout(), s.imagePullAttempts(), Duration.ofMillis(500)));
        return new ImageRootfsProvider(s.defaultRootfs(), syscalls, store, client, metrics, s.imageGcThreshold());
    }

    /** The rules containers' and peas' bundles are made by. */
    @Produces
    @Singleton
    CellBundles bundles(Settings s) {
        return new CellBundles(new BundleSettings(s.helpers().resolve("greenhouse-init"), s.cgroupParent(),
                CgroupUsageMeter.isUnified(CGROUP_ROOT), Capabilities.boundingOfThisProcess()));
    }

    @Produces
    @Singleton
    RuncRuntime runc(Settings s, CellBundles bundles) {
        return new RuncRuntime(s.runtimeBinary(), s.runtimeRoot(), bundles.container());
    }

    @Produces
    @Singleton
    HostCapacity hostCapacity(Settings s) {
        return new LinuxHostCapacity(Path.of("/proc/meminfo"), s.depot());
    }

    @Produces
    @Singleton
    ProcessTable processes(Settings s, RootfsProvider rootfs, RuncRuntime runtime, CellBundles bundles) {
        // Peas get a runtime root of their own beside the containers', so they are never listed as containers.
        Path peasRoot = s.monitorSockets().resolveSibling("peas");
        return new ProcessManager(
                new MonitorLauncher(s.helpers().resolve("greenhouse-monitor"), s.runtimeBinary(), s.runtimeRoot(),
                        s.processBufferBytes()),
                s.monitorSockets(), s.processBufferBytes(), new OciProcess(bundles.capabilities()),
                new Peas(rootfs, runtime, bundles.pea(), s.runtimeBinary(), peasRoot));
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    MetricsCollector metrics(Settings s, HostCapacity host, Clock clock) {
        return new MetricsCollector(new CgroupUsageMeter(CGROUP_ROOT, s.cgroupParent()),
                new OverlayDiskMeter(), host, clock);
    }

    @Produces
    @Singleton
    GardenBackend backend(ContainerStore store, RootfsProvider rootfs, ContainerRuntime runtime,
                          ProcessTable processes, HostCapacity host, Settings s, Clock clock,
                          MetricsCollector metricsCollector, LifecycleMetrics events, Config config,
                          Syscalls syscalls) {
        return new GardenBackend(store, rootfs, runtime, processes, host,
                new CellSettings(s.maxContainers(), s.defaultGraceTime(), s.stopTimeout(),
                        s.destroyContainersOnStart(), CgroupUsageMeter.isUnified(CGROUP_ROOT)),
                clock, metricsCollector, events, faultInjection(config, syscalls));
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
    ContainerFiles containerFiles(Settings s) {
        return new TarHelperFiles(s.helpers().resolve("greenhouse-tar"), s.busybox(),
                new TarLimits(s.streamInMaxBytes(), s.streamInMaxEntries()), Duration.ofMinutes(10));
    }

    @Produces
    @Singleton
    FileStreams fileStreams(GardenBackend backend, ContainerRuntime runtime, ContainerFiles files) {
        return new FileStreams(backend, runtime, files);
    }
}
