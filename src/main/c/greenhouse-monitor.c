/*
 * greenhouse-monitor: owns one process run in a container, outside the server's JVM.
 *
 * The server starts it once per process with the process directory (holding process.json, the
 * OCI process spec). It detaches (double fork + setsid) so that it survives the server, becomes a
 * child subreaper, and has the OCI runtime exec the process with --detach, so that once the
 * runtime exits the process is reparented to the monitor, which reaps it and records its status.
 *
 * It keeps the process's stdio: pipes, or the pty master the runtime hands over on a console
 * socket (SCM_RIGHTS). It serves one client (the server) at a time on a unix socket, speaking
 * frames of [1 byte type][4 byte big-endian length][payload]:
 *   monitor -> server  'O' stdout bytes, 'E' stderr bytes, 'X' exit status (4 bytes)
 *   server -> monitor  'I' stdin bytes, 'C' close stdin, 'S' signal (4 bytes), 'W' rows, cols (2+2)
 * Each output stream has a bounded buffer. While a client is connected the monitor stops reading
 * the process's output when the buffer is full, so no byte is lost; while none is connected it
 * keeps the newest bytes and drops the oldest, so the process never blocks on a server that is down.
 * On exit it writes the unsent output to stdout.tail / stderr.tail and then the status to
 * exit-status (atomically), so a server that comes back later can still deliver both.
 *
 * The launching process prints "ok PID" or "error MESSAGE" and exits 0 or 1 once the process runs
 * (or failed to start), so the server learns the outcome synchronously.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX (64 * 1024)
#define HEADER 5
/* A process that exits before the server first connects keeps its output in memory this long. */
#define FIRST_CLIENT_WAIT 30

struct options {
    const char *runtime, *runtime_root, *handle, *dir, *socket_path;
    const char *rootfs, *ensure_dir;
    /* A pea: the runtime runs the bundle in this directory; on exit the monitor removes it. */
    const char *bundle, *pea_rootfs;
    long uid, gid;
    int tty;
    size_t buffer;
};

/* A byte ring: the bounded buffer of one stream. */
struct ring {
    char *data;
    size_t cap, head, len;
};

static void ring_init(struct ring *r, size_t cap) {
    r->data = malloc(cap);
    if (r->data == NULL) {
        _exit(70);
    }
    r->cap = cap;
    r->head = 0;
    r->len = 0;
}

static size_t ring_free(const struct ring *r) { return r->cap - r->len; }

/* Appends, dropping the oldest bytes if the data does not fit. */
static void ring_push(struct ring *r, const char *p, size_t n) {
    if (n >= r->cap) {
        p += n - r->cap;
        n = r->cap;
    }
    if (n > ring_free(r)) {
        size_t drop = n - ring_free(r);
        r->head = (r->head + drop) % r->cap;
        r->len -= drop;
    }
    size_t tail = (r->head + r->len) % r->cap;
    size_t first = r->cap - tail < n ? r->cap - tail : n;
    memcpy(r->data + tail, p, first);
    memcpy(r->data, p + first, n - first);
    r->len += n;
}

static size_t ring_pop(struct ring *r, char *out, size_t max) {
    size_t n = r->len < max ? r->len : max;
    size_t first = r->cap - r->head < n ? r->cap - r->head : n;
    memcpy(out, r->data + r->head, first);
    memcpy(out + first, r->data, n - first);
    r->head = (r->head + n) % r->cap;
    r->len -= n;
    return n;
}

/* Writes what can be written now from the ring to a non-blocking fd; -1 on a hard error. */
static int ring_write_fd(struct ring *r, int fd) {
    while (r->len > 0) {
        size_t first = r->cap - r->head < r->len ? r->cap - r->head : r->len;
        ssize_t w = write(fd, r->data + r->head, first);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN ? 0 : -1;
        }
        r->head = (r->head + (size_t) w) % r->cap;
        r->len -= (size_t) w;
    }
    return 0;
}

static void logf_(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

static int write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                struct pollfd pfd = {fd, POLLOUT, 0};
                poll(&pfd, 1, 1000);
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

static void set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
}

