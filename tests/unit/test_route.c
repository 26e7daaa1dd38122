/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_route.c -- route lookup and dispatch (engine/route.c) over the
 * real route tables.
 *
 * render_error is wrapped (it would need the stylesheets) and records the
 * status, key and detail it was given.  A stub guard records what the
 * dispatcher had settled before calling it (route name, path_arg) and
 * stops the request, so no handler that needs the database runs; the one
 * handler run for real is /metrics, which needs none.
 */
// LDFLAGS: -Wl,--wrap=render_error
#include "test_util.h"
#include "route.h"
#include "pool.h"

static int         err_calls;
static int         err_status;
static const char *err_key;
static const char *err_detail;

int __wrap_render_error(req_t *r, int status, const char *key, const char *detail);

int
__wrap_render_error(req_t *r, int status, const char *key, const char *detail)
{
    err_calls++;
    err_status = status;
    err_key = key;
    err_detail = detail;
    r->status = status;
    return EN_OK;
}

static int         guard_calls;
static const char *guard_route;
static const char *guard_arg;
static int         guard_code;       /* what the guard answers */
static int         guard_status;     /* status the guard sets itself, or 0 */

static int
stub_guard(req_t *r)
{
    guard_calls++;
    guard_route = r->route_name;
    guard_arg = r->path_arg;
    if (guard_status != 0)
        r->status = guard_status;
    if (guard_code == EN_BADINPUT)
        return en_set(&r->err, EN_BADINPUT, "err.csrf", "the form has expired");
    if (guard_code != EN_OK)
        return en_set(&r->err, guard_code, "err.login", "login needed");
    return EN_OK;
}

static cfg_t cfg;

static int
setup(void **state)
{
    *state = pool_new(0);
    err_calls = guard_calls = 0;
    err_status = guard_status = 0;
    err_key = err_detail = guard_route = guard_arg = NULL;
    guard_code = EN_UNAUTH;
    memset(&cfg, 0, sizeof(cfg));
    cfg.metrics_allow = "127.0.0.0/8, ::1/128";
    route_set_guard(stub_guard);
    return 0;
}

static int
teardown(void **state)
{
    pool_free(*state);
    return 0;
}

static req_t *
new_req(pool_t *p, const char *method, const char *path, const char *addr)
{
    req_t *r = pool_calloc(p, sizeof(*r));

    r->pool = p;
    r->cfg = &cfg;
    r->method = method;
    r->path = path;
    r->remote_addr = addr;
    return r;
}

static const char *
header(const req_t *r, const char *name)
{
    const kv_t *h;

    for (h = r->headers; h != NULL; h = h->next)
        if (!strcmp(h->name, name))
            return h->value;
    return NULL;
}

/* --- the flattened table -------------------------------------------- */

static void
test_table(void **state)
{
    int                n = route_count(), i, j;
    const char *const *nm = route_names();

    (void) state;
    assert_true(n > 3);
    assert_string_equal(nm[0], "unmatched");
    assert_null(route_at(0));
    assert_null(route_at(n));
    assert_null(route_at(-1));
    assert_int_equal(route_index(NULL), 0);
    for (i = 1; i < n; i++) {
        const route_t *rt = route_at(i);
        const char    *m;

        assert_non_null(rt);
        assert_int_equal(route_index(rt), i);
        assert_ptr_equal(nm[i], rt->name);
        assert_non_null(rt->handler);
        if (rt->pattern[0] != '/')
            fail_msg("route %s: pattern \"%s\" does not start with /", rt->name, rt->pattern);
        for (m = rt->method; *m; m++)
            if (!((*m >= 'A' && *m <= 'Z') || *m == '|'))
                fail_msg("route %s: method \"%s\"", rt->name, rt->method);
        /* metrics labels must be unique */
        for (j = 1; j < i; j++)
            if (!strcmp(nm[j], nm[i]))
                fail_msg("route name \"%s\" used twice", nm[i]);
    }
}

/* --- dispatch --------------------------------------------------------- */

static void
test_not_found(void **state)
{
    req_t *r = new_req(*state, "GET", "/nulle-part", "127.0.0.1");

    route_dispatch(r);
    assert_int_equal(err_calls, 1);
    assert_int_equal(err_status, 404);
    assert_string_equal(err_key, "err.notfound");
    assert_null(err_detail);
    assert_int_equal(r->status, 404);
    assert_string_equal(r->route_name, "unmatched");
    assert_int_equal(guard_calls, 0);
    /* exact paths do not match a longer or shorter path */
    r = new_req(*state, "GET", "/healthz/", "127.0.0.1");
    route_dispatch(r);
    assert_int_equal(r->status, 404);
    r = new_req(*state, "GET", "/health", "127.0.0.1");
    route_dispatch(r);
    assert_int_equal(r->status, 404);
    /* a star needs at least one character of rest */
    r = new_req(*state, "GET", "/spaces/", "127.0.0.1");
    route_dispatch(r);
    assert_int_equal(r->status, 404);
    assert_int_equal(guard_calls, 0);
}

static void
test_method_not_allowed(void **state)
{
    req_t *r = new_req(*state, "POST", "/healthz", "127.0.0.1");

    route_dispatch(r);
    assert_int_equal(r->status, 405);
    assert_string_equal(err_key, "err.method");
    assert_non_null(header(r, "Allow"));  /* its value: test_allow_header_* */
    assert_int_equal(guard_calls, 0);
    /* a method name that only contains an allowed one */
    r = new_req(*state, "GETX", "/healthz", "127.0.0.1");
    route_dispatch(r);
    assert_int_equal(r->status, 405);
    r = new_req(*state, "GE", "/healthz", "127.0.0.1");
    route_dispatch(r);
    assert_int_equal(r->status, 405);
}

