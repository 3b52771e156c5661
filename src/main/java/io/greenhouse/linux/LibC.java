package io.greenhouse.linux;

/** The libc calls Java has no API for. Bound once by {@link Syscalls}. */
public interface LibC {
    int mount(String source, String target, String fstype, long flags, String data);

    int umount2(String target, int flags);

    String strerror(int errnum);

    int kill(int pid, int signal);

    int getpid();
}
