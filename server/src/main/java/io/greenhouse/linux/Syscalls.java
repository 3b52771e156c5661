package io.greenhouse.linux;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

import java.nio.file.Path;

/**
 * Thin, checked wrappers over the system calls Greenhouse makes directly. Every OS call that Java
 * cannot make lives here, so the rest of the code sees exceptions, not errno.
 */
public final class Syscalls {
    public static final int MNT_DETACH = 2;
    public static final int UMOUNT_NOFOLLOW = 8;
    public static final long MS_RDONLY = 1;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFIFO = 0010000;
    private static final int O_PATH = 010000000;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_CLOEXEC = 02000000;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int EINVAL = 22;
    private static final int ENOENT = 2;
    /* openat2(2): one number on every architecture. */
    private static final long SYS_OPENAT2 = 437;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_IN_ROOT = 0x10;

    private final LibC libc;
    private final Runtime runtime;

    public Syscalls() {
        this.libc = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
        this.runtime = Runtime.getRuntime(libc);
    }

    public void mount(String source, String target, String fstype, long flags, String data) {
        if (libc.mount(source, target, fstype, flags, data) != 0) {
            throw failure("mount " + fstype + " on " + target);
        }
    }

    /**
     * Unmounts {@code target}; returns false when nothing was mounted there. Never follows a
     * symlink at the target, so a container cannot redirect the unmount to a host path.
     */
    public boolean unmount(String target) {
        if (libc.umount2(target, UMOUNT_NOFOLLOW) == 0) {
            return true;
        }
        int errno = runtime.getLastError();
        if (errno == EINVAL || errno == ENOENT) {
            return false;
        }
        if (libc.umount2(target, UMOUNT_NOFOLLOW | MNT_DETACH) == 0) {
            return true;
        }
        throw failure("unmount " + target);
    }

    /**
     * Ends this process at once with SIGKILL, as a crash or the OOM killer would: no shutdown hook,
     * no finally block runs. Only fault injection calls it.
     */
    public void killSelf() {
        libc.kill(libc.getpid(), 9);
        throw new IllegalStateException("SIGKILL of this process did not take effect");
    }

    /**
     * Opens {@code path} of the root directory {@code root} as a process chrooted there would
     * resolve it, with the helpers' semantics (src/main/c/inroot.h): openat2 with RESOLVE_IN_ROOT
     * (absolute symlinks and ".." stay inside) and RESOLVE_NO_MAGICLINKS. Returns an O_PATH
     * descriptor to {@link #close(int)}, or -1 when there is no such file ({@link #lastErrno()} says why).
     */
    public int openInRoot(Path root, String path) {
        int rootFd = libc.open(root.toString(), O_PATH | O_CLOEXEC);
        if (rootFd < 0) {
            return -1;
        }
        try {
            long[] how = {O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
            return (int) libc.syscall(SYS_OPENAT2, rootFd, path, how, 8L * how.length);
        } finally {
            int errno = runtime.getLastError();
            libc.close(rootFd);
            runtime.setLastError(errno);
        }
    }

    /** Makes a device node, FIFO or (device 0:0) overlayfs whiteout; {@code mode} includes the type bits. */
    public void makeNode(String path, int mode, int major, int minor) {
        long dev = ((long) (major & 0xfff) << 8) | (minor & 0xff) | ((long) (minor & ~0xff) << 12)
                | ((long) (major & ~0xfff) << 32);
        if (libc.mknod(path, mode, dev) != 0) {
            throw failure("mknod " + path);
        }
    }

    /** Sets an extended attribute on the path itself, never on a symlink's target. */
    public void setXattr(String path, String name, byte[] value) {
        if (libc.lsetxattr(path, name, value, value.length, 0) != 0) {
            throw failure("setxattr " + name + " on " + path);
        }
    }

    /** chmod with every mode bit (setuid, setgid, sticky), which Java's permission API drops. */
    public void chmod(String path, int mode) {
        if (libc.chmod(path, mode) != 0) {
            throw failure("chmod " + path);
        }
    }

    /** Changes owner of the path itself, never a symlink's target. */
    public void lchown(String path, int uid, int gid) {
        if (libc.lchown(path, uid, gid) != 0) {
            throw failure("lchown " + path);
        }
    }

    /**
     * Opens a directory as an {@code O_PATH} descriptor (close-on-exec), so that it can be named
     * {@code /proc/self/fd/N} in mount options; close it with {@link #close}.
     */
    public int openPath(String path) {
        int fd = libc.open(path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
            throw failure("open " + path);
        }
        return fd;
    }

    /** Flushes the whole file system holding {@code path} to disk: one call for a tree of new files. */
    public void syncFileSystem(String path) {
        int fd = libc.open(path, O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            throw failure("open " + path);
        }
        try {
            if (libc.syncfs(fd) != 0) {
                throw failure("syncfs " + path);
            }
        } finally {
            libc.close(fd);
        }
    }

    /**
     * Sets access and modification times of the path itself: never follows a symlink and, unlike
     * Java's attribute views, never opens the file (which blocks on a FIFO).
     */
    public void setTimes(String path, long epochSecond, int nanos) {
        long[] times = {epochSecond, nanos, epochSecond, nanos};
        if (libc.utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) != 0) {
            throw failure("utimensat " + path);
        }
    }

    public void close(int fd) {
        libc.close(fd);
    }

    public int lastErrno() {
        return runtime.getLastError();
    }

    private IllegalStateException failure(String what) {
        int errno = runtime.getLastError();
        return new IllegalStateException(what + ": " + libc.strerror(errno)
                + " (errno " + errno + ")");
    }
}
