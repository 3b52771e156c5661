package io.greenhouse.linux;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Project quotas through the kernel's file-system independent interfaces: a directory's project id
 * and inherit flag by {@code FS_IOC_FSGETXATTR}/{@code FS_IOC_FSSETXATTR}, limits and usage by
 * {@code quotactl_fd(2)} with {@code Q_SETQUOTA}/{@code Q_GETQUOTA} on {@code PRJQUOTA}. The same
 * calls serve XFS (mounted {@code prjquota}) and ext4 (feature {@code project,quota}), and need no
 * block device path and no {@code xfs_quota} process: one call per container for metrics.
 */
public final class ProjectQuotas {
    /* _IOR('X', 31, struct fsxattr) and _IOW('X', 32, struct fsxattr); sizeof(struct fsxattr) = 28. */
    static final long FS_IOC_FSGETXATTR = 0x801c581fL;
    static final long FS_IOC_FSSETXATTR = 0x401c5820L;
    static final int FSXATTR_SIZE = 28;
    static final int FS_XFLAG_PROJINHERIT = 0x200;
    /* quotactl_fd(2): one number on every architecture (Linux 5.14). */
    private static final long SYS_QUOTACTL_FD = 443;
    private static final int Q_GETQUOTA = 0x800007;
    private static final int Q_SETQUOTA = 0x800008;
    private static final int PRJQUOTA = 2;
    /* struct if_dqblk: eight u64 and a u32, padded to 72; limits in 1 KiB blocks, usage in bytes. */
    static final int DQBLK_SIZE = 72;
    private static final int QIF_BLIMITS = 1;
    private static final int QIF_ILIMITS = 4;
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_CLOEXEC = 02000000;

    private final LibC libc;
    private final Runtime runtime;

    public ProjectQuotas() {
        this.libc = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
        this.runtime = Runtime.getRuntime(libc);
    }

    /** What a project uses now. */
    public record Usage(long bytes, long inodes) {
    }

    /** The project id of a directory (never a symlink's target). */
    public int projectId(Path directory) {
        int fd = openDirectory(directory);
        try {
            byte[] attr = new byte[FSXATTR_SIZE];
            if (libc.ioctl(fd, FS_IOC_FSGETXATTR, attr) != 0) {
                throw failure("FS_IOC_FSGETXATTR " + directory);
            }
            return decodeProjectId(attr);
        } finally {
            libc.close(fd);
        }
    }

    /**
     * Puts a directory in project {@code id} with the inherit flag, so that everything created under
     * it later counts against the project too.
     */
    public void assign(Path directory, int id) {
        int fd = openDirectory(directory);
        try {
            byte[] attr = new byte[FSXATTR_SIZE];
            if (libc.ioctl(fd, FS_IOC_FSGETXATTR, attr) != 0) {
                throw failure("FS_IOC_FSGETXATTR " + directory);
            }
            withProject(attr, id);
            if (libc.ioctl(fd, FS_IOC_FSSETXATTR, attr) != 0) {
                throw failure("FS_IOC_FSSETXATTR " + directory + " (project " + id + ")");
            }
        } finally {
            libc.close(fd);
        }
    }

    /** Sets the hard limits of project {@code id} on the file system holding {@code onFileSystem}; 0 means none. */
    public void limit(Path onFileSystem, int id, long bytes, long inodes) {
        byte[] dqblk = encodeLimits(bytes, inodes);
        quotactl(onFileSystem, Q_SETQUOTA, id, dqblk, "Q_SETQUOTA");
    }

    /** Bytes and inodes project {@code id} uses, from the file system's own accounting. */
    public Usage usage(Path onFileSystem, int id) {
        byte[] dqblk = new byte[DQBLK_SIZE];
        quotactl(onFileSystem, Q_GETQUOTA, id, dqblk, "Q_GETQUOTA");
        return decodeUsage(dqblk);
    }

    private void quotactl(Path onFileSystem, int cmd, int id, byte[] dqblk, String what) {
        int fd = openDirectory(onFileSystem);
        try {
            if (libc.syscall(SYS_QUOTACTL_FD, fd, qcmd(cmd, PRJQUOTA), id, dqblk) != 0) {
                throw failure(what + " project " + id + " on " + onFileSystem);
            }
        } finally {
            libc.close(fd);
        }
    }

    static int qcmd(int cmd, int type) {
        return (cmd << 8) | (type & 0xff);
    }

    static int decodeProjectId(byte[] fsxattr) {
        return ByteBuffer.wrap(fsxattr).order(ByteOrder.nativeOrder()).getInt(12);
    }

    static void withProject(byte[] fsxattr, int id) {
        ByteBuffer b = ByteBuffer.wrap(fsxattr).order(ByteOrder.nativeOrder());
        b.putInt(0, b.getInt(0) | FS_XFLAG_PROJINHERIT);
        b.putInt(12, id);
    }

    /** Hard limits only (soft = hard would warn at the limit itself); bytes rounded up to 1 KiB blocks. */
    static byte[] encodeLimits(long bytes, long inodes) {
        ByteBuffer b = ByteBuffer.allocate(DQBLK_SIZE).order(ByteOrder.nativeOrder());
        b.putLong(0, (bytes + 1023) / 1024);
        b.putLong(24, inodes);
        b.putInt(64, QIF_BLIMITS | QIF_ILIMITS);
        return b.array();
    }

    static Usage decodeUsage(byte[] dqblk) {
        ByteBuffer b = ByteBuffer.wrap(dqblk).order(ByteOrder.nativeOrder());
        return new Usage(b.getLong(16), b.getLong(40));
    }

    private int openDirectory(Path directory) {
        int fd = libc.open(directory.toString(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            throw failure("open " + directory);
        }
        return fd;
    }

    private IllegalStateException failure(String what) {
        int errno = runtime.getLastError();
        return new IllegalStateException(what + ": " + libc.strerror(errno) + " (errno " + errno + ")");
    }
}
