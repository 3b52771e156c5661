/*
 * wire.h: what the monitor receives, decoded without trusting the sender about sizes: frames from
 * the server ([1 byte type][4 byte big-endian length][payload]) and the terminal's file descriptor
 * that the runtime passes with SCM_RIGHTS.
 */
#ifndef GREENHOUSE_WIRE_H
#define GREENHOUSE_WIRE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define FRAME_HEADER 5
/* The most payload a frame other than stdin ('I') may carry: they are a few bytes long. */
#define FRAME_CONTROL_MAX 64
#define FRAME_STDIN 'I'

struct frame_sink {
    void *ctx;
    /* How many stdin bytes can be taken now; SIZE_MAX takes (and drops) any amount. */
    size_t (*stdin_room)(void *ctx);
    void (*stdin_data)(void *ctx, const unsigned char *p, size_t n);
    void (*control)(void *ctx, char type, const unsigned char *p, uint32_t len);
};

static inline uint32_t frame_length(const unsigned char *h) {
    return (uint32_t) h[1] << 24 | (uint32_t) h[2] << 16 | (uint32_t) h[3] << 8 | h[4];
}

static inline void frame_set_length(unsigned char *h, uint32_t len) {
    h[1] = (unsigned char) (len >> 24);
    h[2] = (unsigned char) (len >> 16);
    h[3] = (unsigned char) (len >> 8);
    h[4] = (unsigned char) len;
}

/*
 * Hands the frames at the start of BUF (LEN bytes read so far) to SINK, in order. A stdin frame
 * need not fit the buffer, nor the room for stdin: its bytes are taken as they arrive and as room
 * allows, and what is left of it stays in BUF as a frame of the rest (its header rewritten in
 * place, just before the rest). Other frames are taken whole once complete. Returns how many bytes
 * at the start of BUF are done with (the caller drops them and keeps reading after the rest), or
 * -1 for a frame no server sends (a control frame longer than FRAME_CONTROL_MAX).
 */
static inline ssize_t frames_take(unsigned char *buf, size_t len, const struct frame_sink *sink) {
    size_t off = 0;
    while (len - off >= FRAME_HEADER) {
        unsigned char *h = buf + off;
        uint32_t flen = frame_length(h);
        size_t have = len - off - FRAME_HEADER;
        if (h[0] != FRAME_STDIN) {
            if (flen > FRAME_CONTROL_MAX) {
                return -1;
            }
            if (have < flen) {
                break;
            }
            sink->control(sink->ctx, (char) h[0], h + FRAME_HEADER, flen);
            off += FRAME_HEADER + flen;
            continue;
        }
        size_t take = have < flen ? have : flen;
        size_t room = sink->stdin_room(sink->ctx);
        if (take > room) {
            take = room;
        }
        if (take > 0) {
            sink->stdin_data(sink->ctx, h + FRAME_HEADER, take);
        }
        if (take == flen) {
            off += FRAME_HEADER + flen;
            continue;
        }
        if (take == 0) {
            break;
        }
        /* The rest of the frame: a new header right before its remaining payload. */
        off += take;
        memmove(buf + off, h, 1);
        frame_set_length(buf + off, flen - (uint32_t) take);
    }
    return (ssize_t) off;
}

/*
 * Receives exactly one file descriptor sent with SCM_RIGHTS on CONN (along with at least one byte
 * of data, as runc sends the terminal's name). Anything else (no control message, another type,
 * a truncated one, a cmsg_len that does not match, more than one descriptor) is refused with errno
 * EPROTO, and every descriptor that did arrive is closed. Returns the descriptor (close-on-exec)
 * or -1.
 */
static inline int recv_one_fd(int conn) {
    char data[4096];
    struct iovec iov = {data, sizeof data};
    /* Room for a few descriptors, so that a sender passing more is seen (and its extras closed)
     * rather than cut off. */
    union {
        char buf[CMSG_SPACE(8 * sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    ssize_t n;
    do {
        n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return -1;
    }
    int received[8 + 1];
    int count = 0, bad = (msg.msg_flags & MSG_CTRUNC) != 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_len < CMSG_LEN(0)) {
            bad = 1;
            break;
        }
        size_t payload = c->cmsg_len - CMSG_LEN(0);
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || payload % sizeof(int) != 0) {
            bad = 1;
            continue;
        }
        for (size_t i = 0; i < payload / sizeof(int); i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (count < (int) (sizeof received / sizeof received[0])) {
                received[count++] = fd;
            } else {
                close(fd);
                bad = 1;
            }
        }
    }
    if (bad || count != 1) {
        for (int i = 0; i < count; i++) {
            close(received[i]);
        }
        errno = EPROTO;
        return -1;
    }
    return received[0];
}

#endif