/* Writes a small file atomically (temporary file + rename) in the current directory. */
static int write_file_atomically(const char *name, const char *data, size_t n) {
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, ".%s.tmp", name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return -1;
    }
    int ok = write_all(fd, data, n) == 0 && fsync(fd) == 0;
    close(fd);
    if (!ok || rename(tmp, name) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* ---- creating the working directory inside the rootfs without ever leaving it ---- */

/*
 * Walks PATH from the rootfs directory with openat(O_NOFOLLOW), resolving symlinks by hand
 * relative to the rootfs (an absolute target restarts at the rootfs, ".." never climbs above it),
 * and creates missing components owned by uid:gid. The container controls the rootfs, so no
 * host path is ever followed.
 */
static int ensure_dir(const char *rootfs, const char *path, uid_t uid, gid_t gid, char *err, size_t errlen) {
    enum { MAX_DEPTH = 256 };
    int stack[MAX_DEPTH];
    int depth = 0;
    int hops = 0;
    char remaining[PATH_MAX * 2];
    snprintf(remaining, sizeof remaining, "%s", path);
    stack[0] = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (stack[0] < 0) {
        snprintf(err, errlen, "opening rootfs: %s", strerror(errno));
        return -1;
    }
    int rc = -1;
    char *cursor = remaining;
    while (*cursor != '\0') {
        while (*cursor == '/') {
            cursor++;
        }
        if (*cursor == '\0') {
            break;
        }
        char *slash = strchr(cursor, '/');
        size_t len = slash ? (size_t) (slash - cursor) : strlen(cursor);
        char comp[NAME_MAX + 1];
        if (len > NAME_MAX) {
            snprintf(err, errlen, "path component too long in %s", path);
            goto out;
        }
        memcpy(comp, cursor, len);
        comp[len] = '\0';
        cursor += len;
        if (strcmp(comp, ".") == 0) {
            continue;
        }
        if (strcmp(comp, "..") == 0) {
            if (depth > 0) {
                close(stack[depth--]);
            }
            continue;
        }
        int fd = openat(stack[depth], comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
            if (mkdirat(stack[depth], comp, 0755) != 0 && errno != EEXIST) {
                snprintf(err, errlen, "creating %s in %s: %s", comp, path, strerror(errno));
                goto out;
            }
            if (fchownat(stack[depth], comp, uid, gid, AT_SYMLINK_NOFOLLOW) != 0) {
                snprintf(err, errlen, "chown %s in %s: %s", comp, path, strerror(errno));
                goto out;
            }
            fd = openat(stack[depth], comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
            char target[PATH_MAX];
            ssize_t n = readlinkat(stack[depth], comp, target, sizeof target - 1);
            if (n < 0) {
                snprintf(err, errlen, "%s in %s is not a directory", comp, path);
                goto out;
            }
            target[n] = '\0';
            if (++hops > 40) {
                snprintf(err, errlen, "too many symlinks in %s", path);
                goto out;
            }
            char rest[PATH_MAX * 2];
            snprintf(rest, sizeof rest, "%s/%s", target, cursor);
            snprintf(remaining, sizeof remaining, "%s", rest);
            cursor = remaining;
            if (target[0] == '/') {
                while (depth > 0) {
                    close(stack[depth--]);
                }
            }
            continue;
        }
        if (fd < 0) {
            snprintf(err, errlen, "opening %s in %s: %s", comp, path, strerror(errno));
            goto out;
        }
        if (depth + 1 >= MAX_DEPTH) {
            close(fd);
            snprintf(err, errlen, "path too deep: %s", path);
            goto out;
        }
        stack[++depth] = fd;
    }
    rc = 0;
out:
    while (depth >= 0) {
        close(stack[depth--]);
    }
    return rc;
}

/* ---- starting the process ---- */

static int listen_unix(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(addr.sun_path, path);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (bind(fd, (struct sockaddr *) &addr, sizeof addr) != 0 || listen(fd, 4) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    chmod(path, 0600);
    return fd;
}

/* Receives the pty master the runtime sends on the console socket. */
static int receive_fd(int listener) {
    int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0) {
        return -1;
    }
    char name[4096];
    struct iovec iov = {name, sizeof name};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    ssize_t n;
    do {
        n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    close(conn);
    if (n < 0) {
        return -1;
    }
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
        errno = EPROTO;
        return -1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

/* The last error message the runtime logged (JSON lines of --log-format json), else its exit code. */
static void runtime_error(char *out, size_t outlen, int status) {
    snprintf(out, outlen, "runtime exec failed with status %d", status);
    FILE *f = fopen("runtime.log", "re");
    if (f == NULL) {
        return;
    }
    char line[8192];
    while (fgets(line, sizeof line, f) != NULL) {
        if (strstr(line, "\"level\":\"error\"") == NULL && strstr(line, "\"level\":\"fatal\"") == NULL) {
            continue;
        }
        char *msg = strstr(line, "\"msg\":\"");
        if (msg == NULL) {
            continue;
        }
        msg += 7;
        size_t i = 0;
        for (char *p = msg; *p && *p != '\n' && i + 1 < outlen; p++) {
            if (*p == '\\' && p[1] != '\0') {
                p++;
            } else if (*p == '"') {
                break;
            }
            out[i++] = *p;
        }
        out[i] = '\0';
    }
    fclose(f);
}

static long read_pid(void) {
    FILE *f = fopen("pid", "re");
    if (f == NULL) {
        return -1;
    }
    long pid = -1;
    if (fscanf(f, "%ld", &pid) != 1) {
        pid = -1;
    }
    fclose(f);
    return pid;
}

static void report(int fd, const char *fmt, ...) {
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int) sizeof buf - 1) {
        n = sizeof buf - 1;
    }
    write_all(fd, buf, (size_t) n);
}

/* ---- serving the process ---- */

struct stream {
    int fd;          /* read end of the process's pipe (or the pty master), -1 once ended */
    struct ring buf;
    char type;       /* 'O' or 'E' */
};

struct outgoing {
    char frame[HEADER + FRAME_MAX];
    size_t len, sent;
};

struct monitor {
    struct options *opt;
    pid_t pid;
    int exited, status;
    struct stream out, err;
    int stdin_fd;       /* write end of stdin (a dup of the pty master for TTY), -1 once closed */
    struct ring in;
    int stdin_closing;
    int master;         /* the pty master for TTY, else -1 */
    int listener, client;
    int ever_connected;     /* until the server first connects, output waits for it */
    time_t exited_at;
    char rbuf[HEADER + FRAME_MAX];
    size_t rlen;
    struct outgoing pending;
    int next_stream;
};

/* Whether output must wait for a reader rather than drop its oldest bytes. */
static int holds_output(const struct monitor *m) {
    return m->client >= 0 || !m->ever_connected;
}

static void close_stdin(struct monitor *m) {
    if (m->stdin_fd >= 0) {
        if (m->master >= 0) {
            /* A pty cannot be half-closed: send the EOF character instead. */
            char eof = 4;
            if (write(m->stdin_fd, &eof, 1) < 0) {
                logf_("writing EOF to the terminal: %s", strerror(errno));
            }
        }
        close(m->stdin_fd);
        m->stdin_fd = -1;
    }
    m->in.len = 0;
}

static void signal_process(struct monitor *m, int sig) {
    if (m->exited || sig <= 0 || sig >= 65) {
        return;
    }
    kill(m->pid, sig);
    if (getpgid(m->pid) == m->pid) {
        kill(-m->pid, sig);
    }
}

static void handle_frame(struct monitor *m, char type, const unsigned char *p, uint32_t len) {
    switch (type) {
    case 'I':
        if (m->stdin_fd >= 0 && !m->stdin_closing) {
            ring_push(&m->in, (const char *) p, len);
        }
        break;
    case 'C':
        m->stdin_closing = 1;
        break;
    case 'S':
        if (len == 4) {
            signal_process(m, (int) ((uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3]));
        }
        break;
    case 'W':
        if (len == 4 && m->master >= 0) {
            struct winsize ws = {.ws_row = (unsigned short) (p[0] << 8 | p[1]),
                                 .ws_col = (unsigned short) (p[2] << 8 | p[3])};
            ioctl(m->master, TIOCSWINSZ, &ws);
        }
        break;
    default:
        logf_("unknown frame type %d", type);
    }
}

/* Parses complete frames from the client; stops at stdin data that does not fit yet. */
static void parse_client(struct monitor *m) {
    size_t off = 0;
    while (m->rlen - off >= HEADER) {
        unsigned char *h = (unsigned char *) m->rbuf + off;
        uint32_t len = (uint32_t) h[1] << 24 | (uint32_t) h[2] << 16 | (uint32_t) h[3] << 8 | h[4];
        if (len > FRAME_MAX) {
            logf_("client frame too large (%u); dropping client", len);
            close(m->client);
            m->client = -1;
            m->rlen = 0;
            return;
        }
        if (m->rlen - off < HEADER + len) {
            break;
        }
        if (h[0] == 'I' && ring_free(&m->in) < len) {
            break;
        }
        handle_frame(m, (char) h[0], h + HEADER, len);
        off += HEADER + len;
    }
    memmove(m->rbuf, m->rbuf + off, m->rlen - off);
    m->rlen -= off;
}

static void drop_client(struct monitor *m) {
    if (m->client >= 0) {
        close(m->client);
        m->client = -1;
    }
    m->rlen = 0;
}

/* Frames the next chunk of buffered output, alternating streams so neither starves. */
static void fill_pending(struct monitor *m) {
    if (m->pending.len > 0) {
        return;
    }
    struct stream *order[2] = {&m->out, &m->err};
    for (int i = 0; i < 2; i++) {
        struct stream *s = order[(m->next_stream + i) % 2];
        if (s->buf.len == 0) {
            continue;
        }
        size_t n = ring_pop(&s->buf, m->pending.frame + HEADER, FRAME_MAX);
        m->pending.frame[0] = s->type;
        m->pending.frame[1] = (char) (n >> 24);
        m->pending.frame[2] = (char) (n >> 16);
        m->pending.frame[3] = (char) (n >> 8);
        m->pending.frame[4] = (char) n;
        m->pending.len = HEADER + n;
        m->pending.sent = 0;
        m->next_stream = (m->next_stream + i + 1) % 2;
        return;
    }
}

/* A new client takes over: a frame half sent to the old one is resent whole, header first. */
static void restart_pending(struct monitor *m) {
    if (m->pending.sent == 0 || m->pending.len == 0) {
        return;
    }
    size_t payload_sent = m->pending.sent > HEADER ? m->pending.sent - HEADER : 0;
    size_t rest = m->pending.len - HEADER - payload_sent;
    memmove(m->pending.frame + HEADER, m->pending.frame + HEADER + payload_sent, rest);
    m->pending.frame[1] = (char) (rest >> 24);
    m->pending.frame[2] = (char) (rest >> 16);
    m->pending.frame[3] = (char) (rest >> 8);
    m->pending.frame[4] = (char) rest;
    m->pending.len = HEADER + rest;
    m->pending.sent = 0;
}

static void flush_to_client(struct monitor *m) {
    while (m->client >= 0) {
        fill_pending(m);
        if (m->pending.len == 0) {
            return;
        }
        ssize_t w = send(m->client, m->pending.frame + m->pending.sent, m->pending.len - m->pending.sent,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN) {
                drop_client(m);
            }
            return;
        }
        m->pending.sent += (size_t) w;
        if (m->pending.sent == m->pending.len) {
            m->pending.len = 0;
            m->pending.sent = 0;
        }
    }
}

/* Reads what the process wrote into the stream's buffer; closes the stream at its end. */
static void read_stream(struct monitor *m, struct stream *s) {
    char buf[FRAME_MAX];
    while (s->fd >= 0) {
        size_t room = sizeof buf;
        if (holds_output(m)) {
            /* A client is (or is about to start) reading: never drop, let the process wait instead. */
            room = ring_free(&s->buf) < room ? ring_free(&s->buf) : room;
            if (room == 0) {
                return;
            }
        }
        ssize_t n = read(s->fd, buf, room);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            if (m->exited) {
                /* The process is gone and its output is drained; whatever still holds the pipe
                 * (a background child) must not hold back the exit status. */
                close(s->fd);
                s->fd = -1;
            }
            return;
        }
        if (n <= 0) {
            /* EOF, or EIO from a pty whose slave side is closed. */
            if (s->fd == m->master) {
                m->master = -1;
            }
            close(s->fd);
            s->fd = -1;
            return;
        }
        ring_push(&s->buf, buf, (size_t) n);
    }
}

