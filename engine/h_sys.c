/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_sys.c -- the system routes: health, metrics and the home page.
 *
 * /healthz answers for load balancers (200 when the database answers, 503
 * otherwise, a tiny JSON body); /metrics is Prometheus text for trusted
 * networks only; / is the portal's public entrance.
 */
#include "db.h"
#include "metrics.h"
#include "render.h"
#include "route.h"

#define HEALTH_UP   "{\"status\":\"ok\",\"database\":\"up\"}\n"
#define HEALTH_DOWN "{\"status\":\"unavailable\",\"database\":\"down\"}\n"

static int
h_healthz(req_t *r)
{
    en_err_t  err;

    en_clear(&err);
    req_header(r, "Cache-Control", "no-store");
    if (db_ping(r->pool, &err) != EN_OK) {
        r->status = 503;
        req_body(r, "application/json", HEALTH_DOWN, sizeof(HEALTH_DOWN) - 1);
        return EN_OK;
    }
    r->status = 200;
    req_body(r, "application/json", HEALTH_UP, sizeof(HEALTH_UP) - 1);
    return EN_OK;
}

static int
h_metrics(req_t *r)
{
    buf_t b;

    buf_init(&b, r->pool);
    metrics_format(&b, metrics_get(), route_names(), route_count(), GUICHET_VERSION);
    r->status = 200;
    req_header(r, "Cache-Control", "no-store");
    req_body(r, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
    return EN_OK;
}

static int
h_home(req_t *r)
{
    render_begin(r, "home");
    return render_finish(r, 200);
}

const route_t sys_routes[] = {
    { "GET", "/healthz", "healthz", h_healthz, ROUTE_PUBLIC | ROUTE_NO_SESSION },
    { "GET", "/metrics", "metrics", h_metrics,
      ROUTE_PUBLIC | ROUTE_NO_SESSION | ROUTE_LOOPBACK },
    { "GET", "/", "home", h_home, ROUTE_PUBLIC },
    { NULL, NULL, NULL, NULL, 0 }
};
