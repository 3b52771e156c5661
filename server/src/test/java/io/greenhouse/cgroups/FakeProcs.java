package io.greenhouse.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** cgroup.procs as the kernel keeps it: a process is in exactly one cgroup (of a hierarchy). */
final class FakeProcs implements CpuCgroups.Procs {
    final Map<Integer, Path> where = new LinkedHashMap<>();

    void put(int pid, Path cgroup) {
        where.put(pid, cgroup);
    }

    @Override
    public List<Integer> list(Path cgroup) throws IOException {
        if (!Files.isDirectory(cgroup)) {
            throw new NoSuchFileException(cgroup.resolve("cgroup.procs").toString());
        }
        List<Integer> pids = new ArrayList<>();
        where.forEach((pid, at) -> {
            if (at.equals(cgroup)) {
                pids.add(pid);
            }
        });
        return pids;
    }

    @Override
    public void move(int pid, Path to) throws IOException {
        if (!Files.isDirectory(to)) {
            throw new NoSuchFileException(to.toString());
        }
        where.put(pid, to);
    }

    @Override
    public void remove(Path cgroup) throws IOException {
        if (Files.isDirectory(cgroup)) {
            try (var files = Files.list(cgroup)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(cgroup);
        }
    }
}
