/* SecurityIT's probe, run inside containers: one system call per word, each printed as
 * "NAME ok" or "NAME errno N", so the test sees what the kernel (and the seccomp filter) said. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *name, long r) {
    if (r < 0) {
        printf("%s errno %d\n", name, errno);
    } else {
        printf("%s ok\n", name);
    }
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "keyctl") == 0) {
            /* KEYCTL_GET_KEYRING_ID (0) of the session keyring (-3), creating none (0) */
            report("keyctl", syscall(SYS_keyctl, 0, -3, 0));
        } else if (strcmp(argv[i], "unshare-user") == 0) {
            report("unshare-user", unshare(CLONE_NEWUSER));
        } else if (strcmp(argv[i], "unshare-mount") == 0) {
            report("unshare-mount", unshare(CLONE_NEWNS));
        } else if (strcmp(argv[i], "fds") == 0) {
            /* the descriptors this process was started with: all but the one reading the list */
            DIR *d = opendir("/proc/self/fd");
            struct dirent *e;
            printf("fds");
            while (d && (e = readdir(d)) != NULL) {
                if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d)) {
                    printf(" %s", e->d_name);
                }
            }
            printf("\n");
            if (d) {
                closedir(d);
            }
        } else if (strncmp(argv[i], "open-write:", 11) == 0) {
            /* opened for writing only: nothing is ever written */
            int fd = open(argv[i] + 11, O_WRONLY | O_APPEND);
            report(argv[i], fd);
            if (fd >= 0) {
                close(fd);
            }
        }
    }
    return 0;
}
