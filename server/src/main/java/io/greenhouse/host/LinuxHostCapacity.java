package io.greenhouse.host;

import io.greenhouse.backend.HostCapacity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory from /proc/meminfo, disk from the filesystem holding the depot. */
public final class LinuxHostCapacity implements HostCapacity {
    private final Path meminfo;
    private final Path depot;

    public LinuxHostCapacity(Path meminfo, Path depot) {
        this.meminfo = meminfo;
        this.depot = depot;
    }

    @Override
    public long memoryBytes() {
        try {
            return parseMemTotal(Files.readString(meminfo));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + meminfo, e);
        }
    }

    static long parseMemTotal(String meminfoText) {
        for (String line : meminfoText.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] f = line.trim().split("\\s+");
                return Long.parseLong(f[1]) * 1024;
            }
        }
        throw new IllegalStateException("no MemTotal in meminfo");
    }

    @Override
    public int cpuCores() {
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public long diskBytes() {
        try {
            return Files.getFileStore(depot).getTotalSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("reading size of " + depot, e);
        }
    }
}
