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
    /* every route of every table is served: none past METRICS_MAX_ROUTES */
    if (route_ignored() != 0)
        fail_msg("%d routes left out: raise METRICS_MAX_ROUTES (metrics.h)", route_ignored());
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
test_capture_route_path_param(void **state)
{
    req_t *r = new_req(*state, "GET", "/spaces/0b1e4c1e-6a55-4d1c-9a55-8d6f3c1d2e01/members",
                       "127.0.0.1");

    route_dispatch(r);
    assert_int_equal(guard_calls, 1);
    assert_string_equal(guard_route, "space_members");
    assert_null(guard_arg);               /* no '*' in the pattern */
    assert_string_equal(req_path_param(r, "id"), "0b1e4c1e-6a55-4d1c-9a55-8d6f3c1d2e01");
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

/* --- patterns, captures and types (route_match.c) --------------------- */

#define UUID "0f8fad5b-d9cb-469f-a165-70867728950e"

static void
test_every_pattern_is_well_formed(void **state)
{
    int i;

    (void) state;
    for (i = 1; i < route_count(); i++)
        if (!route_pattern_ok(route_at(i)->pattern))
            fail_msg("route %s: pattern \"%s\"", route_at(i)->name, route_at(i)->pattern);
    assert_true(route_pattern_ok("/"));
    assert_true(route_pattern_ok("/a/{id:uuid}/b/{n:int}/{r:ref}/*"));
    assert_false(route_pattern_ok(""));
    assert_false(route_pattern_ok("a"));
    assert_false(route_pattern_ok("/a/"));            /* trailing slash */
    assert_false(route_pattern_ok("/a//b"));
    assert_false(route_pattern_ok("/a/{id:number}"));  /* unknown type */
    assert_false(route_pattern_ok("/a/{id}"));
    assert_false(route_pattern_ok("/a/{:word}"));
    assert_false(route_pattern_ok("/a/x{id:word}"));
    assert_false(route_pattern_ok("/a/*/b"));         /* a star ends it */
    assert_false(route_pattern_ok("/a*"));
}

static void
test_value_types(void **state)
{
    char long_word[66];

    (void) state;
    memset(long_word, 'a', sizeof(long_word));
    long_word[65] = '\0';
    assert_true(route_value_ok(ROUTE_WORD, "take", 4, 0, 0));
    assert_true(route_value_ok(ROUTE_WORD, "a-b_c.d9", 8, 0, 0));
    assert_true(route_value_ok(ROUTE_WORD, long_word, 64, 0, 0));
    assert_false(route_value_ok(ROUTE_WORD, long_word, 65, 0, 0));
    assert_false(route_value_ok(ROUTE_WORD, "", 0, 0, 0));
    assert_false(route_value_ok(ROUTE_WORD, "a b", 3, 0, 0));
    assert_false(route_value_ok(ROUTE_WORD, "a%20b", 5, 0, 0));
    assert_false(route_value_ok(ROUTE_WORD, "\xc3\xa9t\xc3\xa9", 6, 0, 0));
    assert_false(route_value_ok(ROUTE_WORD, "a\0b", 3, 0, 0));
    assert_true(route_word_ok("bank"));
    assert_false(route_word_ok("bank/x"));
    assert_false(route_word_ok(NULL));

    assert_true(route_value_ok(ROUTE_UUID, UUID, 36, 0, 0));
    assert_false(route_value_ok(ROUTE_UUID, UUID, 35, 0, 0));
    assert_false(route_value_ok(ROUTE_UUID, "0f8fad5b-d9cb-469f-a165-70867728950g", 36, 0, 0));
    assert_false(route_value_ok(ROUTE_UUID, "0f8fad5bd-9cb-469f-a165-70867728950e", 36, 0, 0));
    assert_false(route_value_ok(ROUTE_UUID, "not-a-demand", 12, 0, 0));

    assert_true(route_value_ok(ROUTE_INT, "1", 1, 1, 2147483647));
    assert_true(route_value_ok(ROUTE_INT, "2147483647", 10, 1, 2147483647));
    assert_false(route_value_ok(ROUTE_INT, "2147483648", 10, 1, 2147483647));
    assert_false(route_value_ok(ROUTE_INT, "0", 1, 1, 2147483647));
    assert_true(route_value_ok(ROUTE_INT, "-5", 2, -10, 10));
    assert_false(route_value_ok(ROUTE_INT, "-", 1, -10, 10));
    assert_false(route_value_ok(ROUTE_INT, "", 0, 0, 10));
    assert_false(route_value_ok(ROUTE_INT, "12a", 3, 0, 1000));
    assert_false(route_value_ok(ROUTE_INT, " 12", 3, 0, 1000));
    assert_false(route_value_ok(ROUTE_INT, "+12", 3, 0, 1000));
    assert_false(route_value_ok(ROUTE_INT, "1e3", 3, 0, 100000));
    assert_false(route_value_ok(ROUTE_INT, "99999999999999999999", 20, 0, 2147483647));
    assert_false(route_value_ok(ROUTE_INT, "9223372036854775808", 19, 0, 2147483647));

    assert_true(route_value_ok(ROUTE_REF, "2026-000123", 11, 0, 0));
    assert_false(route_value_ok(ROUTE_REF, "2026-00012", 10, 0, 0));
    assert_false(route_value_ok(ROUTE_REF, "2026_000123", 11, 0, 0));
    assert_false(route_value_ok(ROUTE_REF, "2026-0001x3", 11, 0, 0));
}

/* Matches and returns the value of capture `name`, or NULL. */
static const char *
capture(pool_t *p, const char *pattern, const char *path, const char *name, int *ncaps)
{
    route_capture_t    caps[ROUTE_MAX_CAPTURES];
    const char        *rest;
    unsigned long long rank;
    int                i;

    if (!route_path_match(pattern, path, caps, ncaps, &rest, &rank))
        return NULL;
    for (i = 0; i < *ncaps; i++)
        if (strlen(name) == caps[i].name_len && !memcmp(caps[i].name, name, caps[i].name_len))
            return pool_strndup(p, caps[i].value, caps[i].len);
    return "";
}

static int
matches(const char *pattern, const char *path)
{
    route_capture_t    caps[ROUTE_MAX_CAPTURES];
    const char        *rest;
    unsigned long long rank;
    int                n;

    return route_path_match(pattern, path, caps, &n, &rest, &rank);
}

#define FIRE "/demands/{id:uuid}/fire/{step:word}"

static void
test_captures(void **state)
{
    int n = 0;

    assert_string_equal(capture(*state, FIRE, "/demands/" UUID "/fire/take", "id", &n), UUID);
    assert_int_equal(n, 2);
    assert_string_equal(capture(*state, FIRE, "/demands/" UUID "/fire/take", "step", &n), "take");
    assert_string_equal(capture(*state, "/r/{ref:ref}/{n:int}", "/r/2026-000123/42", "n", &n),
                        "42");
    assert_string_equal(capture(*state, "/r/{ref:ref}/{n:int}", "/r/2026-000123/42", "ref", &n),
                        "2026-000123");
    /* the literal parts must be there, exactly */
    assert_false(matches(FIRE, "/demands/" UUID "/page/take"));
    assert_false(matches(FIRE, "/demands/" UUID "/fire"));
    assert_false(matches(FIRE, "/demands/" UUID));
    assert_false(matches(FIRE, "/Demands/" UUID "/fire/take"));
    assert_false(matches(FIRE, "/demands/" UUID "/fire/take/again"));
    assert_true(matches("/", "/"));
    assert_false(matches("/", "/x"));
    assert_false(matches("/x", ""));
}

static void
test_capture_type_refusal(void **state)
{
    (void) state;
    assert_false(matches(FIRE, "/demands/not-a-demand/fire/take"));
    assert_false(matches(FIRE, "/demands/" UUID "x/fire/take"));
    assert_false(matches(FIRE, "/demands/" UUID "/fire/take!"));
    assert_false(matches(FIRE, "/demands//fire/take"));           /* empty capture */
    assert_false(matches("/n/{n:int}", "/n/-1"));                /* captures: 0..2^31-1 */
    assert_false(matches("/n/{n:int}", "/n/2147483648"));
    assert_true(matches("/n/{n:int}", "/n/2147483647"));
    assert_false(matches("/r/{r:ref}", "/r/2026-12"));
}

static void
test_trailing_slash_and_empty_segments(void **state)
{
    (void) state;
    assert_true(matches("/demands/{id:uuid}", "/demands/" UUID));
    assert_false(matches("/demands/{id:uuid}", "/demands/" UUID "/"));
    assert_false(matches(FIRE, "/demands/" UUID "/fire/take/"));
    assert_false(matches(FIRE, "/demands/" UUID "//fire/take"));
    assert_false(matches("/dashboard", "/dashboard/"));
    assert_false(matches("/dashboard", "//dashboard"));
    assert_false(matches("/agent/*", "/agent/"));
    assert_true(matches("/agent/*", "/agent/serac"));
}

static void
test_overlong_segments(void **state)
{
    char *seg = pool_alloc(*state, 20001), *path;

    memset(seg, 'a', 20000);
    seg[20000] = '\0';
    path = pool_printf(*state, "/demands/" UUID "/fire/%.*s", 64, seg);
    assert_true(matches(FIRE, path));
    path = pool_printf(*state, "/demands/" UUID "/fire/%.*s", 65, seg);
    assert_false(matches(FIRE, path));
    path = pool_printf(*state, "/demands/" UUID "/fire/%s", seg);
    assert_false(matches(FIRE, path));
    path = pool_printf(*state, "/demands/%s/fire/take", seg);
    assert_false(matches(FIRE, path));
    path = pool_printf(*state, "/n/%.*s", 300, "0000000000000000000000000000000000000000"
                       "00000000000000000000000000000000000000000000000000000000000000001");
    assert_false(matches("/n/{n:int}", path));
    /* a literal segment is compared as it is, whatever its length */
    path = pool_printf(*state, "/%s", seg);
    assert_false(matches("/dashboard", path));
}

/* The path arrives decoded by nginx ($document_uri): what is left of a
 * percent sign is a character like any other, refused by the types; an
 * encoded slash, once decoded, is a segment boundary. */
static void
test_percent_encoded_input(void **state)
{
    (void) state;
    assert_false(matches(FIRE, "/demands/%30f8fad5b-d9cb-469f-a165-70867728950e/fire/take"));
    assert_false(matches(FIRE, "/demands/" UUID "/fire/ta%6Be"));
    assert_false(matches(FIRE, "/demands/" UUID "/fire/a%2Fb"));
    assert_false(matches(FIRE, "/demands/" UUID "/fire/a/b"));
    assert_false(matches(FIRE, "/demands/" UUID "/fire/t\xc3\xa4ke"));
    assert_false(matches(FIRE, "/demands/" UUID "/fire/take%00"));
    assert_false(matches("/dashboard", "/dashboar%64"));
}

/* --- choosing among routes -------------------------------------------- */

static int
noop(req_t *r)
{
    (void) r;
    return EN_OK;
}

static void
test_precedence(void **state)
{
    static const route_t capture_r = { "GET", "/x/{w:word}", "capture", noop, 0, NULL };
    static const route_t literal_r = { "GET", "/x/new", "literal", noop, 0, NULL };
    static const route_t star_r = { "GET", "/x/*", "star", noop, 0, NULL };
    static const route_t again_r = { "GET", "/x/{v:word}", "again", noop, 0, NULL };
    static const route_t deep_r = { "GET|POST", "/x/{w:word}/y", "deep", noop, 0, NULL };
    static const route_t post_r = { "POST", "/x/{w:word}", "post", noop, 0, NULL };
    const route_t *const table[] = { &star_r, &capture_r, &literal_r, &again_r, &deep_r,
                                     &post_r };
    route_match_t m;
    buf_t         allow;

    buf_init(&allow, *state);
    route_find(table, 6, "GET", "/x/new", &m, &allow);
    assert_ptr_equal(m.route, &literal_r);           /* listed after, more specific */
    assert_string_equal(allow.data, "GET,POST");      /* each method once */
    route_find(table, 6, "GET", "/x/other", &m, NULL);
    assert_ptr_equal(m.route, &capture_r);           /* before the star; first of equals */
    assert_int_equal(m.ncaps, 1);
    route_find(table, 6, "GET", "/x/no%20word", &m, NULL);
    assert_ptr_equal(m.route, &star_r);              /* the capture refused it */
    assert_string_equal(m.rest, "no%20word");
    route_find(table, 6, "GET", "/x/a/y", &m, NULL);
    assert_ptr_equal(m.route, &deep_r);
    route_find(table, 6, "HEAD", "/x/a/y", &m, NULL);
    assert_ptr_equal(m.route, &deep_r);
    route_find(table, 6, "POST", "/x/a", &m, NULL);
    assert_ptr_equal(m.route, &post_r);
    buf_init(&allow, *state);
    route_find(table, 6, "DELETE", "/x/a", &m, &allow);
    assert_null(m.route);
    assert_true(m.path_hit);
    assert_string_equal(allow.data, "GET,POST");
    route_find(table, 6, "GET", "/y", &m, NULL);
    assert_null(m.route);
    assert_false(m.path_hit);
}

/* --- declared parameters ------------------------------------------------ */

static kv_t *
kvs(pool_t *p, const char *name, const char *value, const char *name2, const char *value2)
{
    kv_t *list = NULL;

    if (name != NULL)
        kv_add(p, &list, name, value);
    if (name2 != NULL)
        kv_add(p, &list, name2, value2);
    return list;
}

static void
test_declared_params(void **state)
{
    static const route_param_t decl[] = {
        { "version", ROUTE_INT, 1, 2147483647, 0 },
        { "step", ROUTE_WORD, 0, 0, ROUTE_REQUIRED },
        { NULL, 0, 0, 0, 0 }
    };
    pool_t     *p = *state;
    const char *bad;

    assert_int_equal(route_check_params(NULL, NULL, NULL, &bad), EN_OK);
    assert_int_equal(route_check_params(decl, kvs(p, "step", "a", NULL, NULL), NULL, &bad),
                     EN_OK);
    assert_null(bad);
    assert_int_equal(route_check_params(decl, NULL, kvs(p, "step", "a", "version", "7"), &bad),
                     EN_OK);
    /* undeclared parameters are not the dispatcher's business */
    assert_int_equal(route_check_params(decl, kvs(p, "step", "a", "x", "%%"), NULL, &bad),
                     EN_OK);
    /* missing, malformed, out of bounds, empty, repeated */
    assert_int_equal(route_check_params(decl, NULL, NULL, &bad), EN_BADINPUT);
    assert_string_equal(bad, "step");
    assert_int_equal(route_check_params(decl, NULL, kvs(p, "step", "a", "version", "abc"), &bad),
                     EN_BADINPUT);
    assert_string_equal(bad, "version");
    assert_int_equal(route_check_params(decl, NULL, kvs(p, "step", "a", "version", "0"), &bad),
                     EN_BADINPUT);
    assert_int_equal(route_check_params(decl, NULL,
                                        kvs(p, "step", "a", "version", "2147483648"), &bad),
                     EN_BADINPUT);
    assert_int_equal(route_check_params(decl, NULL, kvs(p, "step", "a", "version", ""), &bad),
                     EN_BADINPUT);
    assert_int_equal(route_check_params(decl, kvs(p, "version", "2", NULL, NULL),
                                        kvs(p, "step", "a", "version", "2"), &bad),
                     EN_BADINPUT);
    assert_string_equal(bad, "version");
    assert_int_equal(route_check_params(decl, kvs(p, "step", "a b", NULL, NULL), NULL, &bad),
                     EN_BADINPUT);
    assert_string_equal(bad, "step");
}

/* --- the demand routes, through the real tables ------------------------- */

static void
test_demand_routes_by_name(void **state)
{
    static const struct { const char *method, *path, *route, *arg_name, *arg; } cases[] = {
        { "GET", "/demands/" UUID, "demand_view", "id", UUID },
        { "HEAD", "/demands/" UUID, "demand_view", "id", UUID },
        { "GET", "/demands/" UUID "/page/bank", "demand_page", "page", "bank" },
        { "POST", "/demands/" UUID "/page/bank", "demand_save", "id", UUID },
        { "POST", "/demands/" UUID "/fire/take", "demand_fire", "step", "take" },
        { "POST", "/demands", "demand_start", NULL, NULL },
        { "GET", "/documents/" UUID, "document", "id", UUID },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        req_t *r = new_req(*state, cases[i].method, cases[i].path, "127.0.0.1");

        guard_calls = 0;
        route_dispatch(r);
        if (guard_calls != 1 || strcmp(guard_route, cases[i].route) != 0)
            fail_msg("%s %s: route %s, want %s", cases[i].method, cases[i].path,
                     guard_calls ? guard_route : "(none)", cases[i].route);
        if (cases[i].arg_name != NULL)
            assert_string_equal(req_path_param(r, cases[i].arg_name), cases[i].arg);
        assert_null(req_path_param(r, "nothing"));
    }
}

static void
test_malformed_demand_paths_are_404_before_the_guard(void **state)
{
    static const char *const paths[] = {
        "/demands/not-a-demand",
        "/demands/" UUID "/",
        "/demands/" UUID "x",
        "/demands/" UUID "/elsewhere",
        "/demands/" UUID "/page/",
        "/demands/" UUID "/page/a%20b",
        "/demands/" UUID "/fire/take/now",
        "/documents/not-a-document",
    };
    size_t i;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        req_t *r = new_req(*state, "GET", paths[i], "127.0.0.1");

        route_dispatch(r);
        if (r->status != 404)
            fail_msg("GET %s: %d, want 404", paths[i], r->status);
        assert_string_equal(err_key, "err.notfound");
        assert_string_equal(r->route_name, "unmatched");
    }
    assert_int_equal(guard_calls, 0);
}

