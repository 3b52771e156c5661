package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.List;

/** The unit tests' runtime keeps the contract of runC. */
class FakeRuntimeTest extends ContainerRuntimeContract {
    private final FakeRuntime fake = new FakeRuntime();

    @Override
    protected ContainerRuntime newRuntime() {
        return fake;
    }

    @Override
    protected ContainerPlan plan(String handle) {
        return new ContainerPlan(handle, handle, Path.of("/depot", handle), Path.of("/depot", handle, "rootfs"),
                List.of(), List.of(), ResourceLimits.NONE, false);
    }

    @Override
    protected ContainerPlan unstartablePlan(String handle) {
        fake.startFailure = new GardenException("runc run " + handle + " failed");
        return plan(handle);
    }
}
