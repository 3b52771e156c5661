/*
 * Tests of the parts the helpers share (the headers in src/main/c): the in-root resolver, checked numbers,
 * runc's JSON log lines, the monitor's frame decoding and SCM_RIGHTS receiving. Built and run by
 * HelpersTest (mvn test) with gcc -I src/main/c; needs root (chown) and a kernel with openat2.
 * Prints one line per failed check and exits 1 if any failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inroot.h"
#include "parse.h"
#include "wire.h"

static int failures, checks;

#define CHECK(cond, ...) do { \
        checks++; \
        if (!(cond)) { \
            failures++; \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            printf(__VA_ARGS__); \
            printf("\n"); \
        } \
    } while (0)

/* ---- checked numbers ---- */

static void test_parse_long(void) {
    long v = -7;
    CHECK(parse_long("42", 0, 100, &v) && v == 42, "v=%ld", v);
    CHECK(parse_long("-5", -10, 10, &v) && v == -5, "v=%ld", v);
    CHECK(parse_long("0", 0, 0, &v) && v == 0, "v=%ld", v);
    errno = 0;
    CHECK(!parse_long("", 0, 100, &v) && errno == EINVAL, "empty");
    CHECK(!parse_long(NULL, 0, 100, &v) && errno == EINVAL, "null");
    CHECK(!parse_long(" 42", 0, 100, &v) && errno == EINVAL, "leading blank");
    CHECK(!parse_long("42 ", 0, 100, &v) && errno == EINVAL, "trailing blank");
    CHECK(!parse_long("42x", 0, 100, &v) && errno == EINVAL, "trailing garbage");
    CHECK(!parse_long("x", 0, 100, &v) && errno == EINVAL, "no digits");
    CHECK(!parse_long("0x10", 0, 100, &v) && errno == EINVAL, "hex");
    CHECK(!parse_long("99999999999999999999999", LONG_MIN, LONG_MAX, &v) && errno == ERANGE, "overflow");
    CHECK(!parse_long("101", 0, 100, &v) && errno == ERANGE, "above max");
    CHECK(!parse_long("-1", 0, 100, &v) && errno == ERANGE, "below min");
    CHECK(v == 0, "a refused number leaves the output alone: %ld", v);
}

/* ---- runc's JSON log lines ---- */

