package io.greenhouse.cgroups;

import io.greenhouse.backend.CpuShares;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Splits the CPU between the good and the bad cgroup as Guardian's shares balancer does: the bad
 * cgroup gets the shares of the punished containers (those of its children that hold processes)
 * times the entitlement multiplier, at least 2; the good cgroup gets the host's memory in MiB less
 * that (memory in MiB being the total of shares the cell hands out). On v2 the shares are worked in
 * v1 units and written as cpu.weight, at most 10000.
 */
public final class SharesBalancer {
    static final long MIN_SHARES = 2;
    static final long MAX_SHARES = 262144;
    static final long MAX_WEIGHT = 10000;

    private final CpuCgroups cgroups;
    private final CpuCgroups.Procs procs;

    public SharesBalancer(CpuCgroups cgroups, CpuCgroups.Procs procs) {
        this.cgroups = cgroups;
        this.procs = procs;
    }

    /** The shares given to good and bad, for the log. */
    public record Split(long good, long bad) {
    }

    public Split balance(long totalMemoryBytes, double multiplier) throws IOException {
        long bad = (long) (punishedShares() * multiplier);
        if (bad == 0) {
            bad = MIN_SHARES;
        }
        long good = totalMemoryBytes / (1024 * 1024) - bad;
        // Guardian computes this unsigned: more bad shares than memory wraps round to a huge number,
        // which the kernel caps at its maximum; the same here without the wrap
        if (good < MIN_SHARES) {
            good = MAX_SHARES;
        }
        write(cgroups.goodParent(), good);
        write(cgroups.badParent(), bad);
        return new Split(good, bad);
    }

    long punishedShares() throws IOException {
        Path parent = cgroups.badParent();
        if (!Files.isDirectory(parent)) {
            return 0;
        }
        long total = 0;
        try (DirectoryStream<Path> children = Files.newDirectoryStream(parent, Files::isDirectory)) {
            for (Path child : children) {
                if (procs.list(child).isEmpty()) {
                    continue;
                }
                Path file = child.resolve(cgroups.sharesFile());
                if (!Files.exists(file)) {
                    continue;
                }
                long value = Long.parseLong(Files.readString(file).trim());
                total += cgroups.unified() ? CpuShares.fromWeight(value) : value;
            }
        }
        return total;
    }

    private void write(Path cgroup, long shares) throws IOException {
        long value = cgroups.unified()
                ? Math.min(MAX_WEIGHT, CpuShares.toWeight(shares))
                : Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
        Files.writeString(cgroup.resolve(cgroups.sharesFile()), Long.toString(value));
    }
}
