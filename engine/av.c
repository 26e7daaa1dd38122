/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * av.c -- the clamd client: one INSTREAM exchange per uploaded file (see
 * av.h for the contract and the settings).
 *
 * Owns the scanning settings of the process, the conversation with clamd
 * and the reading of its replies.  Does not decide which bytes are
 * uploads, nor where its verdict is shown: the caller (wf_fire.c, where an
 * accepted upload is queued for storage) turns a refusal into the field's
 * message.
 *
 *   connect(clamd_socket)                       nonblocking, one deadline
 *   "zINSTREAM\0"                               for the whole exchange
 *   <u32 big-endian length><bytes> ...          AV_CHUNK at a time
 *   <u32 0>
 *   reply "stream: OK\0" | "stream: NAME FOUND\0" | "... ERROR\0"
 *
 * clamd hangs up as soon as a stream passes its StreamMaxLength, after
 * saying so: a send that fails with EPIPE still reads the reply, so the
 * log says "size limit" rather than "connection lost".
 */
#include "av.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static struct {
    int  configured;       /* av_configure succeeded */
    int  off;              /* av = off (development only) */
    char socket[sizeof(((struct sockaddr_un *) 0)->sun_path)];
    long timeout_ms;
} av_settings;

int
av_configure(const cfg_t *cfg, en_err_t *err)
{
    const char *mode = cfg->av != NULL ? cfg->av : "clamd";
    const char *sock = cfg->clamd_socket != NULL ? cfg->clamd_socket : "";

    memset(&av_settings, 0, sizeof(av_settings));
    if (!strcmp(mode, "off")) {
        if (!cfg->dev)
            return en_set(err, EN_BADINPUT, "cfg.av",
                          "%s: av = off stores uploads unscanned: it is for development "
                          "without clamd only and needs dev = yes", cfg->path);
    } else if (strcmp(mode, "clamd") != 0) {
        return en_set(err, EN_BADINPUT, "cfg.av", "%s: av: expected clamd or off, got \"%s\"",
                      cfg->path, mode);
    }
    if (strlen(sock) >= sizeof(av_settings.socket))
        return en_set(err, EN_BADINPUT, "cfg.clamd_socket",
                      "%s: clamd_socket: a unix socket path has at most %zu bytes",
                      cfg->path, sizeof(av_settings.socket) - 1);
    av_settings.off = !strcmp(mode, "off");
    memcpy(av_settings.socket, sock, strlen(sock) + 1);
    av_settings.timeout_ms = cfg->clamd_timeout > 0 ? cfg->clamd_timeout * 1000L : 30000L;
    av_settings.configured = 1;
    return EN_OK;
}

/* --- the reply ---------------------------------------------------------------- */

/* Copies n bytes of s into what (cap bytes), control characters as '?':
 * a reply is logged, and it came from outside. */
static void
av_copy(char *what, size_t cap, const char *s, size_t n)
{
    size_t i;

    if (cap == 0)
        return;
    if (n > cap - 1)
        n = cap - 1;
    for (i = 0; i < n; i++)
        what[i] = (unsigned char) s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    what[n] = '\0';
}

static int
av_starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);

    return n >= k && memcmp(s, prefix, k) == 0;
}

