package io.greenhouse.testsupport;

import io.greenhouse.linux.HostCommand;
import io.greenhouse.linux.MountTable;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The test cell mounts its quota store (WORK/layers, a loop device over WORK/layers.img) and, as a
 * real cell must, leaves it mounted when it stops. After the test run it goes: the unmount of a
 * loop mount made by mount(8) also frees its loop device (autoclear).
 */
public final class QuotaStoreCleanup implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        String work = System.getProperty("greenhouse.test.work");
        if (work == null || !"root".equals(System.getProperty("user.name"))) {
            return;
        }
        unmount(Path.of(work, "layers"));
        unmount(Path.of(work + "-arquillian", "layers"));
    }

    static void unmount(Path store) {
        if (MountTable.isMountPoint(store)) {
            HostCommand.Result r = HostCommand.run(List.of("umount", store.toString()), Duration.ofSeconds(30));
            if (!r.ok()) {
                System.err.println("QuotaStoreCleanup: umount " + store + ": " + r.message());
            }
        }
    }
}