static void test_json(void) {
    char out[64];
    const char *runc = "{\"level\":\"error\",\"msg\":\"exec failed: \\\"sh\\\": not found\",\"time\":\"2024-01-01T00:00:00Z\"}\n";
    CHECK(json_flat_string(runc, "msg", out, sizeof out) == 1 && strcmp(out, "exec failed: \"sh\": not found") == 0,
          "out=%s", out);
    CHECK(json_flat_string(runc, "level", out, sizeof out) == 1 && strcmp(out, "error") == 0, "out=%s", out);
    CHECK(json_flat_string(runc, "absent", out, sizeof out) == 0, "absent key");
    CHECK(json_flat_string(" { \"a\" : 1.5e3 , \"b\":true,\"c\":null, \"d\" : \"x\" } ", "d", out, sizeof out) == 1
          && strcmp(out, "x") == 0, "white space and scalars: %s", out);
    CHECK(json_flat_string("{\"a\":1}", "a", out, sizeof out) == 0, "a number is not a string");
    CHECK(json_flat_string("{}", "a", out, sizeof out) == 0, "empty object");
    CHECK(json_flat_string("{\"m\":\"\\u00e9\\u20ac\\ud83d\\ude00\\n\\t\\/\"}", "m", out, sizeof out) == 1
          && strcmp(out, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n\t/") == 0, "escapes: %s", out);
    CHECK(json_flat_string("{\"m\":\"a\\u0000b\"}", "m", out, sizeof out) == 1 && strcmp(out, "a?b") == 0,
          "NUL: %s", out);
    CHECK(json_flat_string("{\"m\":\"\\ud800x\"}", "m", out, sizeof out) == 1 && strcmp(out, "\xef\xbf\xbdx") == 0,
          "lone surrogate: %s", out);
    CHECK(json_flat_string("{\"m\":\"1\",\"m\":\"2\"}", "m", out, sizeof out) == 1 && strcmp(out, "2") == 0,
          "the last of a repeated key: %s", out);
    char small[4];
    CHECK(json_flat_string("{\"m\":\"abcdef\"}", "m", small, sizeof small) == 1 && strcmp(small, "abc") == 0,
          "cut to the buffer: %s", small);
    /* A key whose first 255 bytes would match a 255-byte KEY is still another key. */
    char longkey[600], line[700];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    snprintf(line, sizeof line, "{\"%s\":\"v\"}", longkey);
    longkey[255] = '\0';
    CHECK(json_flat_string(line, longkey, out, sizeof out) == 0, "long key");
    /* Not one flat object: refused, not half-read. */
    const char *bad[] = {
        "", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":\"x\",}", "{\"a\":\"x\"} trailing",
        "{\"a\":{\"msg\":\"nested\"}}", "{\"a\":[1]}", "{\"a\":\"unterminated}", "{\"a\":\"bad \\q escape\"}",
        "{\"a\":\"raw\ttab\"}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":tru}", "{a:\"x\"}", "{\"a\":\"\\u12\"}",
        "level=error msg=\"text format\"", "{\"msg\":\"x\"}{\"msg\":\"y\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(json_flat_string(bad[i], "msg", out, sizeof out) == -1, "accepted: %s", bad[i]);
    }
}

/* ---- frames ---- */

struct sink_state {
    unsigned char in[1 << 20];
    size_t in_len, room;
    char controls[32];
    int ncontrols;
    uint32_t last_signal;
};

static size_t room_of(void *ctx) {
    struct sink_state *s = ctx;
    return s->room;
}

static void data_of(void *ctx, const unsigned char *p, size_t n) {
    struct sink_state *s = ctx;
    if (s->room != SIZE_MAX) {
        s->room -= n;
    }
    memcpy(s->in + s->in_len, p, n);
    s->in_len += n;
}

static void control_of(void *ctx, char type, const unsigned char *p, uint32_t len) {
    struct sink_state *s = ctx;
    s->controls[s->ncontrols++] = type;
    if (len == 4) {
        s->last_signal = (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
    }
}

static size_t put_frame(unsigned char *b, char type, const unsigned char *p, uint32_t len) {
    b[0] = (unsigned char) type;
    frame_set_length(b, len);
    memcpy(b + FRAME_HEADER, p, len);
    return FRAME_HEADER + len;
}

/*
 * Feeds STREAM to frames_take as a reader with a buffer of BUFCAP bytes would, CHUNK bytes per
 * read at most, draining the stdin room by DRAIN bytes between reads. Returns 0, or -1 if
 * frames_take refused the stream or made no progress.
 */
static int feed(struct sink_state *s, const unsigned char *stream, size_t n, size_t bufcap, size_t chunk,
                size_t drain) {
    unsigned char *buf = malloc(bufcap);
    size_t len = 0, fed = 0;
    const struct frame_sink sink = {s, room_of, data_of, control_of};
    int stuck = 0;
    while (fed < n || len > 0) {
        size_t want = bufcap - len < chunk ? bufcap - len : chunk;
        if (want > n - fed) {
            want = n - fed;
        }
        memcpy(buf + len, stream + fed, want);
        len += want;
        fed += want;
        ssize_t done = frames_take(buf, len, &sink);
        if (done < 0) {
            free(buf);
            return -1;
        }
        memmove(buf, buf + done, len - (size_t) done);
        len -= (size_t) done;
        if (s->room != SIZE_MAX) {
            s->room += drain;
        }
        if (done == 0 && want == 0 && ++stuck > 1000) {
            free(buf);
            return -1;
        }
    }
    free(buf);
    return 0;
}

static void test_frames(void) {
    static unsigned char stream[1 << 20];
    static struct sink_state s;
    unsigned char big[200000];
    for (size_t i = 0; i < sizeof big; i++) {
        big[i] = (unsigned char) (i * 7 + i / 251);
    }
    unsigned char sig[4] = {0, 0, 0, 15};
    size_t n = 0;
    n += put_frame(stream + n, 'I', (const unsigned char *) "hello ", 6);
    n += put_frame(stream + n, 'I', big, sizeof big);       /* bigger than the reader's buffer */
    n += put_frame(stream + n, 'S', sig, 4);
    n += put_frame(stream + n, 'I', (const unsigned char *) "", 0);
    n += put_frame(stream + n, 'C', NULL, 0);

    /* Stdin room far smaller than a frame, a reader's buffer smaller than the big frame, odd chunks. */
    size_t chunks[] = {1, 3, 5, 7, 4096, 65536 + 5};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        memset(&s, 0, sizeof s);
        s.room = 1000;
        int rc = feed(&s, stream, n, 65536 + FRAME_HEADER, chunks[k], 777);
        CHECK(rc == 0, "chunk %zu: refused or stuck", chunks[k]);
        CHECK(s.in_len == 6 + sizeof big, "chunk %zu: %zu stdin bytes", chunks[k], s.in_len);
        CHECK(memcmp(s.in, "hello ", 6) == 0 && memcmp(s.in + 6, big, sizeof big) == 0,
              "chunk %zu: stdin bytes out of order or changed", chunks[k]);
        CHECK(s.ncontrols == 2 && s.controls[0] == 'S' && s.controls[1] == 'C' && s.last_signal == 15,
              "chunk %zu: controls %.*s", chunks[k], s.ncontrols, s.controls);
    }

    /* No room at all: nothing is taken, the frame waits whole. */
    memset(&s, 0, sizeof s);
    unsigned char buf[64];
    size_t len = put_frame(buf, 'I', (const unsigned char *) "abc", 3);
    len += put_frame(buf + len, 'C', NULL, 0);
    const struct frame_sink sink = {&s, room_of, data_of, control_of};
    CHECK(frames_take(buf, len, &sink) == 0 && s.in_len == 0 && s.ncontrols == 0, "nothing fits");
    /* Room for one byte: the rest stays as a frame of two bytes, and close waits behind it. */
    s.room = 1;
    ssize_t done = frames_take(buf, len, &sink);
    CHECK(done == 1 && s.in_len == 1 && s.in[0] == 'a' && s.ncontrols == 0, "done=%zd", done);
    CHECK(buf[done] == 'I' && frame_length(buf + done) == 2 && memcmp(buf + done + FRAME_HEADER, "bc", 2) == 0,
          "the rest is a frame of its own");

    /* Discarding (stdin closed): any amount goes. */
    memset(&s, 0, sizeof s);
    s.room = SIZE_MAX;
    CHECK(feed(&s, stream, n, 4096, 4096, 0) == 0 && s.in_len == 6 + sizeof big, "discarding");

    /* A control frame longer than any server sends is refused, not waited for. */
    unsigned char huge[FRAME_HEADER] = {'S', 0x7f, 0xff, 0xff, 0xff};
    memset(&s, 0, sizeof s);
    CHECK(frames_take(huge, sizeof huge, &sink) == -1, "huge control frame");
    unsigned char split[3] = {'S', 0, 0};
    CHECK(frames_take(split, sizeof split, &sink) == 0, "a header not complete yet waits");
}

/* ---- SCM_RIGHTS ---- */

static int send_fds(int sock, const int *fds, int n) {
    char data = 'x';
    struct iovec iov = {&data, 1};
    union {
        char buf[CMSG_SPACE(16 * sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (n > 0) {
        msg.msg_control = control.buf;
        msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(n * sizeof(int));
        memcpy(CMSG_DATA(c), fds, n * sizeof(int));
    }
    return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int open_fds(void) {
    int n = 0;
    for (int fd = 0; fd < 1024; fd++) {
        if (fcntl(fd, F_GETFD) >= 0) {
            n++;
        }
    }
    return n;
}

static void test_recv_fd(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int p[2];
    pipe(p);
    int before = open_fds();

    CHECK(send_fds(sv[0], &p[1], 1) == 0, "send");
    int got = recv_one_fd(sv[1]);
    CHECK(got >= 0 && (fcntl(got, F_GETFD) & FD_CLOEXEC), "one fd: %d", got);
    if (got >= 0) {
        CHECK(write(got, "z", 1) == 1, "the fd received is the pipe");
        char c = 0;
        CHECK(read(p[0], &c, 1) == 1 && c == 'z', "the fd received is the pipe");
        close(got);
    }

    int three[3] = {p[0], p[1], p[1]};
    CHECK(send_fds(sv[0], three, 3) == 0, "send");
    errno = 0;
    CHECK(recv_one_fd(sv[1]) == -1 && errno == EPROTO, "three fds refused");
    CHECK(open_fds() == before, "the fds of a refused message are closed: %d open, %d before", open_fds(), before);

    int many[16];
    for (int i = 0; i < 16; i++) {
        many[i] = p[0];
    }
    CHECK(send_fds(sv[0], many, 16) == 0, "send");
    errno = 0;
    CHECK(recv_one_fd(sv[1]) == -1 && errno == EPROTO, "a truncated message refused");
    CHECK(open_fds() == before, "the fds of a truncated message are closed: %d open, %d before", open_fds(), before);

    CHECK(send_fds(sv[0], NULL, 0) == 0, "send");
    errno = 0;
    CHECK(recv_one_fd(sv[1]) == -1 && errno == EPROTO, "no fd refused");
    close(sv[0]);
    close(sv[1]);
    close(p[0]);
    close(p[1]);
}

/* ---- the in-root resolver ---- */

static char top[256];

static const char *at(const char *rel) {
    static char buf[4][PATH_MAX];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", top, rel);
    return buf[i];
}

static int exists(const char *rel) {
    struct stat st;
    return lstat(at(rel), &st) == 0;
}

/* Whether the O_PATH fd FD is the directory REL. */
static int is(int fd, const char *rel) {
    struct stat a, b;
    return fd >= 0 && fstat(fd, &a) == 0 && stat(at(rel), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * Runs chrooted in a scratch directory (see test_inroot): a broken resolver that followed a path
 * out of "root" could only reach the scratch directory, never the host's own directories.
 */
static void inroot_cases(void) {
    mkdir(at("root"), 0755);
    mkdir(at("root/a"), 0755);
    mkdir(at("root/a/b"), 0755);
    mkdir(at("root/etc"), 0755);
    mkdir(at("outside"), 0755);
    int w = open(at("root/etc/passwd"), O_WRONLY | O_CREAT, 0644);
    close(w);
    w = open(at("outside/passwd"), O_WRONLY | O_CREAT, 0644);
    close(w);
    symlink("/a/b", at("root/abs"));                  /* absolute: starts at the root */
    symlink("../../../../../../outside", at("root/climb")); /* ".." stops at the root */
    symlink(at("outside"), at("root/host"));          /* the host path of a real directory */
    symlink("a/b", at("root/rel"));
    symlink("/nowhere", at("root/dangling"));

    int root = open(at("root"), O_PATH | O_DIRECTORY | O_CLOEXEC);
    char err[8192] = "";
    int fd;

    fd = inroot_open_dir(root, "/abs", 0, 0, 0, err, sizeof err);
    CHECK(is(fd, "root/a/b"), "absolute symlink: %s", err);
    close(fd);
    fd = inroot_open_dir(root, "rel/../b/./", 0, 0, 0, err, sizeof err);
    CHECK(is(fd, "root/a/b"), "relative symlink then ..: %s", err);
    close(fd);
    fd = inroot_open_dir(root, "/../../../a", 0, 0, 0, err, sizeof err);
    CHECK(is(fd, "root/a"), ".. above the root: %s", err);
    close(fd);
    fd = inroot_open_dir(root, "/", 0, 0, 0, err, sizeof err);
    CHECK(is(fd, "root"), "the root itself: %s", err);
    close(fd);

    /* Escapes resolve inside the root, or not at all. */
    fd = inroot_open_dir(root, "/climb", 0, 0, 0, err, sizeof err);
    CHECK(fd < 0 && errno == ENOENT, "climbing symlink: %s", err);
    fd = inroot_open_dir(root, "/host", 0, 0, 0, err, sizeof err);
    CHECK(fd < 0 && errno == ENOENT, "host symlink: %s", err);
    fd = inroot_open(root, "/climb/passwd", O_RDONLY);
    CHECK(fd < 0, "a file through a climbing symlink");
    fd = inroot_open(root, "/etc/../../outside/passwd", O_RDONLY);
    CHECK(fd < 0, "a file through ..");
    fd = inroot_open(root, "../etc/passwd", O_RDONLY);
    CHECK(fd >= 0, "/etc/passwd through ..");
    close(fd);

    /* Creating: owned by the user, never outside, never through a dangling link. */
    fd = inroot_open_dir(root, "/climb/new", INROOT_CREATE, 1234, 1235, err, sizeof err);
    CHECK(fd < 0 && !exists("outside/new") && !exists("root/outside"), "created through a climbing symlink: %s", err);
    fd = inroot_open_dir(root, "/host/new", INROOT_CREATE, 1234, 1235, err, sizeof err);
    CHECK(fd < 0 && !exists("outside/new"), "created through a host symlink: %s", err);
    fd = inroot_open_dir(root, "/dangling/new", INROOT_CREATE, 1234, 1235, err, sizeof err);
    CHECK(fd < 0 && !exists("root/nowhere"), "created through a dangling symlink: %s", err);
    CHECK(strstr(err, "/dangling") != NULL, "the error names the prefix: %s", err);
    mkdir(at("root/outside"), 0755);
    fd = inroot_open_dir(root, "/climb/new/deeper", INROOT_CREATE, 1234, 1235, err, sizeof err);
    CHECK(is(fd, "root/outside/new/deeper") && !exists("outside/new"),
          "created inside the root through a climbing symlink: %s", err);
    close(fd);
    struct stat st;
    CHECK(lstat(at("root/outside/new/deeper"), &st) == 0 && st.st_uid == 1234 && st.st_gid == 1235,
          "new directories belong to the user");
    CHECK(lstat(at("root/outside"), &st) == 0 && st.st_uid == 0, "existing directories keep their owner");
    fd = inroot_open_dir(root, "/abs/c", INROOT_CREATE, 0, 0, err, sizeof err);
    CHECK(fd >= 0 && exists("root/a/b/c"), "created through an absolute symlink: %s", err);
    close(fd);
    fd = inroot_open_dir(root, "/etc/passwd/x", INROOT_CREATE, 0, 0, err, sizeof err);
    CHECK(fd < 0 && errno == ENOTDIR, "through a file: %s", err);

    /* The last component itself may be required not to be a symlink. */
    fd = inroot_open_dir(root, "/abs", INROOT_LAST_NOT_SYMLINK, 0, 0, err, sizeof err);
    CHECK(fd < 0 && strstr(err, "symlink") != NULL, "a symlink last: %s", err);
    fd = inroot_open_dir(root, "/abs/.", INROOT_LAST_NOT_SYMLINK, 0, 0, err, sizeof err);
    CHECK(fd < 0 && strstr(err, "symlink") != NULL, "a symlink last, before a dot: %s", err);
    fd = inroot_open_dir(root, "/rel/c", INROOT_LAST_NOT_SYMLINK, 0, 0, err, sizeof err);
    CHECK(is(fd, "root/a/b/c"), "symlinks before the last: %s", err);
    close(fd);
    fd = inroot_open_dir(root, "/a/b/..", INROOT_LAST_NOT_SYMLINK, 0, 0, err, sizeof err);
    CHECK(is(fd, "root/a"), ".. last: %s", err);
    close(fd);

    char too_long[INROOT_PATH_MAX + 10];
    memset(too_long, 'x', sizeof too_long - 1);
    too_long[sizeof too_long - 1] = '\0';
    fd = inroot_open_dir(root, too_long, 0, 0, 0, err, sizeof err);
    CHECK(fd < 0 && errno == ENAMETOOLONG, "too long");
    close(root);
}

static void test_inroot(void) {
    /* A root with a real /proc: its magic links (which can name anything) are refused. Opening
     * (O_PATH, nothing created) is harmless even if they were not. */
    char err[8192] = "";
    int slash = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    int fd = inroot_open_dir(slash, "/proc/self/root/tmp", 0, 0, 0, err, sizeof err);
    CHECK(fd < 0 && errno == ELOOP, "magic links are refused: %s", err);
    fd = inroot_open_dir(slash, "/proc/self/cwd", 0, 0, 0, err, sizeof err);
    CHECK(fd < 0 && errno == ELOOP, "magic links are refused: %s", err);
    close(slash);

    snprintf(top, sizeof top, "/tmp/greenhouse-helpers-test.XXXXXX");
    if (mkdtemp(top) == NULL) {
        CHECK(0, "mkdtemp: %s", strerror(errno));
        return;
    }
    int counts[2];
    if (pipe(counts) != 0) {
        CHECK(0, "pipe: %s", strerror(errno));
        return;
    }
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        close(counts[0]);
        if (chroot(top) != 0 || chdir("/") != 0) {
            printf("FAIL chroot %s: %s\n", top, strerror(errno));
            _exit(1);
        }
        top[0] = '\0';
        checks = failures = 0;
        inroot_cases();
        int result[2] = {checks, failures};
        ssize_t w = write(counts[1], result, sizeof result);
        _exit(w == (ssize_t) sizeof result ? 0 : 1);
    }
    close(counts[1]);
    int result[2] = {0, 0}, status = 0;
    ssize_t r = read(counts[0], result, sizeof result);
    close(counts[0]);
    waitpid(child, &status, 0);
    CHECK(r == (ssize_t) sizeof result && WIFEXITED(status) && WEXITSTATUS(status) == 0, "the chrooted cases ran");
    checks += result[0];
    failures += result[1];

    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    CHECK(system(cmd) == 0, "cleaning up %s", top);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_parse_long();
    test_json();
    test_frames();
    test_recv_fd();
    test_inroot();
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
