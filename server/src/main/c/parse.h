/*
 * parse.h: strict parsing of what the helpers read: numbers given as arguments or found in files,
 * and the one-line JSON objects runc logs with --log-format json. Anything malformed is refused,
 * never half-read.
 */
#ifndef GREENHOUSE_PARSE_H
#define GREENHOUSE_PARSE_H

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Parses all of S as a base-10 integer in [min, max]. Refuses an empty string, leading blanks
 * (which strtol would skip), trailing characters, overflow and values out of range: returns 0 with
 * errno EINVAL or ERANGE, else 1 with the value in *out.
 */
static inline int parse_long(const char *s, long min, long max, long *out) {
    if (s == NULL || *s == '\0' || isspace((unsigned char) *s)) {
        errno = EINVAL;
        return 0;
    }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0) {
        return 0;
    }
    if (end == s || *end != '\0') {
        errno = EINVAL;
        return 0;
    }
    if (v < min || v > max) {
        errno = ERANGE;
        return 0;
    }
    *out = v;
    return 1;
}

/* ---- one flat JSON object per line ---------------------------------------------------------- */

static inline const char *json_ws(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
        p++;
    }
    return p;
}

static inline int json_hex4(const char *p, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= (unsigned) (c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= (unsigned) (c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= (unsigned) (c - 'A' + 10);
        } else {
            return 0;
        }
    }
    *out = v;
    return 1;
}

/* Appends one byte to out if there is room (one byte is kept for the terminating NUL). */
static inline void json_put(char *out, size_t outlen, size_t *n, char c) {
    if (out != NULL && *n + 1 < outlen) {
        out[*n] = c;
    }
    (*n)++;
}

static inline void json_put_utf8(char *out, size_t outlen, size_t *n, unsigned cp) {
    if (cp < 0x80) {
        json_put(out, outlen, n, (char) cp);
    } else if (cp < 0x800) {
        json_put(out, outlen, n, (char) (0xC0 | cp >> 6));
        json_put(out, outlen, n, (char) (0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        json_put(out, outlen, n, (char) (0xE0 | cp >> 12));
        json_put(out, outlen, n, (char) (0x80 | (cp >> 6 & 0x3F)));
        json_put(out, outlen, n, (char) (0x80 | (cp & 0x3F)));
    } else {
        json_put(out, outlen, n, (char) (0xF0 | cp >> 18));
        json_put(out, outlen, n, (char) (0x80 | (cp >> 12 & 0x3F)));
        json_put(out, outlen, n, (char) (0x80 | (cp >> 6 & 0x3F)));
        json_put(out, outlen, n, (char) (0x80 | (cp & 0x3F)));
    }
}

/*
 * Parses the JSON string at *pp (at its opening quote), decoding escapes into OUT (cut to
 * outlen - 1 bytes, always NUL-terminated when outlen > 0; OUT may be NULL to skip). Advances *pp
 * past the closing quote and sets *decoded (if not NULL) to the whole decoded length; returns 0 on
 * malformed input. A \u0000 becomes '?' so the C string keeps its length.
 */
static inline int json_string(const char **pp, char *out, size_t outlen, size_t *decoded) {
    const char *p = *pp;
    size_t n = 0;
    if (*p++ != '"') {
        return 0;
    }
    for (;;) {
        unsigned char c = (unsigned char) *p;
        if (c == '\0' || c < 0x20) {
            return 0;
        }
        p++;
        if (c == '"') {
            break;
        }
        if (c != '\\') {
            json_put(out, outlen, &n, (char) c);
            continue;
        }
        char e = *p++;
        switch (e) {
        case '"': json_put(out, outlen, &n, '"'); break;
        case '\\': json_put(out, outlen, &n, '\\'); break;
        case '/': json_put(out, outlen, &n, '/'); break;
        case 'b': json_put(out, outlen, &n, '\b'); break;
        case 'f': json_put(out, outlen, &n, '\f'); break;
        case 'n': json_put(out, outlen, &n, '\n'); break;
        case 'r': json_put(out, outlen, &n, '\r'); break;
        case 't': json_put(out, outlen, &n, '\t'); break;
        case 'u': {
            unsigned cp;
            if (!json_hex4(p, &cp)) {
                return 0;
            }
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned low;
                if (p[0] == '\\' && p[1] == 'u' && json_hex4(p + 2, &low) && low >= 0xDC00 && low < 0xE000) {
                    p += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                cp = 0xFFFD;
            }
            if (cp == 0) {
                json_put(out, outlen, &n, '?');
            } else {
                json_put_utf8(out, outlen, &n, cp);
            }
            break;
        }
        default:
            return 0;
        }
    }
    if (out != NULL && outlen > 0) {
        out[n < outlen ? n : outlen - 1] = '\0';
    }
    if (decoded != NULL) {
        *decoded = n;
    }
    *pp = p;
    return 1;
}

/* Skips a JSON number, true, false or null at *pp; 0 if there is none. */
static inline int json_scalar(const char **pp) {
    const char *p = *pp;
    static const char *const words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t len = strlen(words[i]);
        if (strncmp(p, words[i], len) == 0) {
            *pp = p + len;
            return 1;
        }
    }
    /* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    if (*p == '-') {
        p++;
    }
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (isdigit((unsigned char) *p)) {
            p++;
        }
    } else {
        return 0;
    }
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char) *p)) {
            return 0;
        }
        while (isdigit((unsigned char) *p)) {
            p++;
        }
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') {
            p++;
        }
        if (!isdigit((unsigned char) *p)) {
            return 0;
        }
        while (isdigit((unsigned char) *p)) {
            p++;
        }
    }
    *pp = p;
    return 1;
}

/*
 * Finds the string value of KEY in LINE, which must be one flat JSON object (string keys; string,
 * number, boolean or null values) and nothing else but white space: runc's log lines. Returns 1 with
 * the decoded value in OUT (cut to outlen - 1 bytes), 0 when the object has no such key with a
 * string value, -1 when LINE is not such an object. With a repeated key the last one counts.
 */
static inline int json_flat_string(const char *line, const char *key, char *out, size_t outlen) {
    char name[256];
    int found = 0;
    const char *p = json_ws(line);
    if (*p++ != '{') {
        return -1;
    }
    p = json_ws(p);
    if (*p == '}') {
        p++;
    } else {
        for (;;) {
            size_t name_len;
            if (!json_string(&p, name, sizeof name, &name_len)) {
                return -1;
            }
            /* A key cut to the buffer is not KEY, even if its first bytes are. */
            int matches = name_len < sizeof name && strcmp(name, key) == 0;
            p = json_ws(p);
            if (*p++ != ':') {
                return -1;
            }
            p = json_ws(p);
            if (*p == '"') {
                if (matches) {
                    if (!json_string(&p, out, outlen, NULL)) {
                        return -1;
                    }
                    found = 1;
                } else if (!json_string(&p, NULL, 0, NULL)) {
                    return -1;
                }
            } else {
                if (!json_scalar(&p)) {
                    return -1;
                }
                if (matches) {
                    found = 0;
                }
            }
            p = json_ws(p);
            if (*p == ',') {
                p = json_ws(p + 1);
                continue;
            }
            if (*p == '}') {
                p++;
                break;
            }
            return -1;
        }
    }
    if (*json_ws(p) != '\0') {
        return -1;
    }
    return found;
}

#endif
