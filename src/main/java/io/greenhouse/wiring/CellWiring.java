package io.greenhouse.wiring;

import io.greenhouse.backend.CellSettings;
import io.greenhouse.backend.ContainerRuntime;
import io.greenhouse.backend.ContainerStore;
import io.greenhouse.backend.GardenBackend;
import io.greenhouse.backend.HostCapacity;
import io.greenhouse.backend.MetricsCollector;
import io.greenhouse.backend.Networker;
import io.greenhouse.network.LinuxNetworker;
import io.greenhouse.network.LoopbackOnly;
import io.greenhouse.network.NetworkConfig;
import io.greenhouse.backend.ProcessTable;
import io.greenhouse.backend.RootfsProvider;
import io.greenhouse.backend.ContainerFiles;
import io.greenhouse.backend.FileStreams;
import io.greenhouse.depot.DirectoryStore;
import io.greenhouse.files.TarHelperFiles;
import io.greenhouse.files.TarLimits;
import io.greenhouse.depot.RecordCodec;
import io.greenhouse.cgroups.CgroupUsageMeter;
import io.greenhouse.host.LinuxHostCapacity;
import io.greenhouse.linux.Syscalls;
import io.greenhouse.metrics.LifecycleMetrics;
import io.greenhouse.process.MonitorLauncher;
import io.greenhouse.process.Peas;
import io.greenhouse.process.ProcessManager;
import io.greenhouse.rootfs.OverlayDiskMeter;
import io.greenhouse.rootfs.OverlayRootfsProvider;
import io.greenhouse.runc.BundleBuilder;
import io.greenhouse.runc.RuncRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

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
    RootfsProvider rootfs(Settings s, Syscalls syscalls) {
        return new OverlayRootfsProvider(s.defaultRootfs(), syscalls);
    }

    @Produces
    @Singleton
    RuncRuntime runc(Settings s) {
        return new RuncRuntime(s.runtimeBinary(), s.runtimeRoot(), bundles(s));
    }

    private static BundleBuilder bundles(Settings s) {
        return new BundleBuilder(s.helpers().resolve("greenhouse-init"), s.cgroupParent(),
                CgroupUsageMeter.isUnified(CGROUP_ROOT));
    }

    @Produces
    @Singleton
    HostCapacity hostCapacity(Settings s) {
        return new LinuxHostCapacity(Path.of("/proc/meminfo"), s.depot());
    }

    @Produces
    @Singleton
    ProcessTable processes(Settings s, RootfsProvider rootfs, RuncRuntime runtime) {
        // Peas get a runtime root of their own beside the containers', so they are never listed as containers.
        Path peasRoot = s.monitorSockets().resolveSibling("peas");
        return new ProcessManager(
                new MonitorLauncher(s.helpers().resolve("greenhouse-monitor"), s.runtimeBinary(), s.runtimeRoot(),
                        s.processBufferBytes()),
                s.monitorSockets(), s.processBufferBytes(),
                new Peas(rootfs, runtime, bundles(s), s.runtimeBinary(), peasRoot));
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
                          MetricsCollector metricsCollector, LifecycleMetrics events, Networker networker) {
        return new GardenBackend(store, rootfs, runtime, processes, host,
                new CellSettings(s.maxContainers(), s.defaultGraceTime(), s.stopTimeout(),
                        s.destroyContainersOnStart(), CgroupUsageMeter.isUnified(CGROUP_ROOT)),
                clock, metricsCollector, events, networker);
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
