/*
 * greenhouse-monitor: owns one process run in a container, outside the server's JVM.
 *
 * The server starts it once per process with the process directory (holding process.json, the
 * OCI process spec). It first moves itself into the cgroups given with --cgroup-procs (the cell's,
 * not the server's: a runtime killing the server's cgroup must not kill it). It detaches (double
 * fork + setsid) so that it survives the server, becomes a child subreaper, and has the OCI runtime
 * exec the process with --detach, so that once the runtime exits the process is reparented to the
 * monitor, which reaps it and records its status. SIGTERM and SIGINT are logged and ignored (see
 * termination_signals): the monitor ends when its process has ended and its status is recorded.
 *
 * It keeps the process's stdio: pipes, or the pty master the runtime hands over on a console
 * socket (SCM_RIGHTS). It serves one client (the server) at a time on a unix socket, speaking
 * frames of [1 byte type][4 byte big-endian length][payload]:
 *   monitor -> server  'O' stdout bytes, 'E' stderr bytes, 'X' exit status (4 bytes)
 *   server -> monitor  'I' stdin bytes, 'C' close stdin, 'S' signal (4 bytes), 'W' rows, cols (2+2)
 * (decoded by wire.h: stdin frames of any length stream through the stdin buffer as it drains).
 * With --keeper-dir the process runs under a keeper in the container (greenhouse-init keep) with
 * its stdio on FIFOs the monitor makes there, so that checkpoints take it (make_fifos).
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

#include "inroot.h"
#include "parse.h"
#include "wire.h"

/* The largest frame the server sends (stdin), as far as the receive buffer is concerned. */
#define FRAME_MAX (64 * 1024)
/* The largest output frame the monitor sends: large frames mean few reads, sends and client writes
 * per byte of a busy stream. Servers read frames up to 1 MiB (those before read 64 KiB at most). */
#define OUTPUT_FRAME_MAX (1024 * 1024)
/* The send buffer asked for on the server's connection, so that a whole frame can be in flight. */
#define CLIENT_SNDBUF (2 * 1024 * 1024)
#define HEADER FRAME_HEADER
#define MAX_CGROUPS 16
/* A process that exits before the server first connects keeps its output in memory this long. */
#define FIRST_CLIENT_WAIT 30

struct options {
    const char *runtime, *runtime_root, *handle, *dir, *socket_path;
    const char *rootfs, *ensure_dir;
    /* A pea: the runtime runs the bundle in this directory; on exit the monitor removes it. */
    const char *bundle, *pea_rootfs;
    long uid, gid;
    /* --uid/--gid given: the process's host ids, which its stdio pipes are made to belong to. */
    int owner_set;
    int tty;
    size_t buffer;
    /* Longest wait, in seconds, for the runtime to start the process (a hung runtime fails the start). */
    long runtime_timeout;
    /* cgroup.procs files the monitor moves itself into before anything else (one per hierarchy). */
    const char *cgroups[MAX_CGROUPS];
    int ncgroups;
    /*
     * A checkpointable process (see keeper.h): the host directory for its FIFOs, the path the
     * container sees it at, and the container's checkpoint directory whose markers say when a
     * dump is being taken ("dumping") or the container's processes are in one ("checkpointed").
     */
    const char *keeper_dir, *checkpoint_dir;
    /* --adopt: the kept process comes from another cell's checkpoint; nothing is started here. */
    int adopt;
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

/* Reads from fd straight into the ring's free space after its end (never dropping): read's result. */
static ssize_t ring_read_fd(struct ring *r, int fd) {
    if (r->len == 0) {
        r->head = 0; /* the whole buffer in one piece */
    }
    size_t tail = (r->head + r->len) % r->cap;
    size_t room = tail >= r->head && r->len < r->cap ? r->cap - tail : ring_free(r);
    ssize_t n = read(fd, r->data + tail, room);
    if (n > 0) {
        r->len += (size_t) n;
    }
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
 * Creates PATH of the rootfs (missing directories owned by uid:gid) as the container would see
 * it: the rootfs belongs to the container, so its symlinks are resolved inside it (inroot.h), never
 * on the host.
 */
static int ensure_dir(const char *rootfs, const char *path, uid_t uid, gid_t gid, char *err, size_t errlen) {
    int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) {
        snprintf(err, errlen, "opening rootfs: %s", strerror(errno));
        return -1;
    }
    char why[3072];
    int dir = inroot_open_dir(root, path, INROOT_CREATE, uid, gid, why, sizeof why);
    close(root);
    if (dir < 0) {
        snprintf(err, errlen, "working directory %s", why);
        return -1;
    }
    close(dir);
    return 0;
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
    int fd = recv_one_fd(conn);
    int e = errno;
    close(conn);
    errno = e;
    return fd;
}

/* The last error message the runtime logged (JSON lines of --log-format json), else its exit code. */
static void runtime_error(char *out, size_t outlen, int status) {
    snprintf(out, outlen, "runtime exec failed with status %d", status);
    FILE *f = fopen("runtime.log", "re");
    if (f == NULL) {
        return;
    }
    char line[8192], level[16], msg[4096];
    while (fgets(line, sizeof line, f) != NULL) {
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            /* A line longer than the buffer: skip the rest of it, it cannot be parsed. */
            int c;
            while ((c = fgetc(f)) != EOF && c != '\n') {
            }
            continue;
        }
        if (json_flat_string(line, "level", level, sizeof level) != 1
            || (strcmp(level, "error") != 0 && strcmp(level, "fatal") != 0)
            || json_flat_string(line, "msg", msg, sizeof msg) != 1) {
            continue;
        }
        snprintf(out, outlen, "%s", msg);
    }
    fclose(f);
}