static void reap(struct monitor *m) {
    for (;;) {
        int status;
        pid_t p = waitpid(-1, &status, WNOHANG);
        if (p <= 0) {
            return;
        }
        if (p == m->pid) {
            m->exited = 1;
            m->exited_at = time(NULL);
            m->status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
        }
    }
}

static void save_tail(const char *name, struct ring *r) {
    if (r->len == 0) {
        unlink(name);
        return;
    }
    char *copy = malloc(r->len);
    if (copy == NULL) {
        return;
    }
    size_t n = ring_pop(r, copy, r->len);
    if (write_file_atomically(name, copy, n) != 0) {
        logf_("saving %s: %s", name, strerror(errno));
    }
    free(copy);
}

/*
 * A pea's process was its runtime container's init: once it has exited, the container (state and
 * cgroup) is deleted and its root filesystem unmounted, before the exit is reported, so whoever
 * sees the exit status finds nothing of the pea left.
 */
static void remove_pea(const struct options *opt) {
    pid_t p = fork();
    if (p == 0) {
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, 0);
        dup2(devnull, 1);
        execlp(opt->runtime, opt->runtime, "--root", opt->runtime_root, "delete", "--force", opt->handle,
               (char *) NULL);
        _exit(127);
    }
    if (p > 0) {
        int st;
        while (waitpid(p, &st, 0) < 0 && errno == EINTR) {
        }
    }
    if (umount2(opt->pea_rootfs, UMOUNT_NOFOLLOW) != 0 && errno != EINVAL && errno != ENOENT
        && umount2(opt->pea_rootfs, UMOUNT_NOFOLLOW | MNT_DETACH) != 0) {
        logf_("unmounting %s: %s", opt->pea_rootfs, strerror(errno));
    }
}

