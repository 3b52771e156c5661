/*
 * greenhouse-tar: runs tar inside a container, as a user of the container, for StreamIn/StreamOut.
 *
 *   greenhouse-tar in  BUSYBOX PID USER DESTINATION [privileged]   tar on stdin, extracted
 *   greenhouse-tar out BUSYBOX PID USER SOURCE      [privileged]   tar of SOURCE on stdout
 *
 * Why a helper: every path must be resolved as the container sees it, never on the host. So the
 * helper opens the host's static busybox first (the container may have no tar, or a hostile one),
 * then joins the mount namespace of the container's init (PID), whose root is the container's
 * root: from then on "/", "..", and absolute symlinks all stay inside the container. Paths the
 * helper resolves itself go through openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) (inroot.h), so even a
 * /proc/N/fd link planted by a container process cannot lead outside; the destination or source
 * itself must not be a symlink. Tar runs in a private copy of the container's mounts with /proc
 * detached, so the paths it resolves itself cannot reach a magic link either. It then drops every capability a container process would not have,
 * becomes USER (resolved from the container's own /etc/passwd and /etc/group) and execs busybox tar
 * from the file descriptor it opened on the host. The tar stream fed to "in" has already been
 * checked and rewritten by the server (no absolute names, no "..", nothing through a symlink of the
 * stream, hard links only to earlier entries, device nodes only for privileged containers).
 *
 * Errors go to stderr as one line and exit status 1, before any byte of output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "inroot.h"
#include "parse.h"

#define MAX_PATH INROOT_PATH_MAX
#define MAX_DB_BYTES (4 << 20)
#define MAX_GROUPS 64

static const char *mode_word = "in";

static void fail(const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "error streaming %s: ", mode_word);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* ---- the container's user database ---------------------------------------------------------- */

struct user {
    uid_t uid;
    gid_t gid;
    char home[MAX_PATH];
    gid_t groups[MAX_GROUPS];
    int ngroups;
};

/* Reads a small regular file of the container (never a FIFO or device that could block us). */
static char *read_db(int rootfd, const char *path) {
    int fd = inroot_open(rootfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_DB_BYTES) {
        close(fd);
        return NULL;
    }
    char *buf = malloc((size_t) st.st_size + 1);
    size_t len = 0;
    ssize_t n;
    while (buf && len < (size_t) st.st_size && (n = read(fd, buf + len, (size_t) st.st_size - len)) > 0) {
        len += (size_t) n;
    }
    close(fd);
    if (buf) {
        buf[len] = 0;
    }
    return buf;
}

/* Splits a colon-separated line in place into at most max fields; returns the number found. */
static int split_fields(char *line, char **fields, int max) {
    int n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == ':') {
            *p = 0;
            fields[n++] = p + 1;
        }
    }
    return n;
}

static int parse_id(const char *s, unsigned long *out) {
    long v;
    if (!parse_long(s, 0, 0xFFFFFFFEL, &v)) {
        return 0;
    }
    *out = (unsigned long) v;
    return 1;
}

static void add_group(struct user *u, gid_t gid) {
    for (int i = 0; i < u->ngroups; i++) {
        if (u->groups[i] == gid) {
            return;
        }
    }
    if (u->ngroups < MAX_GROUPS) {
        u->groups[u->ngroups++] = gid;
    }
}

static void supplementary_groups(int rootfd, const char *name, struct user *u) {
    char *db = read_db(rootfd, "/etc/group");
    add_group(u, u->gid);
    if (!db) {
        return;
    }
    for (char *line = strtok(db, "\n"); line; line = strtok(NULL, "\n")) {
        char *f[4];
        unsigned long gid;
        if (split_fields(line, f, 4) < 4 || !parse_id(f[2], &gid)) {
            continue;
        }
        char *members = f[3];
        for (char *m = members; m;) {
            char *comma = strchr(m, ',');
            if (comma) {
                *comma = 0;
            }
            if (strcmp(m, name) == 0) {
                add_group(u, (gid_t) gid);
            }
            m = comma ? comma + 1 : NULL;
        }
    }
    free(db);
}

