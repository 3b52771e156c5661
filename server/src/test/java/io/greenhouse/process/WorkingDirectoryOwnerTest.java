package io.greenhouse.process;

import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ProcessTarget;
import io.greenhouse.backend.UserNamespace;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A missing working directory is made from the host, so it is owned by the user's host ids. */
class WorkingDirectoryOwnerTest {
    private static final Path ROOTFS = Path.of("/rootfs");

    private static ProcessManager manager(UserNamespace users) {
        return new ProcessManager(null, Path.of("/sockets"), 1024, null, null, Clock.systemUTC(),
                Duration.ofMinutes(1), Runnable::run, null, users);
    }

    private static ProcessTarget target(boolean privileged) {
        return new ProcessTarget("h", Path.of("/depot/h"), ROOTFS, List.of(), privileged);
    }

    @Test
    void containerRootOfAnUnprivilegedContainerIsMaximusOnTheHost() {
        MonitorLauncher.WorkingDirectory dir = manager(UserNamespace.guardian())
                .workingDirectory(target(false), "/root/nonexistent", new ExecUser("root", 0, 0, List.of(), "/root"));
        assertEquals(UserNamespace.MAXIMUS, Integer.toUnsignedLong(dir.uid()));
        assertEquals(UserNamespace.MAXIMUS, Integer.toUnsignedLong(dir.gid()));
        assertEquals("/root/nonexistent", dir.path());
    }

    @Test
    void otherIdsFollowTheMapping() {
        UserNamespace shifted = new UserNamespace(List.of(new UserNamespace.IdRange(0, 100000, 65536)),
                List.of(new UserNamespace.IdRange(0, 200000, 65536)));
        MonitorLauncher.WorkingDirectory dir = manager(shifted)
                .workingDirectory(target(false), "/home/a", new ExecUser("a", 1000, 1001, List.of(), "/home/a"));
        assertEquals(101000, dir.uid());
        assertEquals(201001, dir.gid());
        assertThrows(GardenException.class, () -> manager(shifted)
                .workingDirectory(target(false), "/x", new ExecUser("far", 70000, 70000, List.of(), "/")));
    }

    @Test
    void privilegedContainersAndCellsWithoutUserNamespacesUseTheIdsAsTheyAre() {
        ExecUser root = new ExecUser("root", 0, 0, List.of(), "/root");
        assertEquals(0, manager(UserNamespace.guardian()).workingDirectory(target(true), "/r", root).uid());
        assertEquals(0, manager(null).workingDirectory(target(false), "/r", root).uid());
    }
}
