package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The unit tests' process table keeps the contract of the monitor-backed one. */
class FakeProcessesTest extends ProcessTableContract {
    @Override
    protected ProcessTable newTable() {
        return new FakeProcesses();
    }

    @Override
    protected ProcessTarget newContainer(String handle) {
        return new ProcessTarget(handle, Path.of("/depot", handle), Path.of("/depot", handle, "rootfs"), List.of(), false);
    }

    @Override
    protected void removeContainer(ProcessTarget container) {
    }

    @Override
    protected ProcessSpec exiting(String id, String stdout, int status) {
        return FakeProcesses.exiting(id, stdout, status);
    }

    @Override
    protected ProcessSpec runningUntilSignalled(String id) {
        return new ProcessSpec(id, "/bin/sleep", List.of("1000"), List.of(), "", "", Map.of(), null,
                ImageRef.DEFAULT, List.of());
    }
}
