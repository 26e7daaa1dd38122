/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * log.c -- JSON-lines logging to stderr (see log.h).
 *
 * Each line is written with one write(2) so that lines from the master
 * and every worker (which share stderr) never interleave.  The only state
 * is the level and the process role, set once at process start.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static log_level_t log_min = LOG_INFO;
static const char *log_role = "guichet";

static const char *level_names[] = { "debug", "info", "warn", "error" };

void
log_set_level(const char *name)
{
    int i;

    for (i = 0; i < 4; i++)
        if (name != NULL && !strcmp(name, level_names[i]))
            log_min = (log_level_t) i;
}

void
log_set_process(const char *role)
{
    log_role = role;
}

size_t
log_json_str(char *out, size_t cap, const char *s)
{
    size_t n = 0;
    char   esc[8];

#define PUT(c) do { if (n + 1 < cap) out[n] = (c); n++; } while (0)
    PUT('"');
    for (; s != NULL && *s; s++) {
        unsigned char c = (unsigned char) *s;
        const char   *e = NULL;

        switch (c) {
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof(esc), "\\u%04x", c);
                e = esc;
            }
        }
        if (e != NULL)
            for (; *e; e++)
                PUT(*e);
        else
            PUT((char) c);
    }
    PUT('"');
#undef PUT
    if (cap > 0)
        out[n < cap ? n : cap - 1] = '\0';
    return n;
}

size_t
log_json_str_fit(char *out, size_t room, const char *s)
{
    size_t want, keep;
    char   cut[1400];

    if (room < 3) {
        if (room > 0)
            out[0] = '\0';
        return 0;
    }
    want = log_json_str(out, room, s);
    if (want < room)
        return want;
    /* an escape takes at most 6 bytes: this much of s always fits */
    keep = (room - 3) / 6;
    if (keep >= sizeof(cut))
        keep = sizeof(cut) - 1;
    memcpy(cut, s, keep);
    while (keep > 0 && ((unsigned char) s[keep] & 0xc0) == 0x80)
        keep--;                       /* not inside a UTF-8 sequence */
    cut[keep] = '\0';
    return log_json_str(out, room, cut);
}

void
log_raw(const char *line, size_t len)
{
    char   buf[8192];
    size_t n = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
    ssize_t w;

    memcpy(buf, line, n);
    buf[n++] = '\n';
    w = write(STDERR_FILENO, buf, n);
    (void) w;   /* nowhere left to report a failed log write */
}

void
log_timestamp(char *out, size_t cap)
{
    struct timeval tv;
    struct tm      tm;
    char           ts[32];

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, cap, "%s.%03ldZ", ts, (long) (tv.tv_usec / 1000));
}

static size_t
log_prefix(char *out, size_t cap, log_level_t lvl, const char *msg)
{
    size_t n;
    char   ts[40];

    log_timestamp(ts, sizeof(ts));
    n = (size_t) snprintf(out, cap, "{\"time\":\"%s\",\"level\":\"%s\","
                          "\"pid\":%ld,\"role\":\"%s\",\"msg\":", ts,
                          level_names[lvl], (long) getpid(), log_role);
    if (n + 64 < cap)
        n += log_json_str_fit(out + n, cap / 2, msg);
    return n;
}

void
log_event(log_level_t lvl, const char *msg, ...)
{
    char        line[8192];
    size_t      n;
    va_list     ap;
    const char *k, *v;

    if (lvl < log_min)
        return;
    n = log_prefix(line, sizeof(line), lvl, msg);
    va_start(ap, msg);
    /* each key and value is a closed string, and 2 bytes stay for "}\n" */
    while (n + 16 < sizeof(line) && (k = va_arg(ap, const char *)) != NULL) {
        v = va_arg(ap, const char *);
        line[n++] = ',';
        n += log_json_str_fit(line + n, sizeof(line) - n - 8, k);
        line[n++] = ':';
        n += log_json_str_fit(line + n, sizeof(line) - n - 2, v ? v : "");
    }
    va_end(ap);
    line[n++] = '}';
    log_raw(line, n);
}

void
log_msg(log_level_t lvl, const char *fmt, ...)
{
    char    msg[2048];
    va_list ap;

    if (lvl < log_min)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_event(lvl, msg, NULL);
}
