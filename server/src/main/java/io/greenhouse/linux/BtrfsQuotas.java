package io.greenhouse.linux;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * btrfs subvolumes and qgroups through the kernel's ioctls (no {@code btrfs} process per call):
 * {@code BTRFS_IOC_SUBVOL_CREATE}/{@code BTRFS_IOC_SNAP_DESTROY} for a layer's subvolume,
 * {@code BTRFS_IOC_QGROUP_LIMIT} for its byte limit, {@code BTRFS_IOC_INO_LOOKUP} for its id,
 * {@code BTRFS_IOC_QUOTA_CTL} to turn quotas on; usage is the kernel's qgroup accounting as sysfs
 * publishes it ({@code /sys/fs/btrfs/FSID/qgroups/0_ID/referenced}), which is brought up to date at
 * each transaction commit, so {@link #commit} comes first where a current number matters.
 */
public final class BtrfsQuotas {
    /* _IOW(0x94, 14 / 15, struct btrfs_ioctl_vol_args): an s64 fd and a 4088-byte name, 4096 in all. */
    static final long SUBVOL_CREATE = 0x5000940EL;
    static final long SNAP_DESTROY = 0x5000940FL;
    static final int VOL_ARGS_SIZE = 4096;
    /* _IOWR(0x94, 18, struct btrfs_ioctl_ino_lookup_args): treeid, objectid, name[4080]. */
    static final long INO_LOOKUP = 0xD0009412L;
    /* _IOR(0x94, 31, struct btrfs_ioctl_fs_info_args), 1024 bytes; fsid at offset 16. */
    static final long FS_INFO = 0x8400941FL;
    /* _IOWR(0x94, 40, struct btrfs_ioctl_quota_ctl_args): cmd, status. */
    static final long QUOTA_CTL = 0xC0109428L;
    /* _IOR(0x94, 43, struct btrfs_ioctl_qgroup_limit_args): qgroupid, then flags, max_rfer, max_excl, rsv_rfer, rsv_excl. */
    static final long QGROUP_LIMIT = 0x8030942BL;
    static final int QGROUP_LIMIT_SIZE = 48;
    static final long LIMIT_MAX_RFER = 1;
    /** The kernel's "no limit" value of a qgroup limit field. */
    static final long CLEAR_VALUE = -1L;
    private static final long FIRST_FREE_OBJECTID = 256;
    private static final long QUOTA_CTL_ENABLE = 1;
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_CLOEXEC = 02000000;

    private final LibC libc;
    private final Runtime runtime;
    private final Path sysfs;

    public BtrfsQuotas() {
        this(Path.of("/sys/fs/btrfs"));
    }

    BtrfsQuotas(Path sysfs) {
        this.libc = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
        this.runtime = Runtime.getRuntime(libc);
        this.sysfs = sysfs;
    }

    /** Turns quota accounting on for the file system holding {@code dir}; a no-op when it is on. */
    public void enableQuotas(Path dir) {
        byte[] args = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0, QUOTA_CTL_ENABLE).array();
        ioctl(dir, QUOTA_CTL, args, "BTRFS_IOC_QUOTA_CTL enable");
    }

    /** Whether quota accounting is on (what sysfs shows once it is). */
    public boolean quotasEnabled(Path dir) {
        Path enabled = qgroupsDir(dir).resolve("enabled");
        try {
            return Files.isReadable(enabled) && Files.readString(enabled).strip().equals("1");
        } catch (IOException e) {
            return false;
        }
    }

    /** Makes the subvolume {@code parent/name}. */
    public void createSubvolume(Path parent, String name) {
        ioctl(parent, SUBVOL_CREATE, volArgs(name), "BTRFS_IOC_SUBVOL_CREATE " + parent.resolve(name));
    }

    /**
     * Deletes the subvolume {@code parent/name} with everything in it; its extents are freed by the
     * kernel's cleaner in the background (and its qgroup with them, on current kernels).
     */
    public void deleteSubvolume(Path parent, String name) {
        ioctl(parent, SNAP_DESTROY, volArgs(name), "BTRFS_IOC_SNAP_DESTROY " + parent.resolve(name));
    }

    /** The id of the subvolume {@code dir} is in (its level-0 qgroup is {@code 0/id}). */
    public long subvolumeId(Path dir) {
        byte[] args = new byte[4096];
        ByteBuffer.wrap(args).order(ByteOrder.nativeOrder()).putLong(0, 0).putLong(8, FIRST_FREE_OBJECTID);
        ioctl(dir, INO_LOOKUP, args, "BTRFS_IOC_INO_LOOKUP " + dir);
        return ByteBuffer.wrap(args).order(ByteOrder.nativeOrder()).getLong(0);
    }

    /** Holds the subvolume {@code dir} to {@code bytes} referenced; 0 removes the limit. */
    public void limit(Path dir, long bytes) {
        ioctl(dir, QGROUP_LIMIT, encodeLimit(bytes), "BTRFS_IOC_QGROUP_LIMIT " + dir + " " + bytes);
    }

    /**
     * Bytes subvolume {@code id} references as of the last commit; 0 when it has no qgroup (yet, or
     * any more). {@code qgroups} is the file system's {@link #qgroupsDir}.
     */
    public long referencedBytes(Path qgroups, long id) {
        Path file = qgroups.resolve("0_" + id).resolve("referenced");
        try {
            return Long.parseLong(Files.readString(file).strip());
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /** Commits the file system's transaction (syncfs), after which qgroup accounting is current. */
    public void commit(Path onFileSystem) {
        int fd = openDirectory(onFileSystem);
        try {
            if (libc.syncfs(fd) != 0) {
                throw failure("syncfs " + onFileSystem);
            }
        } finally {
            libc.close(fd);
        }
    }

    /** The file system's id, as named under /sys/fs/btrfs. */
    public String fsid(Path onFileSystem) {
        byte[] args = new byte[1024];
        ioctl(onFileSystem, FS_INFO, args, "BTRFS_IOC_FS_INFO " + onFileSystem);
        return uuid(args, 16);
    }

    /** The file system's qgroup accounting in sysfs (one directory per qgroup, files of numbers). */
    public Path qgroupsDir(Path onFileSystem) {
        return sysfs.resolve(fsid(onFileSystem)).resolve("qgroups");
    }

    static String uuid(byte[] bytes, int offset) {
        String hex = HexFormat.of().formatHex(bytes, offset, offset + 16);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    static byte[] volArgs(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length == 0 || n.length >= VOL_ARGS_SIZE - 8 || name.contains("/")) {
            throw new IllegalArgumentException("not a subvolume name: " + name);
        }
        byte[] args = new byte[VOL_ARGS_SIZE];
        System.arraycopy(n, 0, args, 8, n.length);
        return args;
    }

    /** qgroupid 0: the kernel takes the subvolume of the fd the ioctl is made on. */
    static byte[] encodeLimit(long bytes) {
        ByteBuffer b = ByteBuffer.allocate(QGROUP_LIMIT_SIZE).order(ByteOrder.nativeOrder());
        b.putLong(0, 0);
        b.putLong(8, LIMIT_MAX_RFER);
        b.putLong(16, bytes > 0 ? bytes : CLEAR_VALUE);
        return b.array();
    }

    private void ioctl(Path dir, long request, byte[] args, String what) {
        int fd = openDirectory(dir);
        try {
            if (libc.ioctl(fd, request, args) != 0) {
                throw failure(what);
            }
        } finally {
            libc.close(fd);
        }
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