static void
test_save_and_fire_answer_only_post(void **state)
{
    req_t *r = new_req(*state, "GET", "/demands/" UUID "/fire/take", "127.0.0.1");

    route_dispatch(r);
    assert_int_equal(r->status, 405);
    assert_string_equal(header(r, "Allow"), "POST");
    r = new_req(*state, "PUT", "/demands/" UUID "/page/bank", "127.0.0.1");
    route_dispatch(r);
    assert_int_equal(r->status, 405);
    assert_string_equal(header(r, "Allow"), "GET,POST");
    assert_int_equal(guard_calls, 0);
}

/* A fire with a version that is no number: refused with the error page
 * after the guard, and the handler (which would need the database) never
 * runs. */
static void
test_fire_version_checked_before_the_handler(void **state)
{
    static const char *const bad[] = { "abc", "-1", "2147483648", "", "1.5", "1e3", " 1" };
    size_t i;

    guard_code = EN_OK;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        req_t *r = new_req(*state, "POST", "/demands/" UUID "/fire/take", "127.0.0.1");

        kv_add(*state, &r->form, "version", bad[i]);
        err_calls = 0;
        route_dispatch(r);
        if (r->status != 400)
            fail_msg("version \"%s\": %d, want 400", bad[i], r->status);
        assert_int_equal(err_calls, 1);
        assert_string_equal(err_key, "err.bad_param");
        assert_string_equal(err_detail, "version");
        assert_string_equal(r->route_name, "demand_fire");
    }
    /* in the query string as well, and sent twice */
    {
        req_t *r = new_req(*state, "POST", "/demands/" UUID "/fire/take", "127.0.0.1");

        kv_add(*state, &r->query_params, "version", "x");
        route_dispatch(r);
        assert_int_equal(r->status, 400);
        r = new_req(*state, "POST", "/demands/" UUID "/fire/take", "127.0.0.1");
        kv_add(*state, &r->query_params, "version", "3");
        kv_add(*state, &r->form, "version", "4");
        route_dispatch(r);
        assert_int_equal(r->status, 400);
    }
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
        T(test_capture_route_path_param),
        T(test_guard_made_response),
        T(test_guard_bad_input_shows_message),
        T(test_loopback_only),
        T(test_every_pattern_is_well_formed),
        T(test_value_types),
        T(test_captures),
        T(test_capture_type_refusal),
        T(test_trailing_slash_and_empty_segments),
        T(test_overlong_segments),
        T(test_percent_encoded_input),
        T(test_precedence),
        T(test_declared_params),
        T(test_demand_routes_by_name),
        T(test_malformed_demand_paths_are_404_before_the_guard),
        T(test_save_and_fire_answer_only_post),
        T(test_fire_version_checked_before_the_handler),
    };
#undef T

    return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