/* A name from the container's /etc/passwd, or a numeric uid[:gid] (home "/"). */
static int lookup_user(int rootfd, const char *name, struct user *u) {
    char *db = read_db(rootfd, "/etc/passwd");
    int found = 0;
    memset(u, 0, sizeof *u);
    if (db) {
        char *save = NULL;
        for (char *line = strtok_r(db, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save)) {
            char *f[7];
            unsigned long uid, gid;
            if (split_fields(line, f, 7) < 6 || strcmp(f[0], name) != 0
                    || !parse_id(f[2], &uid) || !parse_id(f[3], &gid)) {
                continue;
            }
            u->uid = (uid_t) uid;
            u->gid = (gid_t) gid;
            snprintf(u->home, sizeof u->home, "%s", *f[5] ? f[5] : "/");
            found = 1;
        }
        free(db);
    }
    if (!found) {
        char copy[64];
        unsigned long uid, gid;
        snprintf(copy, sizeof copy, "%s", name);
        char *colon = strchr(copy, ':');
        if (colon) {
            *colon = 0;
        }
        if (!parse_id(copy, &uid)) {
            return 0;
        }
        gid = uid;
        if (colon && !parse_id(colon + 1, &gid)) {
            return 0;
        }
        u->uid = (uid_t) uid;
        u->gid = (gid_t) gid;
        strcpy(u->home, "/");
        found = 1;
    }
    supplementary_groups(rootfd, name, u);
    return found;
}

/* ---- paths inside the container --------------------------------------------------------------- */

/*
 * Opens a directory of the container: PATH if absolute, else relative to HOME (as Guardian's
 * nstar does), resolved inside the container root by the resolver every helper shares (inroot.h).
 * With create, missing directories are made and given to the user. Unless last_may_be_symlink,
 * the last component must be a real directory, not a symlink to one.
 */
static int open_dir(int rootfd, const char *home, const char *path, int create, const struct user *u,
                    int last_may_be_symlink, const char *what) {
    char full[MAX_PATH];
    if (snprintf(full, sizeof full, "%s%s%s", path[0] == '/' ? "" : home, path[0] == '/' ? "" : "/", path)
            >= (int) sizeof full) {
        fail("%s path too long", what);
    }
    char err[MAX_PATH + 128];
    int flags = (create ? INROOT_CREATE : 0) | (last_may_be_symlink ? 0 : INROOT_LAST_NOT_SYMLINK);
    int dirfd = inroot_open_dir(rootfd, full, flags, u->uid, u->gid, err, sizeof err);
    if (dirfd < 0) {
        fail("%s %s", what, err);
    }
    return dirfd;
}

/* ---- privileges --------------------------------------------------------------------------------- */

static void drop_privileges(const struct user *u, unsigned long long keep_if_root) {
    for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
        if (!(keep_if_root & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
            fail("dropping capability %d: %s", cap, strerror(errno));
        }
    }
    if (setgroups((size_t) u->ngroups, u->groups) != 0 || setresgid(u->gid, u->gid, u->gid) != 0
            || setresuid(u->uid, u->uid, u->uid) != 0) {
        fail("becoming uid %u gid %u: %s", u->uid, u->gid, strerror(errno));
    }
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (u->uid == 0) {
        data[0].effective = data[0].permitted = data[0].inheritable = (unsigned) keep_if_root;
        data[1].effective = data[1].permitted = data[1].inheritable = (unsigned) (keep_if_root >> 32);
    }
    if (syscall(SYS_capset, &header, data) != 0) {
        fail("capset: %s", strerror(errno));
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fail("no_new_privs: %s", strerror(errno));
    }
}

#define CAP(x) (1ULL << (x))

/* ---- main ----------------------------------------------------------------------------------------- */

static int open_namespace(int pid, const char *ns) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/%s", pid, ns);
    return open(path, O_RDONLY | O_CLOEXEC);
}

