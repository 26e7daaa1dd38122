/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * metrics.c -- shared counters and the Prometheus exposition (metrics.h).
 */
#include "metrics.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static metrics_t  metrics_local;
static metrics_t *metrics_shm = &metrics_local;

static const int status_codes[METRICS_NSTATUS] = {
    200, 201, 204, 301, 302, 303, 304, 400, 401, 403,
    404, 405, 409, 410, 413, 422, 429, 500, 503, 0   /* 0 = any other */
};

static const double bucket_bounds[METRICS_NBUCKETS - 1] = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
};

int
metrics_init(void)
{
    void *m = mmap(NULL, sizeof(metrics_t), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (m == MAP_FAILED)
        return -1;
    memset(m, 0, sizeof(metrics_t));
    metrics_shm = m;
    return 0;
}

metrics_t *
metrics_get(void)
{
    return metrics_shm;
}

void
metrics_add(uint64_t *counter, uint64_t n)
{
    __atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static int
status_index(int status)
{
    int i;

    for (i = 0; i < METRICS_NSTATUS - 1; i++)
        if (status_codes[i] == status)
            return i;
    return METRICS_NSTATUS - 1;
}

void
metrics_request(int route_index, int status, double seconds)
{
    int i;

    if (route_index < 0 || route_index >= METRICS_MAX_ROUTES)
        route_index = 0;
    metrics_add(&metrics_shm->requests[route_index][status_index(status)], 1);
    for (i = 0; i < METRICS_NBUCKETS - 1 && seconds > bucket_bounds[i]; i++)
        ;
    metrics_add(&metrics_shm->latency[i], 1);
    metrics_add(&metrics_shm->latency_sum_us, (uint64_t) (seconds * 1e6));
    metrics_add(&metrics_shm->latency_count, 1);
}

void
metrics_db_error(void)
{
    metrics_add(&metrics_shm->db_errors, 1);
}

void
metrics_worker_restart(void)
{
    metrics_add(&metrics_shm->worker_restarts, 1);
}

static uint64_t
load(const uint64_t *c)
{
    return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static void
counter(buf_t *b, const char *name, const char *help, const uint64_t *v)
{
    buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help,
               name, name, (unsigned long long) load(v));
}

void
metrics_format(buf_t *b, const metrics_t *m, const char *const *route_names,
               int nroutes, const char *version)
{
    int      r, s, i;
    uint64_t cum = 0;

    buf_puts(b, "# HELP guichet_build_info Build of the running engine.\n"
                "# TYPE guichet_build_info gauge\n");
    buf_printf(b, "guichet_build_info{version=\"%s\"} 1\n", version);
    buf_puts(b, "# HELP guichet_http_requests_total HTTP requests by route and status.\n"
                "# TYPE guichet_http_requests_total counter\n");
    for (r = 0; r < nroutes && r < METRICS_MAX_ROUTES; r++)
        for (s = 0; s < METRICS_NSTATUS; s++) {
            uint64_t v = load(&m->requests[r][s]);

            if (v == 0)
                continue;
            if (status_codes[s] != 0)
                buf_printf(b, "guichet_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                           route_names[r], status_codes[s], (unsigned long long) v);
            else
                buf_printf(b, "guichet_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
                           route_names[r], (unsigned long long) v);
        }
    buf_puts(b, "# HELP guichet_http_request_duration_seconds Time from accept to response.\n"
                "# TYPE guichet_http_request_duration_seconds histogram\n");
    for (i = 0; i < METRICS_NBUCKETS; i++) {
        cum += load(&m->latency[i]);
        if (i < METRICS_NBUCKETS - 1)
            buf_printf(b, "guichet_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                       bucket_bounds[i], (unsigned long long) cum);
        else
            buf_printf(b, "guichet_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                       (unsigned long long) cum);
    }
    buf_printf(b, "guichet_http_request_duration_seconds_sum %.6f\n",
               (double) load(&m->latency_sum_us) / 1e6);
    buf_printf(b, "guichet_http_request_duration_seconds_count %llu\n",
               (unsigned long long) load(&m->latency_count));
    counter(b, "guichet_worker_restarts_total", "Worker processes respawned by the master.",
            &m->worker_restarts);
    counter(b, "guichet_db_errors_total", "Failed database statements and connections.",
            &m->db_errors);
    counter(b, "guichet_reloads_total", "Reloads of definitions and stylesheets.", &m->reloads);
    counter(b, "guichet_transitions_total", "Transitions committed.", &m->transitions);
    counter(b, "guichet_transition_conflicts_total", "Transitions refused as already done.",
            &m->conflicts);
    counter(b, "guichet_timers_fired_total", "Timers fired by the scheduler.", &m->timers_fired);
    counter(b, "guichet_mails_sent_total", "Mails delivered over SMTP.", &m->mails_sent);
    counter(b, "guichet_mails_failed_total", "SMTP delivery attempts that failed.",
            &m->mails_failed);
}

static int
addr_in(const char *net, int bits, const char *addr)
{
    unsigned char a[16], n[16];
    int           len, i;

    if (inet_pton(AF_INET, net, n) == 1) {
        if (inet_pton(AF_INET, addr, a) != 1)
            return 0;
        len = 32;
    } else if (inet_pton(AF_INET6, net, n) == 1) {
        if (inet_pton(AF_INET6, addr, a) != 1)
            return 0;
        len = 128;
    } else {
        return 0;
    }
    if (bits < 0 || bits > len)
        return 0;
    for (i = 0; i < bits / 8; i++)
        if (a[i] != n[i])
            return 0;
    if (bits % 8) {
        unsigned char mask = (unsigned char) (0xff << (8 - bits % 8));

        if ((a[i] & mask) != (n[i] & mask))
            return 0;
    }
    return 1;
}

int
metrics_addr_allowed(const char *list, const char *addr)
{
    char        item[80];
    const char *p = list;

    if (list == NULL || addr == NULL)
        return 0;
    while (*p) {
        size_t n = strcspn(p, ", ");
        char  *slash;
        int    bits;

        if (n > 0 && n < sizeof(item)) {
            memcpy(item, p, n);
            item[n] = '\0';
            slash = strchr(item, '/');
            if (slash != NULL) {
                char *end;

                *slash = '\0';
                bits = (int) strtol(slash + 1, &end, 10);
                if (end == slash + 1 || *end != '\0' || slash[1] == ' '
                    || slash[1] == '+' || slash[1] == '-')
                    bits = -1;            /* "/ 8", "/8x": never matches */
            } else {
                bits = strchr(item, ':') ? 128 : 32;
            }
            if (addr_in(item, bits, addr))
                return 1;
        }
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
    return 0;
}
