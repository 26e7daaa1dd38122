/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * route.h -- the routing table and request dispatch.
 *
 * Each module exports its own table of routes (sys_routes in h_sys.c,
 * ...); route.c lists the tables.  A pattern is an exact path, or a path
 * ending in '*' that matches any rest (handed to the handler as
 * r->path_arg).  The flags say what the dispatcher enforces before the
 * handler runs, so that no handler can forget it.
 */
#ifndef GUICHET_ROUTE_H
#define GUICHET_ROUTE_H

#include "req.h"

enum {
    ROUTE_PUBLIC    = 1 << 0,   /* no session needed */
    ROUTE_NO_CSRF   = 1 << 1,   /* POST without CSRF token (never for forms) */
    ROUTE_LOOPBACK  = 1 << 2,   /* only from cfg->metrics_allow networks */
    ROUTE_NO_SESSION = 1 << 3   /* do not even look at the session cookie */
};

typedef int (*route_handler_fn)(req_t *r);

typedef struct route {
    const char      *method;    /* "GET", "POST", "GET|POST" */
    const char      *pattern;
    const char      *name;      /* metrics label, access-matrix row */
    route_handler_fn handler;
    unsigned         flags;
} route_t;

/* Checks run before every handler that is not ROUTE_NO_SESSION: the
 * session layer installs one (resolve the session, refuse anonymous
 * access to non-public routes, check the CSRF token on POST).  Returns
 * EN_OK or an error code with the response already made. */
typedef int (*route_guard_fn)(req_t *r);
void route_set_guard(route_guard_fn fn);

/* Finds the route, runs the guard and the handler, and makes sure a
 * response exists (an error page if the handler returned an error). */
void route_dispatch(req_t *r);

/* For metrics: every route's name, index-aligned with r->route's index
 * (index 0 is "unmatched"). */
int          route_count(void);
const char *const *route_names(void);
int          route_index(const route_t *rt);
/* Iterates over every route (for the access-matrix test listing). */
const route_t *route_at(int i);

/* Helper for handlers: sets the response from r->err (an error page). */
int route_fail(req_t *r);

#endif