static void finish(struct monitor *m) {
    char status[32];
    if (m->opt->bundle != NULL) {
        remove_pea(m->opt);
    }
    int n = snprintf(status, sizeof status, "%d\n", m->status);
    if (m->client < 0) {
        save_tail("stdout.tail", &m->out.buf);
        save_tail("stderr.tail", &m->err.buf);
    }
    if (write_file_atomically("exit-status", status, (size_t) n) != 0) {
        logf_("saving exit status: %s", strerror(errno));
    }
    if (m->client >= 0) {
        unsigned char frame[HEADER + 4] = {'X', 0, 0, 0, 4};
        uint32_t s = (uint32_t) m->status;
        frame[5] = (unsigned char) (s >> 24);
        frame[6] = (unsigned char) (s >> 16);
        frame[7] = (unsigned char) (s >> 8);
        frame[8] = (unsigned char) s;
        int flags = fcntl(m->client, F_GETFL);
        fcntl(m->client, F_SETFL, flags & ~O_NONBLOCK);
        struct timeval tv = {5, 0};
        setsockopt(m->client, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (send(m->client, frame, sizeof frame, MSG_NOSIGNAL) != (ssize_t) sizeof frame) {
            logf_("sending exit status: %s", strerror(errno));
        }
        close(m->client);
    }
    unlink(m->opt->socket_path);
}

static int serve(struct monitor *m, int sigfd) {
    for (;;) {
        if (m->stdin_closing && m->in.len == 0 && m->stdin_fd >= 0) {
            close_stdin(m);
        }
        if (m->exited && m->out.fd < 0 && m->err.fd < 0) {
            flush_to_client(m);
            int waiting_for_first = !m->ever_connected && time(NULL) - m->exited_at < FIRST_CLIENT_WAIT;
            if ((m->client < 0 && !waiting_for_first)
                || (m->client >= 0 && m->out.buf.len == 0 && m->err.buf.len == 0 && m->pending.len == 0)) {
                finish(m);
                return 0;
            }
        }
        struct pollfd fds[7];
        int nfds = 0;
        int i_sig = nfds++;
        fds[i_sig] = (struct pollfd){sigfd, POLLIN, 0};
        int i_listen = nfds++;
        fds[i_listen] = (struct pollfd){m->listener, POLLIN, 0};
        int i_out = -1, i_err = -1, i_in = -1, i_client = -1;
        struct stream *streams[2] = {&m->out, &m->err};
        for (int k = 0; k < 2; k++) {
            struct stream *s = streams[k];
            if (s->fd >= 0 && (!holds_output(m) || ring_free(&s->buf) > 0)) {
                fds[nfds] = (struct pollfd){s->fd, POLLIN, 0};
                if (k == 0) {
                    i_out = nfds++;
                } else {
                    i_err = nfds++;
                }
            }
        }
        if (m->stdin_fd >= 0 && m->in.len > 0) {
            i_in = nfds;
            fds[nfds++] = (struct pollfd){m->stdin_fd, POLLOUT, 0};
        }
        if (m->client >= 0) {
            short events = 0;
            if (m->rlen < sizeof m->rbuf) {
                events |= POLLIN;
            }
            if (m->pending.len > 0 || m->out.buf.len > 0 || m->err.buf.len > 0) {
                events |= POLLOUT;
            }
            i_client = nfds;
            fds[nfds++] = (struct pollfd){m->client, events, 0};
        }
        /* Once the process has exited, streams are drained with non-blocking reads: don't sleep
         * while one of them can still take bytes. */
        int timeout = -1;
        if (m->exited) {
            for (int k = 0; k < 2; k++) {
                if (streams[k]->fd >= 0 && (!holds_output(m) || ring_free(&streams[k]->buf) > 0)) {
                    timeout = 0;
                }
            }
            if (timeout < 0 && !m->ever_connected) {
                timeout = 1000;
            }
        }
        int ready = poll(fds, (nfds_t) nfds, timeout);
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            logf_("poll: %s", strerror(errno));
            return 1;
        }
        if (fds[i_sig].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (read(sigfd, &info, sizeof info) > 0) {
            }
            reap(m);
        }
        if (fds[i_listen].revents & POLLIN) {
            int c = accept4(m->listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (c >= 0) {
                drop_client(m);
                m->client = c;
                m->ever_connected = 1;
                restart_pending(m);
                continue;
            }
        }
        if (i_out >= 0 && fds[i_out].revents) {
            read_stream(m, &m->out);
        }
        if (i_err >= 0 && fds[i_err].revents) {
            read_stream(m, &m->err);
        }
        if (m->exited) {
            read_stream(m, &m->out);
            read_stream(m, &m->err);
        }
        if (i_in >= 0 && fds[i_in].revents) {
            if (ring_write_fd(&m->in, m->stdin_fd) != 0) {
                /* The process closed its stdin: what it was sent is discarded. */
                m->in.len = 0;
                close(m->stdin_fd);
                m->stdin_fd = -1;
            }
        }
        if (i_client >= 0 && m->client >= 0) {
            short rev = fds[i_client].revents;
            if (rev & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = recv(m->client, m->rbuf + m->rlen, sizeof m->rbuf - m->rlen, MSG_DONTWAIT);
                if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                    drop_client(m);
                } else if (n > 0) {
                    m->rlen += (size_t) n;
                }
            }
        }
        if (m->client >= 0) {
            parse_client(m);
        }
        flush_to_client(m);
    }
}

