package io.greenhouse.process;

import io.greenhouse.backend.ContainerPlan;
import io.greenhouse.backend.ImageRef;
import io.greenhouse.backend.ProcessSpec;
import io.greenhouse.backend.ProcessTable;
import io.greenhouse.backend.ProcessTableContract;
import io.greenhouse.backend.ProcessTarget;
import io.greenhouse.backend.ResourceLimits;
import io.greenhouse.oci.EnvRule;
import io.greenhouse.runc.RuncRuntime;
import io.greenhouse.testsupport.ContractHost;
import io.greenhouse.testsupport.HostTraces;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The process manager against the process table contract (needs root): each process under its own
 * greenhouse-monitor, exec'd by runC into a real container made from a copy of the test cell's
 * default root filesystem, under a runtime root, cgroup parent and monitor sockets of this test's
 * own. The output pumps run on a plain executor, as any unit of the cell can be given one.
 */
class ProcessManagerIT extends ProcessTableContract {
    private static final int BUFFER = 1 << 20;

    private final ContractHost host = ContractHost.forTest("processes");
    private final RuncRuntime runtime = host.runtime();
    private final ExecutorService pumps = Executors.newCachedThreadPool();

    @Override
    protected ProcessTable newTable() {
        MonitorLauncher launcher = new MonitorLauncher(host.cell().helpers().resolve("greenhouse-monitor"),
                host.cell().runtimeBinary(), host.runtimeRoot(), BUFFER);
        return new ProcessManager(launcher, host.monitorSockets(), BUFFER,
                new OciProcess(host.bundles().capabilities()), null, java.time.Clock.systemUTC(),
                java.time.Duration.ofMinutes(5), pumps, new io.greenhouse.linux.InRootFiles(new io.greenhouse.linux.Syscalls()));
    }

    @Override
    protected ProcessTarget newContainer(String handle) {
        Path directory = host.bundle(handle);
        Path rootfs = host.copyOfDefaultRootfs(directory);
        runtime.start(new ContainerPlan(handle, handle, directory, rootfs, List.of(), List.of(),
                ResourceLimits.NONE, false));
        return new ProcessTarget(handle, directory, rootfs, List.of(EnvRule.ROOT_PATH), false);
    }

    @Override
    protected void removeContainer(ProcessTarget container) {
        runtime.delete(container.handle());
        // A monitor exits (removing its socket) a moment after it reported its process's exit.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!HostTraces.children(host.monitorSockets()).isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(List.of(), HostTraces.children(host.monitorSockets()), "monitor sockets left");
        host.removeBundles();
        assertEquals(List.of(), host.traces().leftovers());
        host.removeEmptyStateDirectories();
        pumps.shutdown();
        try {
            assertTrue(pumps.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS), "every output pump ended");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected ProcessSpec exiting(String id, String stdout, int status) {
        return spec(id, "/bin/sh", "-c", "printf '%s' \"$1\"; exit \"$2\"", "sh", stdout, Integer.toString(status));
    }

    @Override
    protected ProcessSpec runningUntilSignalled(String id) {
        return spec(id, "/bin/sleep", "1000");
    }

    private static ProcessSpec spec(String id, String path, String... args) {
        return new ProcessSpec(id, path, List.of(args), List.of(), "", "", Map.of(), null, ImageRef.DEFAULT, List.of());
    }
}
