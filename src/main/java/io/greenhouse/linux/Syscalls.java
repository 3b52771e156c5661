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
    private static final int EINVAL = 22;
    private static final int ENOENT = 2;
    /* The same on x86_64 and arm64 (asm-generic); O_DIRECTORY and O_NOFOLLOW are not, so unused. */
    private static final int O_PATH = 010000000;
    private static final int O_CLOEXEC = 02000000;
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