/* The pid the runtime wrote to its --pid-file: one positive number, nothing else. */
static long read_pid(void) {
    char buf[32];
    int fd = open("pid", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return -1;
    }
    buf[n] = '\0';
    if (buf[n - 1] == '\n') {
        buf[n - 1] = '\0';
    }
    long pid;
    return parse_long(buf, 1, INT_MAX, &pid) ? pid : -1;
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
    char *frame;        /* HEADER + OUTPUT_FRAME_MAX bytes */
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
    /* Keeper mode: the status FIFO (read), the signal FIFO (written), and where the dump stands. */
    int keeper, status_fd, signal_fd;
    enum { KEEPER_RUNNING, KEEPER_FROZEN, KEEPER_CHECKPOINTED } keeper_state;
    char status_line[16];
    size_t status_len;
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
    if (m->keeper) {
        /* The keeper, in the container, signals its child: its host pid changes with a restore. */
        unsigned char b = (unsigned char) sig;
        if (write(m->signal_fd, &b, 1) != 1) {
            logf_("forwarding signal %d to the keeper: %s", sig, strerror(errno));
        }
        return;
    }
    kill(m->pid, sig);
    if (getpgid(m->pid) == m->pid) {
        kill(-m->pid, sig);
    }
}

/* Stdin the process can take now; once stdin is closed (or closing) whatever still comes is dropped. */
static size_t stdin_room(void *ctx) {
    struct monitor *m = ctx;
    if (m->stdin_fd < 0 || m->stdin_closing) {
        return SIZE_MAX;
    }
    return ring_free(&m->in);
}

static void stdin_data(void *ctx, const unsigned char *p, size_t n) {
    struct monitor *m = ctx;
    if (m->stdin_fd >= 0 && !m->stdin_closing) {
        ring_push(&m->in, (const char *) p, n);
    }
}

