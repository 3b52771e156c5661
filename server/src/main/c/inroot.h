/*
 * inroot.h: paths of a container's root filesystem, resolved as a process chrooted there would
 * resolve them, for every helper (and, through openat2 with the same flags, the Java side:
 * io.greenhouse.linux.InRootFiles).
 *
 * The container controls its root filesystem, so a helper running on the host must never follow
 * one of its symlinks to a host path. openat2(RESOLVE_IN_ROOT) makes the kernel treat the root's
 * directory fd as "/": absolute symlinks restart there and ".." never climbs above it.
 * RESOLVE_NO_MAGICLINKS refuses /proc/N/fd and /proc/N/root style links, which could name host
 * files even from inside the root.
 */
#ifndef GREENHOUSE_INROOT_H
#define GREENHOUSE_INROOT_H

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define INROOT_PATH_MAX 4096
/* inroot_open_dir: missing directories are made (0755) and given to uid:gid. */
#define INROOT_CREATE 1
/* inroot_open_dir: the last component must be a directory itself, not a symlink to one. */
#define INROOT_LAST_NOT_SYMLINK 2

/* Opens PATH (absolute or not, both start at the root) of the root directory ROOTFD. */
static inline int inroot_open(int rootfd, const char *path, int flags) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long) (flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return (int) syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

/*
 * Opens the directory PATH of the root ROOTFD (an O_PATH fd), creating missing directories with
 * INROOT_CREATE. Each prefix is resolved from the root again, so "a/../b" means what the kernel
 * would make of it inside the root; new directories are made with mkdirat in the directory the
 * previous prefix resolved to, never through a symlink. Returns an O_PATH fd, or -1 with errno set
 * and a message naming the failing prefix in ERR.
 */
static inline int inroot_open_dir(int rootfd, const char *path, int flags, uid_t uid, gid_t gid,
                                  char *err, size_t errlen) {
    char copy[INROOT_PATH_MAX], prefix[INROOT_PATH_MAX] = "/";
    if (strlen(path) >= sizeof copy) {
        snprintf(err, errlen, "%.64s...: path too long", path);
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(copy, path);
    int dirfd = inroot_open(rootfd, "/", O_PATH | O_DIRECTORY);
    if (dirfd < 0) {
        snprintf(err, errlen, "/: %s", strerror(errno));
        return -1;
    }
    char *components[INROOT_PATH_MAX / 2];
    int n = 0;
    char *save = NULL;
    for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") != 0) {
            components[n++] = c;
        }
    }
    for (int i = 0; i < n; i++) {
        const char *c = components[i];
        int last = i == n - 1;
        size_t len = strlen(prefix);
        if (len + 1 + strlen(c) >= sizeof prefix) {
            snprintf(err, errlen, "%.64s...: path too long", path);
            close(dirfd);
            errno = ENAMETOOLONG;
            return -1;
        }
        snprintf(prefix + len, sizeof prefix - len, "%s%s", len > 1 ? "/" : "", c);
        struct stat st;
        if (fstatat(dirfd, c, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            int e = errno;
            if (e != ENOENT || !(flags & INROOT_CREATE)) {
                snprintf(err, errlen, "%s: %s", prefix, strerror(e));
                close(dirfd);
                errno = e;
                return -1;
            }
            if (mkdirat(dirfd, c, 0755) == 0) {
                if (fchownat(dirfd, c, uid, gid, AT_SYMLINK_NOFOLLOW) != 0) {
                    e = errno;
                    snprintf(err, errlen, "%s: chown: %s", prefix, strerror(e));
                    close(dirfd);
                    errno = e;
                    return -1;
                }
            } else if (errno != EEXIST) {
                e = errno;
                snprintf(err, errlen, "%s: mkdir: %s", prefix, strerror(e));
                close(dirfd);
                errno = e;
                return -1;
            }
        } else if (last && (flags & INROOT_LAST_NOT_SYMLINK) && S_ISLNK(st.st_mode)) {
            snprintf(err, errlen, "%s is a symlink; refusing to follow it", prefix);
            close(dirfd);
            errno = ELOOP;
            return -1;
        }
        int fd;
        if (last && (flags & INROOT_LAST_NOT_SYMLINK) && strcmp(c, "..") != 0) {
            /* The very entry just checked, not whatever a symlink put there since. */
            struct open_how how;
            memset(&how, 0, sizeof how);
            how.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
            how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
            fd = (int) syscall(SYS_openat2, dirfd, c, &how, sizeof how);
        } else {
            fd = inroot_open(rootfd, prefix, O_PATH | O_DIRECTORY);
        }
        if (fd < 0) {
            int e = errno;
            snprintf(err, errlen, "%s: %s", prefix, strerror(e));
            close(dirfd);
            errno = e;
            return -1;
        }
        close(dirfd);
        dirfd = fd;
    }
    return dirfd;
}

#endif