static int run_monitor(struct options *opt, int report_fd) {
    struct monitor m;
    memset(&m, 0, sizeof m);
    m.opt = opt;
    m.client = -1;
    m.master = -1;
    m.stdin_fd = -1;
    m.out.type = 'O';
    m.err.type = 'E';
    m.out.fd = -1;
    m.err.fd = -1;
    ring_init(&m.out.buf, opt->buffer);
    ring_init(&m.err.buf, opt->buffer);
    ring_init(&m.in, opt->buffer);

    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sigfd < 0) {
        report(report_fd, "error signalfd: %s", strerror(errno));
        return 1;
    }

    char err[4096];
    if (opt->ensure_dir != NULL && opt->rootfs != NULL
        && ensure_dir(opt->rootfs, opt->ensure_dir, (uid_t) opt->uid, (gid_t) opt->gid, err, sizeof err) != 0) {
        report(report_fd, "error %s", err);
        return 1;
    }

    m.listener = listen_unix(opt->socket_path);
    if (m.listener < 0) {
        report(report_fd, "error listening on %s: %s", opt->socket_path, strerror(errno));
        return 1;
    }

    int child_in = -1, child_out = -1, child_err = -1, console = -1;
    if (opt->tty) {
        console = listen_unix("console.sock");
        if (console < 0) {
            report(report_fd, "error console socket: %s", strerror(errno));
            unlink(opt->socket_path);
            return 1;
        }
    } else {
        int pin[2], pout[2], perr[2];
        if (pipe2(pin, O_CLOEXEC) || pipe2(pout, O_CLOEXEC) || pipe2(perr, O_CLOEXEC)) {
            report(report_fd, "error pipe: %s", strerror(errno));
            unlink(opt->socket_path);
            return 1;
        }
        child_in = pin[0];
        m.stdin_fd = pin[1];
        m.out.fd = pout[0];
        child_out = pout[1];
        m.err.fd = perr[0];
        child_err = perr[1];
        /* Big pipes: fewer wake-ups at high output rates. */
        fcntl(m.out.fd, F_SETPIPE_SZ, 1 << 20);
        fcntl(m.err.fd, F_SETPIPE_SZ, 1 << 20);
    }

    unlink("pid");
    unlink("runtime.log");
    pid_t runtime = fork();
    if (runtime < 0) {
        report(report_fd, "error fork: %s", strerror(errno));
        unlink(opt->socket_path);
        return 1;
    }
    if (runtime == 0) {
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        signal(SIGPIPE, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        int devnull = open("/dev/null", O_RDWR);
        dup2(child_in >= 0 ? child_in : devnull, 0);
        dup2(child_out >= 0 ? child_out : devnull, 1);
        dup2(child_err >= 0 ? child_err : devnull, 2);
        const char *argv[24];
        int a = 0;
        argv[a++] = opt->runtime;
        argv[a++] = "--root";
        argv[a++] = opt->runtime_root;
        argv[a++] = "--log";
        argv[a++] = "runtime.log";
        argv[a++] = "--log-format";
        argv[a++] = "json";
        if (opt->bundle != NULL) {
            /* A pea: its process is the init of a runtime container of its own (terminal set in the bundle). */
            argv[a++] = "run";
            argv[a++] = "--detach";
            argv[a++] = "--pid-file";
            argv[a++] = "pid";
            argv[a++] = "--bundle";
            argv[a++] = opt->bundle;
            if (opt->tty) {
                argv[a++] = "--console-socket";
                argv[a++] = "console.sock";
            }
        } else {
            argv[a++] = "exec";
            argv[a++] = "--detach";
            argv[a++] = "--pid-file";
            argv[a++] = "pid";
            argv[a++] = "--process";
            argv[a++] = "process.json";
            if (opt->tty) {
                argv[a++] = "--tty";
                argv[a++] = "--console-socket";
                argv[a++] = "console.sock";
            }
        }
        argv[a++] = opt->handle;
        argv[a] = NULL;
        execvp(opt->runtime, (char *const *) argv);
        dprintf(2, "exec %s: %s\n", opt->runtime, strerror(errno));
        _exit(127);
    }
    if (child_in >= 0) {
        close(child_in);
        close(child_out);
        close(child_err);
    }

    /* Wait for the runtime to exit (and, for a TTY, to hand over the pty master). */
    int runtime_status = -1;
    time_t deadline = time(NULL) + 120;
    while (runtime_status < 0 || (opt->tty && m.master < 0 && WIFEXITED(runtime_status)
                                  && WEXITSTATUS(runtime_status) == 0)) {
        struct pollfd fds[2] = {{sigfd, POLLIN, 0}, {console, POLLIN, 0}};
        int n = poll(fds, console >= 0 && m.master < 0 ? 2 : 1, 1000);
        if (n < 0 && errno != EINTR) {
            break;
        }
        if (console >= 0 && m.master < 0 && (fds[1].revents & POLLIN)) {
            m.master = receive_fd(console);
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (read(sigfd, &info, sizeof info) > 0) {
            }
        }
        int st;
        if (runtime_status < 0 && waitpid(runtime, &st, WNOHANG) == runtime) {
            runtime_status = st;
        }
        if (time(NULL) > deadline) {
            break;
        }
    }
    if (console >= 0) {
        close(console);
        unlink("console.sock");
    }
    if (runtime_status < 0 || !WIFEXITED(runtime_status) || WEXITSTATUS(runtime_status) != 0) {
        if (runtime_status < 0) {
            kill(runtime, SIGKILL);
            snprintf(err, sizeof err, "runtime exec timed out");
        } else {
            runtime_error(err, sizeof err, WIFEXITED(runtime_status) ? WEXITSTATUS(runtime_status) : -1);
        }
        report(report_fd, "error %s", err);
        unlink(opt->socket_path);
        return 1;
    }
    if (opt->tty && m.master < 0) {
        report(report_fd, "error no terminal received from the runtime");
        unlink(opt->socket_path);
        return 1;
    }
    m.pid = (pid_t) read_pid();
    if (m.pid <= 0) {
        report(report_fd, "error runtime wrote no pid");
        unlink(opt->socket_path);
        return 1;
    }
    if (m.master >= 0) {
        m.out.fd = m.master;
        m.stdin_fd = dup(m.master);
        fcntl(m.stdin_fd, F_SETFD, FD_CLOEXEC);
    }
    set_nonblocking(m.out.fd);
    if (m.err.fd >= 0) {
        set_nonblocking(m.err.fd);
    }
    set_nonblocking(m.stdin_fd);
    set_nonblocking(m.listener);

    report(report_fd, "ok %d", m.pid);
    close(report_fd);
    reap(&m);
    return serve(&m, sigfd);
}

