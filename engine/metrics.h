/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * metrics.h -- counters shared by the master and every child, and their
 * Prometheus text rendering.
 *
 * The counters live in one anonymous shared mapping made by the master
 * before it forks, so /metrics in any worker sees every worker's counts.
 * Increments are atomic; no lock is taken on the request path.
 */
#ifndef GUICHET_METRICS_H
#define GUICHET_METRICS_H

#include <stdint.h>

#include "pool.h"

#define METRICS_MAX_ROUTES  128
#define METRICS_NSTATUS     20     /* see metrics.c status_codes[] */
#define METRICS_NBUCKETS    13     /* latency buckets incl. +Inf */

typedef struct {
    uint64_t requests[METRICS_MAX_ROUTES][METRICS_NSTATUS];
    uint64_t latency[METRICS_NBUCKETS];     /* non-cumulative counts */
    uint64_t latency_sum_us;
    uint64_t latency_count;
    uint64_t worker_restarts;
    uint64_t db_errors;
    uint64_t reloads;
    uint64_t timers_fired;
    uint64_t mails_sent;
    uint64_t mails_failed;
    uint64_t transitions;
    uint64_t conflicts;
} metrics_t;

/* In the master, before forking: maps the shared block (process-local
 * memory if mapping fails, so tests and commands still work). */
int  metrics_init(void);
metrics_t *metrics_get(void);

void metrics_request(int route_index, int status, double seconds);
void metrics_db_error(void);
void metrics_worker_restart(void);
void metrics_add(uint64_t *counter, uint64_t n);   /* atomic */

/* Renders m in Prometheus text format 0.0.4 into b.  route_names has
 * nroutes entries, index-aligned with metrics_request's route_index. */
void metrics_format(buf_t *b, const metrics_t *m, const char *const *route_names,
                    int nroutes, const char *version);

/* Parses "127.0.0.0/8,::1/128" and tells whether addr is inside; bad
 * entries never match.  Used to keep /metrics to trusted networks. */
int  metrics_addr_allowed(const char *allow_list, const char *addr);

#endif
