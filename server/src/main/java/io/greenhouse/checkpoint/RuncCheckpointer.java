package io.greenhouse.checkpoint;

import io.greenhouse.backend.CheckpointManifest;
import io.greenhouse.linux.FileTrees;
import io.greenhouse.backend.Checkpointer;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.RootfsProvider;
import io.greenhouse.backend.WritableLayerArchive;
import io.greenhouse.linux.HostCommand;
import io.greenhouse.linux.MountTable;
import io.greenhouse.linux.Syscalls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoints with {@code runc --criu WRAPPER checkpoint} and {@code restore}: criu dumps the
 * container's init and its tree (every process whose parent chain ends at init: orphans of exec'd
 * processes are reparented there) with memory and open files; the writable layer stays where it is,
 * in the depot, mounted. Per container, in {@code DEPOT/HANDLE/checkpoint/}:
 * <ul>
 * <li>{@code images/}: the last complete dump ({@code images.new/} while one is taken, so a failed
 * dump never touches the last good one);</li>
 * <li>{@code checkpointed}: present while the processes are in the images and not running;</li>
 * <li>{@code dumping}: present while a dump is taken (see {@link #DUMPING});</li>
 * <li>{@code netns}: a bind mount of the container's network namespace (see
 * {@link NetworkNamespacePath}), from the first checkpoint until the container is destroyed;</li>
 * <li>{@code dump/}, {@code restore/}: criu's work directories with its logs.</li>
 * </ul>
 */
public final class RuncCheckpointer implements Checkpointer {
    /**
     * Present while a dump is taken. The monitors of kept processes look for it every 50 ms and
     * then leave the FIFOs alone, so each byte in them is either delivered or in the dump.
     */
    static final String DUMPING = "dumping";
    /** How long a dump waits for those monitors: a few of their looks. */
    private static final Duration KEEPER_PAUSE = Duration.ofMillis(250);
    private final String runc;
    private final Path runtimeRoot;
    private final Path criu;
    private final Duration timeout;
    private final Syscalls syscalls;
    private final CheckpointArchive archive;
    private volatile Availability availability;

    /** @param criu the criu wrapper (install-criu.sh) runC is to run; @param timeout longest dump or restore */
    public RuncCheckpointer(String runc, Path runtimeRoot, Path criu, Duration timeout, Syscalls syscalls) {
        this(runc, runtimeRoot, criu, timeout, syscalls, null, 0);
    }

    /**
     * @param layers       writes and reads writable layers for archives moved between cells
     * @param archiveLimit most bytes an archive from another cell may have
     */
    public RuncCheckpointer(String runc, Path runtimeRoot, Path criu, Duration timeout, Syscalls syscalls,
                            WritableLayerArchive layers, long archiveLimit) {
        this.runc = runc;
        this.runtimeRoot = runtimeRoot;
        this.criu = criu;
        this.timeout = timeout;
        this.syscalls = syscalls;
        this.archive = layers == null ? null : new CheckpointArchive(layers, archiveLimit);
    }

    /** {@code criu check}, asked once (it takes a second and the host does not change under a cell). */
    @Override
    public Availability availability() {
        Availability a = availability;
        if (a == null) {
            a = check();
            availability = a;
        }
        return a;
    }

    private Availability check() {
        if (!Files.isExecutable(criu)) {
            return new Availability(false, "no criu at " + criu + " (setup-host.sh installs it)");
        }
        try {
            HostCommand.Result r = HostCommand.run(List.of(criu.toString(), "check"), Duration.ofSeconds(60));
            String out = (r.stdout() + "\n" + r.stderr()).strip();
            if (r.ok() && out.contains("Looks good")) {
                return new Availability(true, "criu check: Looks good");
            }
            return new Availability(false, "criu check failed (" + r.exitCode() + "): " + CriuLog.excerpt(List.of(out.split("\n"))));
        } catch (RuntimeException e) {
            return new Availability(false, "criu check: " + e.getMessage());
        }
    }

    @Override
    public void checkpoint(String handle, Path containerDirectory, int initPid, boolean leaveRunning) {
        requireAvailable();
        new ProcessTree(Path.of("/proc")).requireOneTimeNamespace(handle, initPid);
        Path dir = containerDirectory.resolve(Checkpointer.CHECKPOINT_DIRECTORY);
        Path next = dir.resolve("images.new");
        Path work = dir.resolve("dump");
        try {
            Files.createDirectories(dir);
            FileTrees.delete(next);
            FileTrees.delete(work);
            Files.createDirectories(next);
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException("preparing the checkpoint of " + handle, e);
        }
        if (keepsNetworkNamespace(initPid)) {
            Path netns = keepNetworkNamespace(dir, initPid);
            NetworkNamespacePath.inState(runtimeRoot.resolve(handle).resolve("state.json"), netns);
        }

        List<String> cmd = runc("checkpoint", "--image-path", next.toString(), "--work-path", work.toString());
        if (leaveRunning) {
            cmd.add("--leave-running");
        }
        cmd.add(handle);
        Path dumping = dir.resolve(DUMPING);
        try {
            Files.writeString(dumping, handle + "\n");
            if (hasKeptProcesses(containerDirectory)) {
                // their monitors stop moving bytes through the FIFOs once they see the marker
                Thread.sleep(KEEPER_PAUSE.toMillis());
            }
            HostCommand.Result r = run(cmd, handle, "checkpoint");
            if (!r.ok()) {
                FileTrees.deleteQuietly(next);
                throw new GardenException("checkpoint of " + handle + " failed: " + r.message()
                        + "; criu: " + CriuLog.excerpt(work.resolve("dump.log")));
            }
            Path images = dir.resolve("images");
            FileTrees.delete(images);
            Files.move(next, images, StandardCopyOption.ATOMIC_MOVE);
            if (!leaveRunning) {
                Files.writeString(dir.resolve("checkpointed"), handle + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("keeping the checkpoint of " + handle, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GardenException("checkpoint of " + handle + " interrupted");
        } finally {
            try {
                Files.deleteIfExists(dumping);
            } catch (IOException e) {
                throw new UncheckedIOException("removing " + dumping, e);
            }
        }
    }

    /** Whether processes of the container run under keepers (their FIFO directories are there). */
    private static boolean hasKeptProcesses(Path containerDirectory) throws IOException {
        Path streams = containerDirectory.resolve(STREAMS_DIRECTORY);
        if (!Files.isDirectory(streams)) {
            return false;
        }
        try (var entries = Files.list(streams)) {
            return entries.findAny().isPresent();
        }
    }

    @Override
    public int restore(String handle, Path containerDirectory) {
        requireAvailable();
        Path dir = containerDirectory.resolve(Checkpointer.CHECKPOINT_DIRECTORY);
        Path images = dir.resolve("images");
        Path netns = dir.resolve("netns");
        Path work = dir.resolve("restore");
        if (!Files.isDirectory(images)) {
            throw new GardenException("container " + handle + " has no checkpoint to restore");
        }
        boolean kept = Files.exists(netns);
        if (kept && !MountTable.isMountPoint(netns)) {
            throw new GardenException("the network namespace of " + handle + " kept at " + netns
                    + " is gone (was the host restarted?); the checkpoint cannot be restored");
        }
        try {
            FileTrees.delete(work);
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException("preparing the restore of " + handle, e);
        }
        if (kept) {
            NetworkNamespacePath.inConfig(containerDirectory.resolve("config.json"), netns);
        }
        ImageAccess.rootGid(containerDirectory.resolve("config.json")).ifPresent(gid -> ImageAccess.grant(dir, images, gid));
        // a runtime container left by an earlier restore cut off would make runC refuse this one
        HostCommand.run(runc("delete", "--force", handle), Duration.ofSeconds(30));
        Path pidFile = containerDirectory.resolve("init.pid");
        List<String> cmd = runc("restore", "--detach", "--bundle", containerDirectory.toString(),
                "--image-path", images.toString(), "--work-path", work.toString(),
                "--pid-file", pidFile.toString(), handle);
        HostCommand.Result r = run(cmd, handle, "restore");
        if (!r.ok()) {
            // criu and runC clean up after themselves; what either left is removed, the images are not
            HostCommand.run(runc("delete", "--force", handle), Duration.ofSeconds(30));
            throw new GardenException("restore of " + handle + " failed: " + r.message()
                    + "; criu: " + CriuLog.excerpt(work.resolve("restore.log")));
        }
        try {
            Files.deleteIfExists(dir.resolve("checkpointed"));
            // the images have served: a restored container writes a new checkpoint when asked
            FileTrees.delete(images);
            return Integer.parseInt(Files.readString(pidFile).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("finishing the restore of " + handle, e);
        }
    }

    @Override
    public void export(String handle, Path containerDirectory, CheckpointManifest manifest, OutputStream out) {
        requireArchives();
        Path dir = containerDirectory.resolve(Checkpointer.CHECKPOINT_DIRECTORY);
        Path images = dir.resolve("images");
        if (!checkpointed(containerDirectory) || !Files.isDirectory(images)) {
            throw new GardenException("container " + handle + " has no checkpoint to export");
        }
        try {
            archive.write(manifest, containerDirectory.resolve(RootfsProvider.UPPER_LAYER), images,
                    dir.resolve("export-layer.tar"), out);
        } catch (IOException e) {
            throw new UncheckedIOException("exporting the checkpoint of " + handle, e);
        }
    }

    @Override
    public Incoming receive(InputStream in) {
        requireAvailable();
        requireArchives();
        return archive.read(in, "checkpoint/images");
    }

    /**
     * The images are in place (ImportStep); the fresh init gives its network namespace (unless
     * criu recreates it, see {@link #keepsNetworkNamespace}) and goes.
     */
    @Override
    public void adopt(String handle, Path containerDirectory, int initPid) {
        Path dir = containerDirectory.resolve(Checkpointer.CHECKPOINT_DIRECTORY);
        if (keepsNetworkNamespace(initPid)) {
            keepNetworkNamespace(dir, initPid);
        }
        HostCommand.Result r = HostCommand.run(runc("delete", "--force", handle), Duration.ofSeconds(30));
        if (!r.ok()) {
            throw new GardenException("removing the fresh init of " + handle + " failed: " + r.message());
        }
        try {
            Files.writeString(dir.resolve("checkpointed"), handle + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("marking " + handle + " checkpointed", e);
        }
    }

    private void requireArchives() {
        if (archive == null) {
            throw new GardenException("this cell moves no checkpoints between cells");
        }
    }

    @Override
    public boolean checkpointed(Path containerDirectory) {
        return Files.exists(containerDirectory.resolve(Checkpointer.CHECKPOINT_DIRECTORY).resolve("checkpointed"));
    }

    @Override
    public void discard(String handle, Path containerDirectory) {
        Path dir = containerDirectory.resolve(Checkpointer.CHECKPOINT_DIRECTORY);
        if (!Files.exists(dir)) {
            return;
        }
        syscalls.unmount(dir.resolve("netns").toString());
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("removing the checkpoint of " + handle, e);
        }
    }

    private void requireAvailable() {
        Availability a = availability();
        if (!a.available()) {
            throw new GardenException("checkpoints are not available on this cell: " + a.reason());
        }
    }

    /**
     * Binds the init's network namespace to {@code netns} once (later checkpoints find it there):
     * while the container is checkpointed nothing else holds the namespace, and with it the veth
     * and the address the container comes back to.
     */
    private Path keepNetworkNamespace(Path dir, int initPid) {
        Path netns = dir.resolve("netns");
        Path current = Path.of("/proc", Integer.toString(initPid), "ns", "net");
        try {
            if (MountTable.isMountPoint(netns)) {
                if (inode(netns) == inode(current)) {
                    return netns;
                }
                syscalls.unmount(netns.toString());
            }
            if (!Files.exists(netns)) {
                Files.createFile(netns);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("keeping the network namespace of pid " + initPid, e);
        }
        syscalls.mount(current.toString(), netns.toString(), null, Syscalls.MS_BIND, null);
        return netns;
    }

    /**
     * Kept only in the host's user namespace. A user-namespaced container's network namespace
     * belongs to its user namespace, and criu restores the processes into a new one, from which it
     * cannot join the kept network namespace ({@code Can't setns 16/net: Operation not permitted}):
     * there criu dumps the namespace itself, which it can once the veth is gone.
     */
    @Override
    public boolean keepsNetworkNamespace(int initPid) {
        try {
            return inode(Path.of("/proc", Integer.toString(initPid), "ns", "user")) == inode(Path.of("/proc/self/ns/user"));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the user namespace of pid " + initPid, e);
        }
    }

    private static long inode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    private List<String> runc(String... args) {
        List<String> cmd = new ArrayList<>(List.of(runc, "--root", runtimeRoot.toString(), "--criu", criu.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private HostCommand.Result run(List<String> cmd, String handle, String what) {
        try {
            return HostCommand.run(cmd, timeout);
        } catch (IllegalStateException e) {
            throw new GardenException(what + " of " + handle + " failed: " + e.getMessage(), e);
        }
    }
}
