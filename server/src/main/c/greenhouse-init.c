/*
 * greenhouse-init: pid 1 of every Greenhouse container, and the keeper of checkpointable processes.
 *
 * As pid 1 (no arguments): processes are exec'd into the container later, so init only has to
 * stay alive, reap the orphans that get reparented to it (otherwise they stay zombies and fill the
 * pid limit), and exit on SIGTERM/SIGINT. Built statically so it runs in any root filesystem.
 *
 * As "greenhouse-init keep DIR -- PATH ARGS...": the runtime execs this instead of PATH for a process
 * that must be part of a checkpoint. criu dumps only init's tree, and a process the runtime execs is
 * the child of a host process, with host pipes for stdio that a restore cannot give back. So this
 * launcher forks a keeper and exits: the orphaned keeper is adopted by init (a subreaper on the host
 * does not reach across the PID namespace) and runs PATH as its child with stdio on the FIFOs the
 * monitor made in DIR (stdin, stdout, stderr), which criu reopens by path on restore. The keeper
 * forwards the signal numbers the monitor writes to DIR/signal (one byte each) and, when its child
 * ends, writes the exit status ("N\n", 128+signal if killed) to DIR/status and exits. The launcher
 * exits 0 once PATH has been exec'd, or 127 with the reason on stderr if it could not be.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int run_init(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);

    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) {
            continue;
        }
        if (sig == SIGTERM || sig == SIGINT) {
            return 0;
        }
        while (waitpid(-1, NULL, WNOHANG) > 0) {
        }
    }
}

static int open_in(int dir, const char *name, int flags) {
    int fd;
    do {
        fd = openat(dir, name, flags | O_CLOEXEC | O_NOFOLLOW);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return;
        }
        p += w;
        n -= (size_t) w;
    }
}

/* Sends errno (why a step of the start failed) on a report pipe; returns the launcher's exit code. */
static int report_errno(int report) {
    int e = errno;
    write_all(report, (const char *) &e, sizeof e);
    return 127;
}

/* The errno a report pipe carried, or 0 if it closed without one (the step succeeded). */
static int read_report(int report) {
    int e = 0;
    ssize_t n;
    do {
        n = read(report, &e, sizeof e);
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t) sizeof e ? e : 0;
}

/* The child: stdio on the FIFOs, then PATH. An exec failure's errno goes back on `report`. */
static void exec_child(int dir, int report, char **argv, const sigset_t *blocked) {
    int in = open_in(dir, "stdin", O_RDONLY | O_NONBLOCK);
    int out = open_in(dir, "stdout", O_WRONLY);
    int err = open_in(dir, "stderr", O_WRONLY);
    if (in < 0 || out < 0 || err < 0) {
        _exit(report_errno(report));
    }
    /* Opened non-blocking so that a stdin already closed by the client reads EOF, not forever. */
    fcntl(in, F_SETFL, fcntl(in, F_GETFL) & ~O_NONBLOCK);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
        _exit(report_errno(report));
    }
    sigprocmask(SIG_UNBLOCK, blocked, NULL);
    execvp(argv[0], argv);
    _exit(report_errno(report));
}

static int keep(int dir, int report, char **argv) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    int status_fd = open_in(dir, "status", O_WRONLY);
    int signal_fd = open_in(dir, "signal", O_RDONLY | O_NONBLOCK);
    int exec_report[2];
    if (sigfd < 0 || status_fd < 0 || signal_fd < 0 || pipe2(exec_report, O_CLOEXEC) != 0) {
        return report_errno(report);
    }
    pid_t child = fork();
    if (child < 0) {
        return report_errno(report);
    }
    if (child == 0) {
        close(exec_report[0]);
        exec_child(dir, exec_report[1], argv, &set);
    }
    close(exec_report[1]);
    int e = read_report(exec_report[0]);
    close(exec_report[0]);
    /* No errno: the exec closed the pipe, PATH runs. Either way the launcher learns it now. */
    write_all(report, (const char *) &e, e != 0 ? sizeof e : 0);
    close(report);
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(devnull, 2);
    }
    close(dir);
    for (;;) {
        struct pollfd fds[2] = {{sigfd, POLLIN, 0}, {signal_fd, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            continue;
        }
        if (fds[1].revents & POLLIN) {
            unsigned char sigs[64];
            ssize_t got = read(signal_fd, sigs, sizeof sigs);
            for (ssize_t i = 0; i < got; i++) {
                if (sigs[i] > 0 && sigs[i] < 65) {
                    kill(child, sigs[i]);
                    if (getpgid(child) == child) {
                        kill(-child, sigs[i]);
                    }
                }
            }
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (read(sigfd, &info, sizeof info) == (ssize_t) sizeof info) {
            }
            int st;
            pid_t p;
            while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
                if (p == child) {
                    char line[16];
                    int code = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
                    int len = snprintf(line, sizeof line, "%d\n", code);
                    write_all(status_fd, line, (size_t) len);
                    return 0;
                }
            }
        }
    }
}

static int launch(const char *path, char **argv) {
    int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        fprintf(stderr, "greenhouse-init keep: %s: %s\n", path, strerror(errno));
        return 127;
    }
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        fprintf(stderr, "greenhouse-init keep: pipe: %s\n", strerror(errno));
        return 127;
    }
    pid_t keeper = fork();
    if (keeper < 0) {
        fprintf(stderr, "greenhouse-init keep: fork: %s\n", strerror(errno));
        return 127;
    }
    if (keeper == 0) {
        close(report[0]);
        /* A session of its own: the runtime's terminal or process group must not reach it. */
        setsid();
        _exit(keep(dir, report[1], argv));
    }
    close(report[1]);
    int e = read_report(report[0]);
    if (e != 0) {
        fprintf(stderr, "exec: \"%s\": %s\n", argv[0], strerror(e));
        return 127;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 5 && strcmp(argv[1], "keep") == 0 && strcmp(argv[3], "--") == 0) {
        return launch(argv[2], argv + 4);
    }
    if (argc > 1) {
        fprintf(stderr, "usage: greenhouse-init [keep DIR -- PATH ARGS...]\n");
        return 2;
    }
    return run_init();
}