static int
av_ends(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

av_verdict_t
av_parse_reply(const char *reply, size_t len, char *what, size_t cap)
{
    const char *nul;
    size_t      n;

    if (cap > 0)
        what[0] = '\0';
    if (reply == NULL || len == 0)
        return AV_BAD_REPLY;
    /* a z-command's reply is one string and its NUL: anything else was
     * cut short, or is not clamd speaking */
    nul = memchr(reply, '\0', len);
    if (nul == NULL || (size_t) (nul - reply) != len - 1) {
        av_copy(what, cap, reply, nul != NULL ? (size_t) (nul - reply) : len);
        return AV_BAD_REPLY;
    }
    n = len - 1;
    if (n == 10 && memcmp(reply, "stream: OK", 10) == 0)
        return AV_CLEAN;
    if (av_ends(reply, n, " ERROR")) {
        const char *s = reply;
        size_t      k = n - 6;

        if (av_starts(s, k, "stream: ")) {
            s += 8;
            k -= 8;
        }
        av_copy(what, cap, s, k);
        return memmem(s, k, "size limit exceeded", 19) != NULL ? AV_TOO_LARGE : AV_ERROR;
    }
    if (av_starts(reply, n, "stream: ") && av_ends(reply, n, " FOUND") && n > 8 + 6) {
        av_copy(what, cap, reply + 8, n - 8 - 6);
        return AV_INFECTED;
    }
    av_copy(what, cap, reply, n);
    return AV_BAD_REPLY;
}

/* --- the exchange ------------------------------------------------------------- */

static long long
av_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for ev or the deadline passes (errno ETIMEDOUT).
 * An error or hang-up counts as ready: the next call says which. */
static int
av_wait(int fd, short ev, long long deadline)
{
    for (;;) {
        long long     left = deadline - av_now_ms();
        struct pollfd pf = { .fd = fd, .events = ev, .revents = 0 };
        int           n;

        if (left <= 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        n = poll(&pf, 1, left > INT_MAX ? INT_MAX : (int) left);
        if (n > 0)
            return 0;
        if (n == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (errno != EINTR)
            return -1;
    }
}

static int
av_connect(const char *path, long long deadline)
{
    struct sockaddr_un sa;
    int                fd, saved;

    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1);        /* length checked at configure */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    for (;;) {
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) == 0)
            return fd;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN && av_now_ms() < deadline) {
            /* clamd's backlog is full: it is busy, not gone */
            poll(NULL, 0, 20);
            continue;
        }
        if (errno == EAGAIN)
            errno = ETIMEDOUT;
        break;
    }
    saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

static int
av_send(int fd, const void *buf, size_t len, long long deadline)
{
    const char *b = buf;

    while (len > 0) {
        ssize_t n = send(fd, b, len, MSG_NOSIGNAL);

        if (n > 0) {
            b += n;
            len -= (size_t) n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (av_wait(fd, POLLOUT, deadline) != 0)
                return -1;
        } else {
            return -1;
        }
    }
    return 0;
}

static int
av_send_chunk(int fd, const unsigned char *data, size_t len, long long deadline)
{
    unsigned char head[4];
    uint32_t      n = (uint32_t) len;

    head[0] = (unsigned char) (n >> 24);
    head[1] = (unsigned char) (n >> 16);
    head[2] = (unsigned char) (n >> 8);
    head[3] = (unsigned char) n;
    if (av_send(fd, head, sizeof(head), deadline) != 0)
        return -1;
    return len > 0 ? av_send(fd, data, len, deadline) : 0;
}

/* Reads until the reply's NUL, end of stream or AV_REPLY_MAX bytes;
 * returns the bytes read, or -1 when nothing could be read. */
static ssize_t
av_recv_reply(int fd, char *buf, size_t cap, long long deadline)
{
    size_t got = 0;

    while (got < cap) {
        ssize_t n = recv(fd, buf + got, cap - got, 0);

        if (n > 0) {
            got += (size_t) n;
            if (memchr(buf + got - (size_t) n, '\0', (size_t) n) != NULL)
                break;
        } else if (n == 0) {
            break;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (av_wait(fd, POLLIN, deadline) != 0)
                return got > 0 ? (ssize_t) got : -1;
        } else {
            return got > 0 ? (ssize_t) got : -1;
        }
    }
    return (ssize_t) got;
}

/* The command, the chunks and the end mark; -1 with errno on failure. */
static int
av_stream(int fd, const unsigned char *data, size_t len, long long deadline)
{
    size_t off;

    if (av_send(fd, "zINSTREAM", 10, deadline) != 0)
        return -1;
    for (off = 0; off < len; off += AV_CHUNK) {
        size_t n = len - off < AV_CHUNK ? len - off : AV_CHUNK;

        if (av_send_chunk(fd, data + off, n, deadline) != 0)
            return -1;
    }
    return av_send_chunk(fd, NULL, 0, deadline);
}

