package io.greenhouse.backend;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A backend over test doubles of every part, which tests can look into and make fail. */
class BackendFixture {
    final InMemoryStore store = new InMemoryStore();
    final FakeRootfs rootfs = new FakeRootfs();
    final FakeRuntime runtime = new FakeRuntime();
    final RecordingEvents events = new RecordingEvents();
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final FakeProcesses processes = new FakeProcesses();
    final FakeSignals signals = new FakeSignals();
    final FakeNetworker networker = new FakeNetworker(64);
    final FakeDiskQuota diskQuota = new FakeDiskQuota();
    /** OOM kills the kernel counted, by handle; tests set them. */
    final Map<String, Long> oomKills = new java.util.concurrent.ConcurrentHashMap<>();
    final HostCapacity host = new HostCapacity() {
        @Override
        public long memoryBytes() {
            return 8L << 30;
        }

        @Override
        public long diskBytes() {
            return 100L << 30;
        }

        @Override
        public int cpuCores() {
            return 2;
        }
    };

    GardenBackend backend(int maxContainers, Duration defaultGraceTime) {
        return backend(maxContainers, defaultGraceTime, StepObserver.NONE);
    }

    GardenBackend backend(int maxContainers, Duration defaultGraceTime, StepObserver observer) {
        return backend(maxContainers, defaultGraceTime, networker, observer);
    }

    GardenBackend backend(int maxContainers, Duration defaultGraceTime, Networker network, StepObserver observer) {
        return new GardenBackend(store, rootfs, runtime, signals, processes, host,
                new CellSettings(maxContainers, defaultGraceTime, Duration.ofSeconds(1), false), clock,
                new MetricsCollector(handle -> new ResourceUsage(Map.of(), 0, 0, 0, 0, 0, 0),
                        (handle, dir) -> DiskUsage.NONE, host, clock),
                events, network, observer, handle -> oomKills.getOrDefault(handle, 0L), diskQuota);
    }

    /** A backend as the cell serves it: its reload (of whatever the doubles hold) done. */
    GardenBackend started(int maxContainers, Duration defaultGraceTime) {
        return started(maxContainers, defaultGraceTime, StepObserver.NONE);
    }

    GardenBackend started(int maxContainers, Duration defaultGraceTime, StepObserver observer) {
        GardenBackend backend = backend(maxContainers, defaultGraceTime, observer);
        backend.reload();
        return backend;
    }

    static ContainerSpec spec(String handle, Map<String, String> properties, List<String> env) {
        return new ContainerSpec(handle, null, null, null, null, properties, env, false, null, null, null);
    }

    static ContainerSpec spec(String handle) {
        return spec(handle, Map.of(), List.of());
    }
}
