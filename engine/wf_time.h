/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_time.h -- ISO-8601 durations as workflow definitions write them
 * (timers' after=, a state's expires=, effect arguments) and the time
 * arithmetic of timers: an instant plus a duration on the local calendar,
 * and the UTC text PostgreSQL stores.
 */
#ifndef GUICHET_WF_TIME_H
#define GUICHET_WF_TIME_H

#include <stdint.h>
#include <time.h>

#include "pool.h"

/* An ISO-8601 duration PnYnMnWnDTnHnMnS.  Calendar parts are kept apart
 * because a month is not a fixed number of days: years fold into months,
 * weeks into days, hours and minutes into seconds. */
typedef struct {
    int         months;
    int         days;
    int64_t     seconds;
    const char *text;     /* as written */
} wf_duration_t;

/* Parses s; 0 on success, -1 with *why (a static string) otherwise.
 * Refuses fractions, signs, repeated or out-of-order parts, an empty "T"
 * part, zero and anything longer than 100 years. */
int wf_duration_parse(const char *s, wf_duration_t *d, const char **why);
/* The canonical form ("P1M3DT7200S"), which PostgreSQL takes as an
 * interval; lives in p. */
char *wf_duration_iso(pool_t *p, const wf_duration_t *d);
/* from + d in local civil time: months then days are added on the
 * calendar (Jan 31 + P1M = Feb 28/29, as PostgreSQL does), then seconds. */
time_t wf_duration_add(time_t from, const wf_duration_t *d);

/* Days in month mon0 (0 = January) of year, Gregorian. */
int wf_days_in_month(int year, int mon0);

/* now + d (wf_duration_add) as "2026-11-23T08:53:48Z", what timers.due_at
 * stores; lives in p. */
const char *wf_due_iso(pool_t *p, time_t now, const wf_duration_t *d);
/* "2026-11-23T08:53:48Z" */
const char *wf_time_iso(pool_t *p, time_t t);

#endif