static void usage(void) {
    fprintf(stderr, "usage: greenhouse-monitor --runtime BIN --runtime-root DIR --handle H --dir PROCESS_DIR "
                    "--socket PATH [--tty] [--buffer BYTES] [--rootfs DIR --ensure-dir PATH --uid N --gid N] "
                    "[--bundle DIR --pea-rootfs DIR]\n");
    exit(2);
}

int main(int argc, char **argv) {
    struct options opt = {.buffer = 1 << 20, .uid = 0, .gid = 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--tty") == 0) {
            opt.tty = 1;
            continue;
        }
        if (v == NULL) {
            usage();
        }
        i++;
        if (strcmp(a, "--runtime") == 0) {
            opt.runtime = v;
        } else if (strcmp(a, "--runtime-root") == 0) {
            opt.runtime_root = v;
        } else if (strcmp(a, "--handle") == 0) {
            opt.handle = v;
        } else if (strcmp(a, "--dir") == 0) {
            opt.dir = v;
        } else if (strcmp(a, "--socket") == 0) {
            opt.socket_path = v;
        } else if (strcmp(a, "--buffer") == 0) {
            opt.buffer = (size_t) strtoul(v, NULL, 10);
        } else if (strcmp(a, "--bundle") == 0) {
            opt.bundle = v;
        } else if (strcmp(a, "--pea-rootfs") == 0) {
            opt.pea_rootfs = v;
        } else if (strcmp(a, "--rootfs") == 0) {
            opt.rootfs = v;
        } else if (strcmp(a, "--ensure-dir") == 0) {
            opt.ensure_dir = v;
        } else if (strcmp(a, "--uid") == 0) {
            opt.uid = strtol(v, NULL, 10);
        } else if (strcmp(a, "--gid") == 0) {
            opt.gid = strtol(v, NULL, 10);
        } else {
            usage();
        }
    }
    if (!opt.runtime || !opt.runtime_root || !opt.handle || !opt.dir || !opt.socket_path || opt.buffer < 4096
        || (opt.bundle != NULL) != (opt.pea_rootfs != NULL)) {
        usage();
    }
    if (chdir(opt.dir) != 0) {
        printf("error process directory %s: %s\n", opt.dir, strerror(errno));
        return 1;
    }

    int report_pipe[2];
    if (pipe2(report_pipe, O_CLOEXEC) != 0) {
        printf("error pipe: %s\n", strerror(errno));
        return 1;
    }
    fflush(stdout);
    pid_t first = fork();
    if (first < 0) {
        printf("error fork: %s\n", strerror(errno));
        return 1;
    }
    if (first > 0) {
        /* The launcher: relay the outcome to the server, then go. */
        close(report_pipe[1]);
        char buf[8192];
        size_t len = 0;
        ssize_t n;
        while (len < sizeof buf - 1 && ((n = read(report_pipe[0], buf + len, sizeof buf - 1 - len)) > 0
                                        || (n < 0 && errno == EINTR))) {
            if (n > 0) {
                len += (size_t) n;
            }
        }
        buf[len] = '\0';
        waitpid(first, NULL, 0);
        if (len == 0) {
            printf("error monitor exited before the process started (see %s/monitor.log)\n", opt.dir);
            return 1;
        }
        printf("%s\n", buf);
        return strncmp(buf, "ok ", 3) == 0 ? 0 : 1;
    }
    /* The intermediate: a new session, then exit so the monitor is reparented away from the server. */
    close(report_pipe[0]);
    setsid();
    pid_t second = fork();
    if (second != 0) {
        _exit(second < 0 ? 1 : 0);
    }
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    int log = open("monitor.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(log >= 0 ? log : devnull, 2);
    /* Nothing of the server's may stay open here: it would keep its sockets and pipes alive. */
    if (report_pipe[1] != 3) {
        dup2(report_pipe[1], 3);
    }
    fcntl(3, F_SETFD, FD_CLOEXEC);
    close_range(4, ~0U, 0);
    umask(022);
    return run_monitor(&opt, 3);
}
