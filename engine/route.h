/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * route.h -- the routing table and request dispatch.
 *
 * Each module exports its own table of routes (sys_routes in h_sys.c,
 * ...); route.c lists the tables.  A pattern is a path whose segments are
 * literal words or typed captures, and which may end in '*':
 *
 *   "/dashboard"                           exactly that path
 *   "/demands/{id:uuid}/fire/{step:word}"  captures id and step, each
 *                                          checked against its type
 *   "/agent/" then '*'                     any non-empty rest, handed to
 *                                          the handler as r->path_arg
 *
 * A capture whose value fails its type does not match, so a malformed id
 * is the 404 of a path that does not exist, before any handler or guard
 * runs.  The handler reads captures with req_path_param(r, "id").  When
 * several routes take a path, the most specific wins (compared segment by
 * segment: a literal before a capture before '*'); among equals, the first
 * listed.
 *
 * A route may also declare the query or body parameters it reads, each
 * with its type and bounds (params); the dispatcher checks every declared
 * one after the guard and before the handler: a malformed, out of bounds,
 * repeated or (ROUTE_REQUIRED) missing one is answered 400 with the error
 * page, and the handler never sees it.  Undeclared parameters are left
 * alone: the fields of a workflow's forms are declared by its definition
 * and checked by the runtime (wf_fire, wf_save).
 *
 * The flags say what the dispatcher enforces before the handler runs, so
 * that no handler can forget it.
 */
#ifndef GUICHET_ROUTE_H
#define GUICHET_ROUTE_H

#include <stddef.h>

#include "req.h"

enum {
    ROUTE_PUBLIC    = 1 << 0,   /* no session needed */
    ROUTE_NO_CSRF   = 1 << 1,   /* POST without CSRF token (never for forms) */
    ROUTE_LOOPBACK  = 1 << 2,   /* only from cfg->metrics_allow networks */
    ROUTE_NO_SESSION = 1 << 3   /* do not even look at the session cookie */
};

/* The types of captures ({name:type}) and of declared parameters.  Each
 * bounds its length (a word 64, a uuid 36, a ref 20, an int 19 digits), so
 * an overlong segment never matches a capture. */
typedef enum {
    ROUTE_WORD = 1,   /* "word": 1 to 64 of [A-Za-z0-9_.-] (a page, a step) */
    ROUTE_UUID,       /* "uuid": 8-4-4-4-12 hexadecimal digits */
    ROUTE_INT,        /* "int": decimal digits, within the declared bounds
                       * (a capture: 0 to 2^31-1) */
    ROUTE_REF         /* "ref": a demand reference, 2026-000123 */
} route_type_t;

#define ROUTE_REQUIRED    1u    /* route_param_t.flags: must be sent */
#define ROUTE_MAX_CAPTURES 8

/* One query or body parameter a route reads. */
typedef struct route_param {
    const char   *name;
    route_type_t  type;
    long long     min, max;     /* ROUTE_INT: inclusive bounds */
    unsigned      flags;        /* ROUTE_REQUIRED */
} route_param_t;

typedef int (*route_handler_fn)(req_t *r);

typedef struct route {
    const char      *method;    /* "GET", "POST", "GET|POST" */
    const char      *pattern;
    const char      *name;      /* metrics label, access-matrix row */
    route_handler_fn handler;
    unsigned         flags;
    const route_param_t *params; /* NULL, or ended by a { NULL } entry */
} route_t;

/* Checks run before every handler that is not ROUTE_NO_SESSION: the
 * session layer installs one (resolve the session, refuse anonymous
 * access to non-public routes, check the CSRF token on POST).  Returns
 * EN_OK or an error code with the response already made. */
typedef int (*route_guard_fn)(req_t *r);
void route_set_guard(route_guard_fn fn);

/* Finds the route, runs the guard, checks the declared parameters, runs
 * the handler, and makes sure a response exists (an error page if the
 * handler returned an error). */
void route_dispatch(req_t *r);

/* For metrics: every route's name, index-aligned with r->route's index
 * (index 0 is "unmatched"). */
int          route_count(void);
const char *const *route_names(void);
int          route_index(const route_t *rt);
/* Iterates over every route (for the access-matrix test listing). */
const route_t *route_at(int i);
/* Routes left out because the tables hold more than METRICS_MAX_ROUTES
 * (each logged): 0, or the build is wrong (tests/unit/test_route.c). */
int          route_ignored(void);

/* Helper for handlers: sets the response from r->err (an error page). */
int route_fail(req_t *r);
/* Helper for handlers: "no such page" (404) in r->err; returns EN_NOTFOUND. */
int route_not_found(req_t *r);

/* --- matching, pure (route_match.c), unit-tested ------------------------ */

typedef struct {
    const char *name;           /* points into the pattern */
    size_t      name_len;
    const char *value;          /* points into the path */
    size_t      len;
} route_capture_t;

typedef struct {
    const route_t  *route;      /* the route that takes method and path */
    int             path_hit;   /* some route takes the path (else 404) */
    const char     *rest;       /* what a trailing '*' matched */
    route_capture_t caps[ROUTE_MAX_CAPTURES];
    int             ncaps;
} route_match_t;

/* Whether s[0..n) is a value of type t (ROUTE_INT: within [min, max]). */
int route_value_ok(route_type_t t, const char *s, size_t n, long long min, long long max);
/* Shorthand for handlers: s is a ROUTE_WORD. */
int route_word_ok(const char *s);
/* Whether a pattern is well formed (segments, capture names and types). */
int route_pattern_ok(const char *pattern);

/* Matches path against one pattern: 1 when it matches (captures in caps,
 * *rank its specificity: higher wins), else 0. */
int route_path_match(const char *pattern, const char *path, route_capture_t *caps,
                     int *ncaps, const char **rest, unsigned long long *rank);

/* Picks among routes[0..n) the one that takes method and path (see the
 * top of this file); the methods of every route that takes the path are
 * added to allow (may be NULL), comma-separated, each once. */
void route_find(const route_t *const *routes, int n, const char *method, const char *path,
                route_match_t *m, void *allow /* buf_t * */);

/* Checks the parameters a route declares against what the query string
 * and the body sent: EN_OK, or EN_BADINPUT with *bad the name refused. */
int route_check_params(const route_param_t *decl, const kv_t *query, const kv_t *form,
                       const char **bad);

#endif
