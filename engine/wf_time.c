/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_time.c -- ISO-8601 durations and the time arithmetic of timers (see
 * wf_time.h).
 *
 * Owns reading a duration as a definition writes it (PnYnMnWnDTnHnMnS,
 * with its limits), its canonical form for PostgreSQL, adding it to an
 * instant on the calendar of the process's local time (Europe/Zurich in
 * production: months, then days, then exact seconds, across daylight
 * saving), and the UTC text timers.due_at stores.  Does not own which
 * timers run in a state (the definition, wf_def.c / wf_check.c) nor firing
 * them (scheduler.c, wf_fire.c).
 */
#include "wf_time.h"

#include <ctype.h>
#include <string.h>

/* Position of a duration unit in the order Y M W D (T) H M S, or -1. */
static int
wf_duration_unit(char c, int in_time)
{
    const char *order = in_time ? "HMS" : "YMWD";
    const char *hit = strchr(order, c);

    if (c == '\0' || hit == NULL)
        return -1;
    return (int) (hit - order) + (in_time ? 4 : 0);
}

/* Reads the digits at *pp into *v (at most 9 of them). */
static const char *
wf_duration_number(const char **pp, int64_t *v)
{
    const char *p = *pp;
    int         n = 0;

    if (*p == '-' || *p == '+')
        return "a duration cannot be signed";
    if (!isdigit((unsigned char) *p))
        return "expected a number (the form is PnYnMnWnDTnHnMnS)";
    *v = 0;
    for (; isdigit((unsigned char) *p); p++, n++) {
        if (n == 9)
            return "number too large";
        *v = *v * 10 + (*p - '0');
    }
    if (*p == '.' || *p == ',')
        return "fractions are not allowed";
    *pp = p;
    return NULL;
}

static const char *
wf_duration_parts(const char *p, int64_t part[7])
{
    int  in_time = 0, last = -1, pos, time_parts = 0;

    if (*p == '\0')
        return "has no parts (e.g. P30D)";
    while (*p != '\0') {
        const char *why;
        int64_t     v;

        if (*p == 'T') {
            if (in_time)
                return "\"T\" appears twice";
            in_time = 1;
            p++;
            continue;
        }
        if ((why = wf_duration_number(&p, &v)) != NULL)
            return why;
        if ((pos = wf_duration_unit(*p, in_time)) < 0)
            return in_time ? "unknown unit after T (use H, M or S)"
                           : "unknown unit (use Y, M, W or D, and H, M, S "
                             "after T)";
        if (pos <= last)
            return "parts must come once each, in the order Y M W D T H M S";
        last = pos;
        part[pos] = v;
        time_parts += in_time;
        p++;
    }
    if (in_time && time_parts == 0)
        return "nothing follows \"T\"";
    return NULL;
}

int
wf_duration_parse(const char *s, wf_duration_t *d, const char **why)
{
    int64_t     part[7] = { 0, 0, 0, 0, 0, 0, 0 };
    int64_t     months, days, secs;
    const char *w;

    if (s == NULL || s[0] != 'P') {
        *why = "must start with P (e.g. P30D, P3M, PT12H)";
        return -1;
    }
    if ((w = wf_duration_parts(s + 1, part)) != NULL) {
        *why = w;
        return -1;
    }
    months = part[0] * 12 + part[1];
    days = part[2] * 7 + part[3];
    secs = part[4] * 3600 + part[5] * 60 + part[6];
    if (months > 1200 || days > 36525 || secs > (int64_t) 36525 * 86400
        || months * 30 + days + secs / 86400 > 36525) {
        *why = "is longer than 100 years";
        return -1;
    }
    if (months == 0 && days == 0 && secs == 0) {
        *why = "is zero";
        return -1;
    }
    d->months = (int) months;
    d->days = (int) days;
    d->seconds = secs;
    d->text = s;
    return 0;
}

char *
wf_duration_iso(pool_t *p, const wf_duration_t *d)
{
    buf_t b;

    buf_init(&b, p);
    buf_putc(&b, 'P');
    if (d->months > 0)
        buf_printf(&b, "%dM", d->months);
    if (d->days > 0)
        buf_printf(&b, "%dD", d->days);
    if (d->seconds > 0)
        buf_printf(&b, "T%lldS", (long long) d->seconds);
    if (b.len == 1)
        buf_puts(&b, "T0S");
    return b.data;
}

int
wf_days_in_month(int year, int mon0)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
                                  30, 31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return days[mon0] + (mon0 == 1 && leap);
}

time_t
wf_duration_add(time_t from, const wf_duration_t *d)
{
    struct tm tm;
    int       mon, last;

    localtime_r(&from, &tm);
    mon = tm.tm_mon + d->months;
    tm.tm_year += mon / 12;
    tm.tm_mon = mon % 12;
    last = wf_days_in_month(tm.tm_year + 1900, tm.tm_mon);
    if (tm.tm_mday > last)
        tm.tm_mday = last;
    tm.tm_mday += d->days;
    tm.tm_isdst = -1;
    return mktime(&tm) + (time_t) d->seconds;
}

const char *
wf_time_iso(pool_t *p, time_t t)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    return pool_printf(p, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

const char *
wf_due_iso(pool_t *p, time_t now, const wf_duration_t *d)
{
    return wf_time_iso(p, wf_duration_add(now, d));
}