static ino_t namespace_inode(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

int main(int argc, char **argv) {
    if (argc < 6 || (strcmp(argv[1], "in") != 0 && strcmp(argv[1], "out") != 0)) {
        fprintf(stderr, "usage: %s in|out BUSYBOX PID USER PATH [privileged]\n", argv[0]);
        return 2;
    }
    int streaming_in = strcmp(argv[1], "in") == 0;
    mode_word = streaming_in ? "in" : "out";
    const char *user_name = *argv[4] ? argv[4] : "root";
    const char *path = argv[5];
    int privileged = argc > 6 && strcmp(argv[6], "privileged") == 0;
    long pid;
    if (!parse_long(argv[3], 2, INT32_MAX, &pid)) {
        fail("invalid container pid %s", argv[3]);
    }

    int busybox = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (busybox < 0) {
        fail("opening %s: %s", argv[2], strerror(errno));
    }

    /* A pid that is no longer the container's init could belong to a host process: refuse any
     * process sharing our own mount namespace. */
    char own[64], theirs[64];
    snprintf(own, sizeof own, "/proc/self/ns/mnt");
    snprintf(theirs, sizeof theirs, "/proc/%ld/ns/mnt", pid);
    int mnt = open_namespace((int) pid, "mnt");
    if (mnt < 0 || namespace_inode(own) == namespace_inode(theirs)) {
        fail("container init %ld is gone", pid);
    }
    /* A user-namespaced container: join its user namespace so ids mean what they mean inside. */
    snprintf(theirs, sizeof theirs, "/proc/%ld/ns/user", pid);
    if (namespace_inode("/proc/self/ns/user") != namespace_inode(theirs)) {
        int userns = open_namespace((int) pid, "user");
        if (userns < 0 || setns(userns, CLONE_NEWUSER) != 0) {
            fail("joining the container's user namespace: %s", strerror(errno));
        }
        close(userns);
        /* Host root is unmapped in there (container root is another host id): become the
         * namespace's root, or every file made would fail and every chown be refused. From an
         * unmapped id to the namespace's root keeps the capabilities setns gave. */
        if (setgroups(0, NULL) != 0 || setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0) {
            fail("becoming root of the container's user namespace: %s", strerror(errno));
        }
    }
    if (setns(mnt, CLONE_NEWNS) != 0) {
        fail("joining the container's mount namespace: %s", strerror(errno));
    }
    close(mnt);
    /* Tar resolves the paths inside the stream itself, without RESOLVE_NO_MAGICLINKS. So give it a
     * private copy of the container's mounts without /proc: no /proc/N/fd or /proc/N/root link
     * (which can name host files) is reachable while it runs. The copy dies with this process. */
    if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        fail("making a private copy of the container's mounts: %s", strerror(errno));
    }
    if (umount2("/proc", MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
        fail("hiding /proc from tar: %s", strerror(errno));
    }
    /* setns made the container's root our root and cwd; pin it. */
    if (chdir("/") != 0 || chroot(".") != 0) {
        fail("entering the container root: %s", strerror(errno));
    }
    int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        fail("opening the container root: %s", strerror(errno));
    }

    struct user u;
    if (!lookup_user(rootfd, user_name, &u)) {
        fail("user %s not found in the container's /etc/passwd", user_name);
    }

    /* What a container's root may do and tar needs; everything else goes. */
    unsigned long long keep = streaming_in
            ? CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | CAP(CAP_FOWNER) | CAP(CAP_FSETID)
              | (privileged ? CAP(CAP_MKNOD) : 0)
            : CAP(CAP_DAC_OVERRIDE);
    umask(022);

    if (streaming_in) {
        int dir = open_dir(rootfd, u.home, path, 1, &u, 0, "destination");
        if (fchdir(dir) != 0) {
            fail("entering destination %s: %s", path, strerror(errno));
        }
        close(dir);
        close(rootfd);
        drop_privileges(&u, keep);
        char *args[] = { "tar", "-x", "-o", "-f", "-", NULL };
        char *env[] = { NULL };
        syscall(SYS_execveat, busybox, "", args, env, AT_EMPTY_PATH);
        fail("exec tar: %s", strerror(errno));
    }

    /* Out: like Guardian, "dir/name" is archived as "name" from dir; "dir/" as "." from dir. */
    size_t len = strlen(path);
    char dir_path[MAX_PATH], name[MAX_PATH];
    if (len >= MAX_PATH) {
        fail("source path too long");
    }
    int whole_dir = len == 0 || path[len - 1] == '/';
    if (whole_dir) {
        snprintf(dir_path, sizeof dir_path, "%s", len ? path : ".");
        strcpy(name, ".");
    } else {
        const char *slash = strrchr(path, '/');
        if (slash) {
            snprintf(dir_path, sizeof dir_path, "%.*s", (int) (slash - path) + 1, path);
            snprintf(name, sizeof name, "%s", slash + 1);
        } else {
            strcpy(dir_path, ".");
            snprintf(name, sizeof name, "%s", path);
        }
    }
    int dir = open_dir(rootfd, u.home, dir_path, 0, &u, !whole_dir, "source");
    struct stat st;
    if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
        if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            fail("source %s: %s", path, strerror(errno));
        }
        if (S_ISLNK(st.st_mode)) {
            fail("source %s is a symlink; refusing to follow it", path);
        }
    }
    if (fchdir(dir) != 0) {
        fail("entering %s: %s", dir_path, strerror(errno));
    }
    close(dir);
    close(rootfd);
    drop_privileges(&u, keep);
    if (fstatat(AT_FDCWD, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        fail("source %s: %s", path, strerror(errno));
    }
    if (faccessat(AT_FDCWD, name, S_ISDIR(st.st_mode) ? R_OK | X_OK : R_OK, AT_EACCESS) != 0) {
        fail("source %s: %s", path, strerror(errno));
    }
    /* "--": a source named like an option ("-T", "--to-command=...") is still a name. */
    char *args[] = { "tar", "-c", "-f", "-", "--", name, NULL };
    char *env[] = { NULL };
    syscall(SYS_execveat, busybox, "", args, env, AT_EMPTY_PATH);
    fail("exec tar: %s", strerror(errno));
    return 1;
}