/* Overwrites the stack below the caller's frame, where route_dispatch's
 * locals were. */
static void __attribute__((noinline))
scribble_stack(void)
{
    volatile char junk[4096];
    size_t        i;

    for (i = 0; i < sizeof(junk); i++)
        junk[i] = 'Z';
    junk[sizeof(junk) - 1] = '\0';
}

/* BUG (reported to the lead, not fixed here): route.c:147/166 passes the
 * local array `allow` of route_dispatch to req_header, which keeps the
 * pointer (req.h: values must outlive the request).  Once route_dispatch
 * returns, the Allow header points into a dead stack frame: the worker
 * serialises whatever the stack holds by then (garbage, possibly bytes of
 * other data, unchecked for CR/LF).  Expected: "GET" after the stack is
 * reused (the value copied into r->pool). */
static void
test_allow_header_outlives_dispatch(void **state)
{
    req_t      *r = new_req(*state, "POST", "/healthz", "127.0.0.1");
    const char *allow;

    route_dispatch(r);
    scribble_stack();
    allow = header(r, "Allow");
    assert_non_null(allow);
    if (strcmp(allow, "GET") != 0)
        fail_msg("Allow: \"%.40s\" after the stack was reused, want \"GET\"", allow);
}

/* BUG (reported to the lead, not fixed here): route.c:157 keeps only the
 * methods of the *last* row whose path matched, so for /context, served
 * by two rows (GET context, POST context_switch), PUT /context answers
 * 405 with "Allow: POST" (read at once, before the stack is reused)
 * instead of listing GET and POST (RFC 9110 15.5.6: Allow lists the
 * methods the resource supports).  Expected: "GET,POST" or "GET, POST". */
static void
test_allow_lists_every_row(void **state)
{
    req_t      *r = new_req(*state, "PUT", "/context", "127.0.0.1");
    char        allow[64];

    route_dispatch(r);
    assert_int_equal(r->status, 405);
    assert_non_null(header(r, "Allow"));
    snprintf(allow, sizeof(allow), "%s", header(r, "Allow"));
    if (strcmp(allow, "GET,POST") != 0 && strcmp(allow, "GET, POST") != 0)
        fail_msg("Allow: \"%s\", want \"GET,POST\"", allow);
}

static void
test_head_as_get_and_guard(void **state)
{
    req_t *r = new_req(*state, "HEAD", "/", "127.0.0.1");

    route_dispatch(r);
    assert_int_equal(guard_calls, 1);
    assert_string_equal(guard_route, "home");
    assert_null(guard_arg);
    /* the guard said "login needed" without making a response */
    assert_int_equal(err_calls, 1);
    assert_int_equal(err_status, 401);
    assert_string_equal(err_key, "err.login");
    assert_null(err_detail);              /* only bad input shows its message */
    assert_int_equal(r->status, 401);
}

static void
test_star_route_path_arg(void **state)
{
    req_t *r = new_req(*state, "GET", "/spaces/abc/def", "127.0.0.1");

    route_dispatch(r);
    assert_int_equal(guard_calls, 1);
    assert_string_equal(guard_route, "space_members");
    assert_string_equal(guard_arg, "abc/def");
    assert_string_equal(r->path_arg, "abc/def");
}

static void
test_guard_made_response(void **state)
{
    req_t *r = new_req(*state, "GET", "/admin", "127.0.0.1");

    guard_status = 303;                  /* e.g. a redirect to the login */
    route_dispatch(r);
    assert_int_equal(guard_calls, 1);
    assert_int_equal(err_calls, 0);
    assert_int_equal(r->status, 303);
}

static void
test_guard_bad_input_shows_message(void **state)
{
    req_t *r = new_req(*state, "POST", "/context", "127.0.0.1");

    guard_code = EN_BADINPUT;
    route_dispatch(r);
    assert_string_equal(guard_route, "context_switch");   /* second row, by method */
    assert_int_equal(err_status, 422);
    assert_string_equal(err_key, "err.csrf");
    assert_string_equal(err_detail, "the form has expired");
}

static void
test_loopback_only(void **state)
{
    req_t *r = new_req(*state, "GET", "/metrics", "10.0.0.1");

    route_dispatch(r);
    assert_int_equal(r->status, 403);
    assert_string_equal(err_key, "err.forbidden");
    assert_string_equal(r->route_name, "metrics");
    assert_null(r->resp_body);           /* the handler did not run */

    err_calls = 0;
    r = new_req(*state, "GET", "/metrics", "::1");
    route_dispatch(r);
    assert_int_equal(err_calls, 0);
    assert_int_equal(guard_calls, 0);    /* ROUTE_NO_SESSION: no guard */
    assert_int_equal(r->status, 200);
    assert_string_equal(r->resp_type, "text/plain; version=0.0.4; charset=utf-8");
    assert_non_null(r->resp_body);
    assert_memory_equal(r->resp_body, "# HELP guichet_build_info", 25);
    assert_string_equal(header(r, "Cache-Control"), "no-store");
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_table),
        T(test_not_found),
        T(test_method_not_allowed),
        T(test_allow_header_outlives_dispatch),
        T(test_allow_lists_every_row),
        T(test_head_as_get_and_guard),
        T(test_star_route_path_arg),
        T(test_guard_made_response),
        T(test_guard_bad_input_shows_message),
        T(test_loopback_only),
    };
#undef T

    return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
