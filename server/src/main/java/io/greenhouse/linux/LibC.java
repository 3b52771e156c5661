package io.greenhouse.linux;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/** The libc calls Java has no API for. Bound once by {@link Syscalls}. */
public interface LibC {
    int open(String path, int flags);

    int close(int fd);

    /** syscall(2) with the arguments of openat2(2): dirfd, path, struct open_how (three u64), its size. */
    long syscall(long number, int dirfd, String path, @In long[] how, long size);

    int mount(String source, String target, String fstype, long flags, String data);

    int umount2(String target, int flags);

    String strerror(int errnum);

    int kill(int pid, int signal);

    int getpid();

    int mknod(String path, int mode, long dev);

    int lsetxattr(String path, String name, byte[] value, long size, int flags);

    int chmod(String path, int mode);

    int lchown(String path, int uid, int gid);

    int syncfs(int fd);

    int utimensat(int dirfd, String path, long[] times, int flags);

    /** ioctl(2) whose argument is a struct the kernel reads or fills (FS_IOC_FSGETXATTR, FS_IOC_FSSETXATTR). */
    int ioctl(int fd, long request, @In @Out byte[] arg);

    /** syscall(2) with the arguments of quotactl_fd(2): fd on the file system, command, id, struct if_dqblk. */
    long syscall(long number, int fd, int cmd, int id, @In @Out byte[] addr);
}
