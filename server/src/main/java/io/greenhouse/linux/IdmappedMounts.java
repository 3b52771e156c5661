package io.greenhouse.linux;

import io.greenhouse.backend.UserNamespace;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Idmapped mounts (Linux 5.12+; overlayfs takes them as lower layers since 5.19): a detached
 * clone of a directory's mount ({@code open_tree(OPEN_TREE_CLONE)}) whose files appear with their
 * ids shifted by a user namespace's mapping ({@code mount_setattr(MOUNT_ATTR_IDMAP)}), so a layer
 * owned by host root appears owned by a container's root without a copy. runC 1.1 cannot make
 * them itself. The user namespace the mapping comes from is made once by a short-lived
 * {@code unshare --user} process whose maps this (root) server writes; its descriptor is kept.
 */
public final class IdmappedMounts implements AutoCloseable {
    private static final long SYS_OPEN_TREE = 428;
    private static final long SYS_MOUNT_SETATTR = 442;
    private static final long AT_FDCWD = -100;
    private static final long AT_EMPTY_PATH = 0x1000;
    private static final long AT_RECURSIVE = 0x8000;
    private static final long OPEN_TREE_CLONE = 1;
    private static final long OPEN_TREE_CLOEXEC = 02000000;
    private static final long MOUNT_ATTR_IDMAP = 0x00100000;
    private static final int O_RDONLY_CLOEXEC = 02000000;

    private final LibC libc;
    private final Runtime runtime;
    private final UserNamespace users;
    private int usernsFd = -1;

    public IdmappedMounts(UserNamespace users) {
        this.libc = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
        this.runtime = Runtime.getRuntime(libc);
        this.users = users;
    }

    public UserNamespace users() {
        return users;
    }

    /**
     * A detached, idmapped clone of {@code dir}'s mount (with the mounts below it), as a
     * descriptor: name it {@code /proc/self/fd/N} (overlayfs lowerdir) and close it once used.
     */
    public int idmappedClone(Path dir) {
        int ns = userns();
        long tree = libc.syscall(SYS_OPEN_TREE, AT_FDCWD, dir.toString(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (tree < 0) {
            throw failure("open_tree " + dir);
        }
        long[] attr = {MOUNT_ATTR_IDMAP, 0, 0, ns};
        if (libc.syscall(SYS_MOUNT_SETATTR, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, attr, 8L * attr.length) < 0) {
            IllegalStateException e = failure("mount_setattr idmap " + dir);
            libc.close((int) tree);
            throw e;
        }
        return (int) tree;
    }

    public void close(int fd) {
        libc.close(fd);
    }

    private synchronized int userns() {
        if (usernsFd >= 0) {
            return usernsFd;
        }
        Process holder;
        try {
            holder = new ProcessBuilder("unshare", "--user", "sleep", "60").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting unshare --user", e);
        }
        try {
            Path proc = Path.of("/proc", Long.toString(holder.pid()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // The holder is in its namespace once it execs sleep: its ns/user link differs from ours.
            while (Files.readSymbolicLink(proc.resolve("ns/user")).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/user")))
                    || !Files.readString(proc.resolve("comm")).strip().equals("sleep")) {
                if (System.nanoTime() > deadline || !holder.isAlive()) {
                    throw new IllegalStateException("unshare --user did not make a user namespace");
                }
                Thread.sleep(2);
            }
            Files.writeString(proc.resolve("uid_map"), UserNamespace.procMap(users.uids()));
            Files.writeString(proc.resolve("gid_map"), UserNamespace.procMap(users.gids()));
            int fd = libc.open(proc.resolve("ns/user").toString(), O_RDONLY_CLOEXEC);
            if (fd < 0) {
                throw failure("open " + proc.resolve("ns/user"));
            }
            usernsFd = fd;
            return fd;
        } catch (IOException e) {
            throw new UncheckedIOException("making the containers' user namespace", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted making the containers' user namespace", e);
        } finally {
            holder.destroyForcibly();
        }
    }

    @Override
    public synchronized void close() {
        if (usernsFd >= 0) {
            libc.close(usernsFd);
            usernsFd = -1;
        }
    }

    private IllegalStateException failure(String what) {
        int errno = runtime.getLastError();
        return new IllegalStateException(what + ": " + libc.strerror(errno) + " (errno " + errno + ")");
    }
}