/* One INSTREAM exchange.  Returns the verdict, or AV_ERROR with what
 * saying which step failed and why. */
static av_verdict_t
av_exchange(const unsigned char *data, size_t len, char *what, size_t cap)
{
    long long   deadline = av_now_ms() + av_settings.timeout_ms;
    char        reply[AV_REPLY_MAX];
    const char *step = "reply";
    ssize_t     got;
    int         fd, e;

    if ((fd = av_connect(av_settings.socket, deadline)) < 0) {
        snprintf(what, cap, "connect: %s", strerror(errno));
        return AV_ERROR;
    }
    if (av_stream(fd, data, len, deadline) != 0) {
        e = errno;
        if (e != EPIPE && e != ECONNRESET) {
            close(fd);
            snprintf(what, cap, "send: %s", strerror(e));
            return AV_ERROR;
        }
        /* clamd hung up mid-stream: it may have said why (its size limit) */
        step = "send";
    }
    got = av_recv_reply(fd, reply, sizeof(reply), deadline);
    e = errno;
    close(fd);
    if (got > 0)
        return av_parse_reply(reply, (size_t) got, what, cap);
    snprintf(what, cap, "%s: %s", step,
             got == 0 ? "connection closed without a reply" : strerror(e));
    return AV_ERROR;
}

int
av_scan(en_err_t *err, const char *label, const unsigned char *data, size_t len)
{
    char         what[256], size[24];
    av_verdict_t v;

    snprintf(size, sizeof(size), "%zu", len);
    label = label != NULL ? label : "";
    if (!av_settings.configured || (!av_settings.off && av_settings.socket[0] == '\0')) {
        const char *why = !av_settings.configured ? "virus scanning not configured"
                          : "no clamd_socket set (av = off is for development only)";

        log_event(LOG_ERROR, "upload refused: not scanned", "field", label, "size", size,
                  "reason", why, NULL);
        en_set(err, EN_UNAVAILABLE, "av.unavailable",
               "the file could not be checked for viruses");
        en_detail(err, "%s", why);
        return EN_UNAVAILABLE;
    }
    if (av_settings.off) {
        log_event(LOG_WARN, "upload stored unscanned (av = off)", "field", label,
                  "size", size, NULL);
        return EN_OK;
    }
    if (data == NULL)
        len = 0;
    v = av_exchange(data, len, what, sizeof(what));
    switch (v) {
    case AV_CLEAN:
        log_event(LOG_DEBUG, "upload scanned: clean", "field", label, "size", size, NULL);
        return EN_OK;
    case AV_INFECTED:
        log_event(LOG_WARN, "upload refused: infected", "field", label, "size", size,
                  "signature", what, NULL);
        en_set(err, EN_BADINPUT, "av.infected", "the file carries a virus");
        en_detail(err, "clamd: %s FOUND", what);
        return EN_BADINPUT;
    case AV_TOO_LARGE:
        log_event(LOG_ERROR, "upload refused: not scanned", "field", label, "size", size,
                  "reason", "larger than clamd's StreamMaxLength: raise it above max_upload",
                  "clamd", what, NULL);
        break;
    case AV_ERROR:
        log_event(LOG_ERROR, "upload refused: not scanned", "field", label, "size", size,
                  "reason", "clamd error", "clamd", what, "socket", av_settings.socket, NULL);
        break;
    case AV_BAD_REPLY:
        log_event(LOG_ERROR, "upload refused: not scanned", "field", label, "size", size,
                  "reason", "unreadable reply", "clamd", what, "socket", av_settings.socket,
                  NULL);
        break;
    }
    en_set(err, EN_UNAVAILABLE, "av.unavailable",
           "the file could not be checked for viruses");
    en_detail(err, "clamd %s: %s", av_settings.socket, what);
    return EN_UNAVAILABLE;
}
