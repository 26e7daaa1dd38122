/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * route.c -- route lookup and dispatch (see route.h).
 *
 * The tables of every module are listed here and flattened once per
 * process.  Dispatch order: match path and captures (route_match.c; 404),
 * match method (405 with Allow), loopback restriction, guard (session,
 * CSRF), declared parameters (400), handler, error page.
 */
#include "route.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "render.h"

extern const route_t sys_routes[];
extern const route_t auth_routes[];
extern const route_t space_routes[];
extern const route_t members_routes[];
extern const route_t demand_routes[];
extern const route_t demand_view_routes[];
extern const route_t form_routes[];
extern const route_t agent_routes[];
extern const route_t queue_routes[];
extern const route_t desk_routes[];
extern const route_t account_routes[];
extern const route_t wallet_routes[];
extern const route_t catalogue_routes[];
extern const route_t notes_routes[];
extern const route_t admin_routes[];
extern const route_t api_routes[];
extern const route_t admin_services_routes[];
extern const route_t admin_ops_routes[];
extern const route_t admin_groups_routes[];
extern const route_t admin_audit_routes[];
extern const route_t letters_routes[];
extern const route_t counter_routes[];
extern const route_t decide_routes[];
extern const route_t confirm_routes[];

static const route_t *const route_tables[] = {
    sys_routes,
    auth_routes,
    space_routes,
    members_routes,
    demand_routes,
    demand_view_routes,
    form_routes,
    agent_routes,
    queue_routes,
    desk_routes,
    account_routes,
    wallet_routes,
    catalogue_routes,
    notes_routes,
    admin_routes,
    api_routes,
    admin_services_routes,
    admin_ops_routes,
    admin_groups_routes,
    admin_audit_routes,
    letters_routes,
    counter_routes,
    decide_routes,
    confirm_routes,
};

#define NTABLES (sizeof(route_tables) / sizeof(route_tables[0]))

static const route_t *flat[METRICS_MAX_ROUTES];
static const char    *names[METRICS_MAX_ROUTES];
static int            nflat;
static int            nignored;     /* routes past METRICS_MAX_ROUTES */
static route_guard_fn guard;

static void
flatten(void)
{
    size_t t;

    if (nflat > 0)
        return;
    names[0] = "unmatched";
    flat[0] = NULL;
    nflat = 1;
    for (t = 0; t < NTABLES; t++) {
        const route_t *rt;

        for (rt = route_tables[t]; rt->pattern != NULL; rt++) {
            if (nflat == METRICS_MAX_ROUTES) {
                log_msg(LOG_ERROR, "too many routes; %s ignored", rt->pattern);
                nignored++;
                continue;
            }
            flat[nflat] = rt;
            names[nflat] = rt->name;
            nflat++;
        }
    }
}

int
route_count(void)
{
    flatten();
    return nflat;
}

const char *const *
route_names(void)
{
    flatten();
    return names;
}

int
route_ignored(void)
{
    flatten();
    return nignored;
}

const route_t *
route_at(int i)
{
    flatten();
    return i > 0 && i < nflat ? flat[i] : NULL;
}

int
route_index(const route_t *rt)
{
    int i;

    flatten();
    for (i = 1; i < nflat; i++)
        if (flat[i] == rt)
            return i;
    return 0;
}

void
route_set_guard(route_guard_fn fn)
{
    guard = fn;
}

int
route_fail(req_t *r)
{
    int status = r->err.http_status ? r->err.http_status : en_http_status(r->err.code);

    if (r->err.code == EN_OK)
        status = 500;
    return render_error(r, status, r->err.key[0] ? r->err.key : "err.internal",
                        r->err.code == EN_BADINPUT || r->err.code == EN_CONFLICT
                            ? r->err.msg : NULL);
}

int
route_not_found(req_t *r)
{
    return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no such page");
}

/* The captures of m as r->path_params, copied into the request's pool. */
static void
keep_captures(req_t *r, const route_match_t *m)
{
    int i;

    r->path_params = NULL;
    for (i = 0; i < m->ncaps; i++)
        kv_add(r->pool, &r->path_params,
               pool_strndup(r->pool, m->caps[i].name, m->caps[i].name_len),
               pool_strndup(r->pool, m->caps[i].value, m->caps[i].len));
}

void
route_dispatch(req_t *r)
{
    const route_t *rt;
    route_match_t  m;
    const char    *bad;
    int            rc;
    buf_t          allow;      /* every method the path takes, for 405 */

    flatten();
    buf_init(&allow, r->pool);
    route_find(flat + 1, nflat - 1, r->method, r->path, &m, &allow);
    if (m.route == NULL) {
        r->route_name = "unmatched";
        if (m.path_hit) {
            req_header(r, "Allow", allow.data);   /* lives in r->pool */
            render_error(r, 405, "err.method", NULL);
        } else {
            render_error(r, 404, "err.notfound", NULL);
        }
        return;
    }
    rt = m.route;
    r->route = rt;
    r->route_name = rt->name;
    r->path_arg = m.rest;
    keep_captures(r, &m);
    if ((rt->flags & ROUTE_LOOPBACK)
        && !metrics_addr_allowed(r->cfg->metrics_allow, r->remote_addr)) {
        render_error(r, 403, "err.forbidden", NULL);
        return;
    }
    if (!(rt->flags & ROUTE_NO_SESSION) && guard != NULL && guard(r) != EN_OK) {
        if (r->status == 0)
            route_fail(r);
        return;
    }
    /* the declared parameters, before the handler sees any of them */
    if (route_check_params(rt->params, r->query_params, r->form, &bad) != EN_OK) {
        render_error(r, 400, "err.bad_param", bad);
        return;
    }
    rc = rt->handler(r);
    if (rc != EN_OK && r->status == 0) {
        if (r->err.code == EN_OK)
            en_set(&r->err, rc, "err.internal", "handler failed");
        route_fail(r);
    } else if (r->status == 0) {
        r->status = 200;
    }
}
