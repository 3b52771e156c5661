package io.greenhouse.testsupport;

import io.greenhouse.cgroups.CgroupUsageMeter;
import io.greenhouse.linux.Capabilities;
import io.greenhouse.oci.BundleSettings;
import io.greenhouse.oci.CellBundles;
import io.greenhouse.oci.SeccompProfiles;
import io.greenhouse.runc.RuncRuntime;
import io.greenhouse.wiring.Settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The host side of a contract test run against a real adapter: the test cell's own settings
 * (runtime binary, helpers, default root filesystem, from its server.env) with a runtime root,
 * cgroup parent, monitor sockets and work directory of the test's own, named after the cell's
 * with a {@code -contract-NAME} suffix, so it never meets the test cell's containers or leak checks.
 */
public final class ContractHost {
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

    private final Settings cell;
    private final Path work;
    private final Path runtimeRoot;
    private final Path monitorSockets;
    private final String cgroupParent;

    private ContractHost(Settings cell, String name) {
        this.cell = cell;
        String suffix = "-contract-" + name;
        this.work = cell.depot().resolveSibling(cell.depot().getFileName() + suffix);
        this.runtimeRoot = Path.of(cell.runtimeRoot() + suffix);
        this.monitorSockets = Path.of(cell.monitorSockets() + suffix);
        this.cgroupParent = cell.cgroupParent() + suffix;
    }

    public static ContractHost forTest(String name) {
        return new ContractHost(ServerEnv.testCell(), name);
    }

    public Settings cell() {
        return cell;
    }

    public Path runtimeRoot() {
        return runtimeRoot;
    }

    public Path monitorSockets() {
        return monitorSockets;
    }

    public String cgroupParent() {
        return cgroupParent;
    }

    public CellBundles bundles() {
        return new CellBundles(new BundleSettings(cell.helpers().resolve("greenhouse-init"), cgroupParent,
                CgroupUsageMeter.isUnified(CGROUPS), Capabilities.boundingOfThisProcess(),
                SeccompProfiles.forHost(), null, false));
    }

    public RuncRuntime runtime() {
        return new RuncRuntime(cell.runtimeBinary(), runtimeRoot, bundles().container(), java.time.Duration.ofSeconds(60),
                cell.helpers().resolve("greenhouse-init"));
    }

    /** A fresh directory for a container's bundle (and, for processes, its depot entry). */
    public Path bundle(String handle) {
        try {
            return Files.createDirectories(work.resolve(handle));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A private copy of the cell's default root filesystem in the bundle (no mount to undo). */
    public Path copyOfDefaultRootfs(Path bundle) {
        Path rootfs = bundle.resolve("rootfs");
        String out = HostTraces.run("cp", "-a", cell.defaultRootfs().toString(), rootfs.toString());
        if (!Files.isDirectory(rootfs.resolve("bin"))) {
            throw new IllegalStateException("copying " + cell.defaultRootfs() + ": " + out);
        }
        return rootfs;
    }

    /** What the test's containers left: mounts, runtime containers, cgroups, directories. */
    public HostTraces traces() {
        return new HostTraces(work, cell.runtimeBinary(), runtimeRoot, cgroupParent);
    }

    /** Removes the bundles (call once the runtime deleted its containers). */
    public void removeBundles() {
        deleteTree(work);
    }

    /**
     * After the leak check (whose runtime listing makes the runtime root again): the empty cgroup
     * parents in every hierarchy, the runtime root and the sockets directory.
     */
    public void removeEmptyStateDirectories() {
        for (Path parent : HostTraces.cgroupDirectories(cgroupParent)) {
            deleteIfEmpty(parent);
        }
        deleteIfEmpty(runtimeRoot);
        deleteIfEmpty(monitorSockets);
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // not empty (or busy): the leak check reports what is in it
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!HostTraces.mountPoints().stream().filter(m -> m.startsWith(dir + "/")).toList().isEmpty()) {
            throw new IllegalStateException("refusing to delete " + dir + ": something is mounted below it");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + dir, e);
        }
    }
}