static void control_frame(void *ctx, char type, const unsigned char *p, uint32_t len) {
    struct monitor *m = ctx;
    switch (type) {
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

/*
 * Takes the client's frames: stdin as far as the stdin buffer has room (a frame of any length
 * streams through, the rest waits in rbuf), the others once complete.
 */
static void parse_client(struct monitor *m) {
    const struct frame_sink sink = {m, stdin_room, stdin_data, control_frame};
    ssize_t done = frames_take((unsigned char *) m->rbuf, m->rlen, &sink);
    if (done < 0) {
        logf_("malformed frame from the server; dropping its connection");
        close(m->client);
        m->client = -1;
        m->rlen = 0;
        return;
    }
    memmove(m->rbuf, m->rbuf + done, m->rlen - (size_t) done);
    m->rlen -= (size_t) done;
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
        size_t n = ring_pop(&s->buf, m->pending.frame + HEADER, OUTPUT_FRAME_MAX);
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
        ssize_t n;
        int held = holds_output(m);
        if (held) {
            /* A client is (or is about to start) reading: never drop, let the process wait instead;
             * read straight into the buffer, as much as fits. */
            if (ring_free(&s->buf) == 0) {
                return;
            }
            n = ring_read_fd(&s->buf, s->fd);
        } else {
            n = read(s->fd, buf, sizeof buf);
        }
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
        if (!held) {
            ring_push(&s->buf, buf, (size_t) n);
        }
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
        sigset_t all;
        sigfillset(&all);
        sigprocmask(SIG_UNBLOCK, &all, NULL);
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

static const char *const FIFOS[] = {"stdin", "stdout", "stderr", "status", "signal"};

static void remove_fifos(const struct options *opt) {
    int dir = open(opt->keeper_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dir < 0) {
        return;
    }
    for (size_t i = 0; i < sizeof FIFOS / sizeof FIFOS[0]; i++) {
        unlinkat(dir, FIFOS[i], 0);
    }
    close(dir);
    rmdir(opt->keeper_dir);
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
    if (m->keeper) {
        remove_fifos(m->opt);
    }
    unlink(m->opt->socket_path);
}

/*
 * SIGTERM and SIGINT do not end a monitor: its one job is to outlive everything but its process,
 * and dying would lose the process's exit status and output (the next server would only find
 * "monitor not running"). Whoever sends a monitor SIGTERM (systemd stopping the server's unit, a
 * shutdown, a stray kill by name) is not asking for the process to end; if it is, the process gets
 * the signal itself (it is in the container's cgroup, not the monitor's), and the monitor then
 * records its exit as usual. So they are blocked from the start, read from the signalfd, logged
 * and otherwise ignored. Nothing is forwarded: Garden clients signal processes through the server.
 */
static void termination_signals(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
}

static void drain_signals(int sigfd) {
    struct signalfd_siginfo info;
    while (read(sigfd, &info, sizeof info) == (ssize_t) sizeof info) {
        if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
            logf_("ignoring signal %u from pid %u: the monitor ends with its process", info.ssi_signo, info.ssi_pid);
        }
    }
}

/* Reads and drops what a FIFO holds: bytes a checkpoint holds too, which its restore puts back. */
static void discard_fifo(int fd) {
    char buf[65536];
    while (fd >= 0 && read(fd, buf, sizeof buf) > 0) {
    }
}

static int marker(const struct monitor *m, const char *name) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", m->opt->checkpoint_dir, name);
    return access(path, F_OK) == 0;
}

/*
 * Follows the container's checkpoint markers. criu dumps what a FIFO holds only where a dumped
 * process holds its read end: stdin and signal, not stdout and stderr (the monitor reads those on,
 * nothing of them is in the dump). So while a dump is taken the monitor writes no stdin, and once
 * the container is checkpointed it drops what stdin and signal still hold: the restore puts those
 * bytes back, each is then delivered once. The keeper's end of the status FIFO closing meanwhile
 * is not an exit.
 */
static void follow_checkpoint(struct monitor *m) {
    if (access(m->opt->keeper_dir, F_OK) != 0 && errno == ENOENT) {
        /* the container's depot directory went (destroyed, or an import rolled back) */
        if (!m->exited) {
            m->exited = 1;
            m->exited_at = time(NULL);
            m->status = 137;
            logf_("the keeper's directory is gone: the container was destroyed");
        }
        return;
    }
    int state = marker(m, "dumping") ? KEEPER_FROZEN : marker(m, "checkpointed") ? KEEPER_CHECKPOINTED : KEEPER_RUNNING;
    if (state == KEEPER_CHECKPOINTED && m->keeper_state != KEEPER_CHECKPOINTED) {
        discard_fifo(m->stdin_fd);
        discard_fifo(m->signal_fd);
        logf_("checkpointed: waiting for the restore");
    } else if (state == KEEPER_RUNNING && m->keeper_state != KEEPER_RUNNING) {
        logf_("running again");
    }
    m->keeper_state = state;
}

/* The keeper's status line; its end closing without one (killed, or the container gone) is 137. */
static void read_status(struct monitor *m) {
    for (;;) {
        ssize_t n = read(m->status_fd, m->status_line + m->status_len, sizeof m->status_line - 1 - m->status_len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n > 0) {
            m->status_len += (size_t) n;
            m->status_line[m->status_len] = '\0';
            if (strchr(m->status_line, '\n') != NULL || m->status_len == sizeof m->status_line - 1) {
                m->exited = 1;
                m->exited_at = time(NULL);
                m->status = atoi(m->status_line);
                return;
            }
            continue;
        }
        if (n == 0) {
            m->exited = 1;
            m->exited_at = time(NULL);
            m->status = 137;
            logf_("the keeper ended without an exit status");
        }
        return;
    }
}

static int serve(struct monitor *m, int sigfd) {
    for (;;) {
        if (m->keeper && !m->exited) {
            follow_checkpoint(m);
        }
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
        struct pollfd fds[8];
        int nfds = 0;
        int i_sig = nfds++;
        fds[i_sig] = (struct pollfd){sigfd, POLLIN, 0};
        int i_listen = nfds++;
        fds[i_listen] = (struct pollfd){m->listener, POLLIN, 0};
        int i_out = -1, i_err = -1, i_in = -1, i_client = -1;
        struct stream *streams[2] = {&m->out, &m->err};
        int frozen = m->keeper && m->keeper_state != KEEPER_RUNNING && !m->exited;
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
        if (m->stdin_fd >= 0 && m->in.len > 0 && !frozen) {
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
        int i_status = -1;
        if (m->keeper && !m->exited && !frozen) {
            i_status = nfds;
            fds[nfds++] = (struct pollfd){m->status_fd, POLLIN, 0};
        }
        /* A keeper's monitor looks at the checkpoint markers often enough to stop before a dump. */
        int timeout = m->keeper && !m->exited ? 50 : -1;
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
            drain_signals(sigfd);
            reap(m);
        }
        if (fds[i_listen].revents & POLLIN) {
            int c = accept4(m->listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (c >= 0) {
                int sndbuf = CLIENT_SNDBUF;
                /* Best effort: the kernel caps it at net.core.wmem_max. */
                setsockopt(c, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
                drop_client(m);
                m->client = c;
                m->ever_connected = 1;
                restart_pending(m);
                continue;
            }
        }
        if (i_status >= 0 && fds[i_status].revents) {
            /* a dump may have begun since the poll: then the keeper's end closing is no exit */
            follow_checkpoint(m);
            if (m->keeper_state == KEEPER_RUNNING) {
                read_status(m);
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

/*
 * The keeper's FIFOs in a directory of the host (the container sees it read-only), owned by the
 * process's user. The monitor holds each open for reading and writing: its ends never see end of
 * file, so the keeper's side can close (a checkpoint) and open again (the restore) without the
 * monitor taking that for the end of the process; the status FIFO, read-only, tells it the keeper
 * went without an exit status.
 */
static int make_fifos(struct monitor *m, const struct options *opt, char *err, size_t errlen) {
    if (mkdir(opt->keeper_dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "making %s: %s", opt->keeper_dir, strerror(errno));
        return -1;
    }
    int dir = open(opt->keeper_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dir < 0) {
        snprintf(err, errlen, "opening %s: %s", opt->keeper_dir, strerror(errno));
        return -1;
    }
    int fds[5];
    for (size_t i = 0; i < 5; i++) {
        unlinkat(dir, FIFOS[i], 0);
        if (mkfifoat(dir, FIFOS[i], 0600) != 0) {
            snprintf(err, errlen, "making FIFO %s/%s: %s", opt->keeper_dir, FIFOS[i], strerror(errno));
            close(dir);
            return -1;
        }
        int flags = i == 3 ? O_RDONLY : O_RDWR;
        fds[i] = openat(dir, FIFOS[i], flags | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
        if (fds[i] < 0 || (opt->owner_set && fchown(fds[i], (uid_t) opt->uid, (gid_t) opt->gid) != 0)) {
            snprintf(err, errlen, "opening FIFO %s/%s: %s", opt->keeper_dir, FIFOS[i], strerror(errno));
            close(dir);
            return -1;
        }
    }
    close(dir);
    m->keeper = 1;
    m->stdin_fd = fds[0];
    m->out.fd = fds[1];
    m->err.fd = fds[2];
    m->status_fd = fds[3];
    m->signal_fd = fds[4];
    fcntl(m->out.fd, F_SETPIPE_SZ, 1 << 20);
    fcntl(m->err.fd, F_SETPIPE_SZ, 1 << 20);
    return 0;
}

/* The launcher exits 0 once the keeper runs the process, or 127 with the reason on its stderr. */
static int await_launcher(struct monitor *m, int sigfd, int launch_err, time_t deadline, char *err, size_t errlen) {
    int st = 0;
    for (;;) {
        pid_t p = waitpid(m->pid, &st, WNOHANG);
        if (p == m->pid) {
            break;
        }
        if (p < 0 && errno != EINTR) {
            snprintf(err, errlen, "waiting for the launcher: %s", strerror(errno));
            return -1;
        }
        if (time(NULL) > deadline) {
            kill(m->pid, SIGKILL);
            snprintf(err, errlen, "the process did not start within %ld s", m->opt->runtime_timeout);
            return -1;
        }
        struct pollfd fd = {sigfd, POLLIN, 0};
        poll(&fd, 1, 100);
        drain_signals(sigfd);
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        close(launch_err);
        return 0;
    }
    set_nonblocking(launch_err);
    ssize_t n = read(launch_err, err, errlen - 1);
    close(launch_err);
    if (n > 0) {
        err[n] = '\0';
        err[strcspn(err, "\n")] = '\0';
    } else {
        snprintf(err, errlen, "the launcher failed (status %d)", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    }
    return -1;
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
    m.pending.frame = malloc(HEADER + OUTPUT_FRAME_MAX);
    if (m.pending.frame == NULL) {
        _exit(70);
    }

    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    sigset_t set;
    termination_signals(&set);
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

    int child_in = -1, child_out = -1, child_err = -1, console = -1, launch_err = -1;
    if (opt->keeper_dir != NULL) {
        if (make_fifos(&m, opt, err, sizeof err) != 0) {
            report(report_fd, "error %s", err);
            unlink(opt->socket_path);
            return 1;
        }
        /* The launcher's stderr says why it could not exec the process; its other stdio are /dev/null. */
        int perr[2];
        if (pipe2(perr, O_CLOEXEC) != 0) {
            report(report_fd, "error pipe: %s", strerror(errno));
            unlink(opt->socket_path);
            return 1;
        }
        launch_err = perr[0];
        child_err = perr[1];
    } else if (opt->tty) {
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
        /*
         * The process may reopen its stdio (/dev/stdout is /proc/self/fd/1): a pipe is checked like
         * a file of its owner, and the monitor's own ids (host root, unmapped in a user namespace)
         * would shut every other user of the container out. Both ends share one inode.
         */
        if (opt->owner_set && (fchown(pin[0], (uid_t) opt->uid, (gid_t) opt->gid) != 0
                               || fchown(pout[1], (uid_t) opt->uid, (gid_t) opt->gid) != 0
                               || fchown(perr[1], (uid_t) opt->uid, (gid_t) opt->gid) != 0)) {
            report(report_fd, "error owning the stdio pipes: %s", strerror(errno));
            unlink(opt->socket_path);
            return 1;
        }
        /* Big pipes: fewer wake-ups at high output rates. */
        fcntl(m.out.fd, F_SETPIPE_SZ, 1 << 20);
        fcntl(m.err.fd, F_SETPIPE_SZ, 1 << 20);
    }

    if (opt->adopt) {
        /* its restore opens the FIFOs made above; until then the checkpoint marker holds it */
        close(child_err);
        close(launch_err);
        m.pid = -1;
        set_nonblocking(m.listener);
        report(report_fd, "ok 0");
        close(report_fd);
        return serve(&m, sigfd);
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
    }
    if (child_err >= 0) {
        close(child_err);
    }

    /* Wait for the runtime to exit (and, for a TTY, to hand over the pty master). */
    int runtime_status = -1;
    time_t deadline = time(NULL) + opt->runtime_timeout;
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
            drain_signals(sigfd);
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
            snprintf(err, sizeof err, "the runtime did not start the process within %ld s", opt->runtime_timeout);
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
    if (m.keeper && await_launcher(&m, sigfd, launch_err, deadline, err, sizeof err) != 0) {
        report(report_fd, "error %s", err);
        remove_fifos(opt);
        unlink(opt->socket_path);
        return 1;
    }
    if (m.master >= 0) {
        m.out.fd = m.master;
        m.stdin_fd = dup(m.master);
        fcntl(m.stdin_fd, F_SETFD, FD_CLOEXEC);
    }
    set_nonblocking(m.out.fd);
    if (m.keeper) {
        /* the launcher has gone (reaped above); the keeper is init's child, not the monitor's */
        m.pid = -1;
    }
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
                    "--socket PATH [--tty] [--buffer BYTES] [--runtime-timeout SECONDS] [--rootfs DIR --ensure-dir PATH] [--uid N --gid N] "
                    "[--bundle DIR --pea-rootfs DIR] [--keeper-dir DIR --checkpoint-dir DIR [--adopt]] [--cgroup-procs FILE]...\n");
    exit(2);
}

static long number_arg(const char *name, const char *value, long min, long max) {
    long v;
    if (!parse_long(value, min, max, &v)) {
        fprintf(stderr, "%s: not a number in [%ld, %ld]: %s\n", name, min, max, value);
        usage();
    }
    return v;
}

/*
 * Moves the calling process into each cgroup (a cgroup.procs file per hierarchy). Done first, in
 * the process that then forks the monitor, so that the monitor, the runtime it runs and the
 * process the runtime starts are all born outside the server's cgroups: a runtime or systemd
 * killing the server's cgroup (a pod restart, KillMode=control-group) finds none of them there,
 * with no window in between.
 */
static int join_cgroups(const struct options *opt) {
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%d\n", (int) getpid());
    for (int i = 0; i < opt->ncgroups; i++) {
        int fd = open(opt->cgroups[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, pid, (size_t) n) != n) {
            printf("error joining the monitors' cgroup %s: %s\n", opt->cgroups[i], strerror(errno));
            if (fd >= 0) {
                close(fd);
            }
            return -1;
        }
        close(fd);
    }
    return 0;
}

int main(int argc, char **argv) {
    struct options opt = {.buffer = 1 << 20, .runtime_timeout = 120, .uid = 0, .gid = 0};
    sigset_t term;
    termination_signals(&term);
    sigprocmask(SIG_BLOCK, &term, NULL);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--tty") == 0) {
            opt.tty = 1;
            continue;
        }
        if (strcmp(a, "--adopt") == 0) {
            opt.adopt = 1;
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
            opt.buffer = (size_t) number_arg(a, v, 4096, 1L << 30);
        } else if (strcmp(a, "--runtime-timeout") == 0) {
            opt.runtime_timeout = number_arg(a, v, 1, 86400);
        } else if (strcmp(a, "--bundle") == 0) {
            opt.bundle = v;
        } else if (strcmp(a, "--pea-rootfs") == 0) {
            opt.pea_rootfs = v;
        } else if (strcmp(a, "--rootfs") == 0) {
            opt.rootfs = v;
        } else if (strcmp(a, "--ensure-dir") == 0) {
            opt.ensure_dir = v;
        } else if (strcmp(a, "--uid") == 0) {
            opt.uid = number_arg(a, v, 0, 0xFFFFFFFEL);
            opt.owner_set = 1;
        } else if (strcmp(a, "--gid") == 0) {
            opt.gid = number_arg(a, v, 0, 0xFFFFFFFEL);
            opt.owner_set = 1;
        } else if (strcmp(a, "--keeper-dir") == 0) {
            opt.keeper_dir = v;
        } else if (strcmp(a, "--checkpoint-dir") == 0) {
            opt.checkpoint_dir = v;
        } else if (strcmp(a, "--cgroup-procs") == 0) {
            if (opt.ncgroups == MAX_CGROUPS) {
                usage();
            }
            opt.cgroups[opt.ncgroups++] = v;
        } else {
            usage();
        }
    }
    if (!opt.runtime || !opt.runtime_root || !opt.handle || !opt.dir || !opt.socket_path
        || (opt.bundle != NULL) != (opt.pea_rootfs != NULL)
        || (opt.keeper_dir != NULL) != (opt.checkpoint_dir != NULL)
        || (opt.keeper_dir != NULL && (opt.tty || opt.bundle != NULL))
        || (opt.adopt && opt.keeper_dir == NULL)) {
        usage();
    }
    if (chdir(opt.dir) != 0) {
        printf("error process directory %s: %s\n", opt.dir, strerror(errno));
        return 1;
    }

    if (join_cgroups(&opt) != 0) {
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
