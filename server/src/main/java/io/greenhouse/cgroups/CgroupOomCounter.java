package io.greenhouse.cgroups;

import io.greenhouse.backend.OomCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Reads the kernel's OOM kill counter of a container's cgroup (PARENT/HANDLE) when asked, rather
 * than watching for notifications: the counter lives as long as the cgroup, so a kill while the
 * server was down is still reported, and there is no eventfd, watcher thread or re-registration
 * after a restart. runC makes the cgroup with the container, so it starts at zero.
 *
 * <p>cgroup v2: {@code memory.events}' {@code oom_kill}, which already counts the nested cgroups
 * (peas sharing the container's limits). cgroup v1: {@code memory.oom_control}'s {@code oom_kill}
 * (kernel 4.13 and later), which counts only kills of processes in that very cgroup, so the nested
 * cgroups are added up.
 */
public final class CgroupOomCounter implements OomCounter {
    private final Path root;
    private final String parent;
    private final boolean unified;

    public CgroupOomCounter(Path root, String parent, boolean unified) {
        this.root = root;
        this.parent = parent;
        this.unified = unified;
    }

    @Override
    public long oomKills(String handle) {
        try {
            if (unified) {
                return oomKill(root.resolve(parent).resolve(handle).resolve("memory.events"));
            }
            Path cgroup = root.resolve("memory").resolve(parent).resolve(handle);
            if (!Files.isDirectory(cgroup)) {
                return 0;
            }
            try (Stream<Path> nested = Files.walk(cgroup)) {
                return nested.filter(Files::isDirectory)
                        .mapToLong(dir -> oomKill(dir.resolve("memory.oom_control")))
                        .sum();
            }
        } catch (IOException | UncheckedIOException gone) {
            // the cgroup (or a nested one) went while being read: the container is going too
            return 0;
        }
    }

    private static long oomKill(Path file) {
        try {
            return CgroupStats.get(CgroupStats.flatKeyed(Files.readString(file)), "oom_kill");
        } catch (NoSuchFileException gone) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
