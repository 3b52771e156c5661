package io.greenhouse.runc;

import io.greenhouse.backend.ContainerPlan;
import io.greenhouse.backend.ContainerRuntime;
import io.greenhouse.backend.ContainerRuntimeContract;
import io.greenhouse.backend.ResourceLimits;
import io.greenhouse.testsupport.ContractHost;
import io.greenhouse.testsupport.HostTraces;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * runC against the runtime contract (needs root): real bundles in a temporary directory, each
 * with a copy of the test cell's default root filesystem, under a runtime root and cgroup parent
 * of this test's own, so it never sees the test cell's containers nor they its.
 */
class RuncRuntimeIT extends ContainerRuntimeContract {
    private final ContractHost host = ContractHost.forTest("runtime");

    @Override
    protected ContainerRuntime newRuntime() {
        return host.runtime();
    }

    @Override
    protected ContainerPlan plan(String handle) {
        Path bundle = host.bundle(handle);
        return new ContainerPlan(handle, handle, bundle, host.copyOfDefaultRootfs(bundle),
                List.of("PATH=/bin"), List.of(), ResourceLimits.NONE, false);
    }

    @Override
    protected ContainerPlan unstartablePlan(String handle) {
        Path bundle = host.bundle(handle);
        return new ContainerPlan(handle, handle, bundle, bundle.resolve("no-rootfs-here"),
                List.of(), List.of(), ResourceLimits.NONE, false);
    }

    @Override
    protected void assertNothingLeft() {
        host.removeBundles();
        assertEquals(List.of(), host.traces().leftovers());
        host.removeEmptyStateDirectories();
    }
}
