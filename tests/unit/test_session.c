/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_session.c -- the pure parts of session.c and auth_oidc.c: session
 * tokens (shape, randomness, hash), the constant-time compare, return_to
 * validation, the session cookie's name and flags, assurance names, the
 * OpenID Connect claim helpers (audience, text cleaning, token shapes),
 * and the route guard's answers to anonymous requests (no cookie: no
 * database).  Sessions, login and CSRF against the real stack are in
 * tests/integration/test_auth.py.
 */
#include "test_util.h"

#include "auth_oidc.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "xml_safe.h"

static void
test_token_shape_and_uniqueness(void **state)
{
    pool_t     *p = pool_new(0);
    const char *a = session_token_new(p), *b = session_token_new(p);
    size_t      i;

    (void) state;
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(strlen(a), SESSION_TOKEN_LEN);
    for (i = 0; a[i]; i++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                               a[i]));
    assert_string_not_equal(a, b);
    assert_true(session_token_ok(a));
    pool_free(p);
}

static void
test_token_ok_refuses_other_shapes(void **state)
{
    (void) state;
    assert_false(session_token_ok(NULL));
    assert_false(session_token_ok(""));
    assert_false(session_token_ok("abc"));
    /* 43 characters but one outside base64url */
    assert_false(session_token_ok("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    assert_false(session_token_ok("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA;"));
    /* 44 */
    assert_false(session_token_ok("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    assert_true(session_token_ok("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_"));
}

static void
test_token_hash_is_sha256_hex(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    assert_string_equal(session_token_hash(p, "abc"),
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_string_equal(session_token_hash(p, ""),
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* two blocks, then a short one again: the reused context starts afresh */
    assert_string_equal(session_token_hash(p, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    assert_string_equal(session_token_hash(p, "abc"),
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    pool_free(p);
}

static void
test_ct_equal(void **state)
{
    (void) state;
    assert_true(session_ct_equal("abc", "abc"));
    assert_true(session_ct_equal("", ""));
    assert_false(session_ct_equal("abc", "abd"));
    assert_false(session_ct_equal("abc", "ab"));
    assert_false(session_ct_equal("ab", "abc"));
    assert_false(session_ct_equal("", "a"));
    assert_false(session_ct_equal(NULL, "a"));
    assert_false(session_ct_equal("a", NULL));
    assert_false(session_ct_equal(NULL, NULL));
}

static void
test_return_to(void **state)
{
    char long_path[2100];

    (void) state;
    assert_true(session_return_to_ok("/"));
    assert_true(session_return_to_ok("/demandes/12?tab=docs&x=%20"));
    assert_false(session_return_to_ok(NULL));
    assert_false(session_return_to_ok(""));
    assert_false(session_return_to_ok("//evil.example/x"));
    assert_false(session_return_to_ok("/\\evil.example"));
    assert_false(session_return_to_ok("/a\\b"));
    assert_false(session_return_to_ok("https://evil.example/"));
    assert_false(session_return_to_ok("javascript:alert(1)"));
    assert_false(session_return_to_ok("evil"));
    assert_false(session_return_to_ok("/a b"));
    assert_false(session_return_to_ok("/a\r\nSet-Cookie: x=y"));
    assert_false(session_return_to_ok("/\xc3\xa9"));
    memset(long_path, 'a', sizeof(long_path) - 1);
    long_path[0] = '/';
    long_path[sizeof(long_path) - 1] = '\0';
    assert_false(session_return_to_ok(long_path));
}

static void
test_cookie_name_and_flags(void **state)
{
    pool_t *p = pool_new(0);
    cfg_t   cfg;

    (void) state;
    memset(&cfg, 0, sizeof(cfg));
    assert_string_equal(session_cookie_name(&cfg), "__Host-guichet");
    cfg.dev = 1;
    assert_string_equal(session_cookie_name(&cfg), "guichet_session");
    assert_string_equal(session_cookie_name(NULL), "__Host-guichet");
    assert_string_equal(session_cookie_header(p, "__Host-guichet", "tok", 1, 43200),
                        "__Host-guichet=tok; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax; "
                        "Secure");
    assert_string_equal(session_cookie_header(p, "guichet_session", "tok", 0, 60),
                        "guichet_session=tok; Path=/; Max-Age=60; HttpOnly; SameSite=Lax");
    /* deletion */
    assert_string_equal(session_cookie_header(p, "__Host-guichet", NULL, 1, 43200),
                        "__Host-guichet=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure");
    pool_free(p);
}

static void
test_assurance_names(void **state)
{
    int a;

    (void) state;
    for (a = ASSURANCE_NONE; a <= ASSURANCE_STRONG; a++)
        assert_int_equal(assurance_by_name(assurance_name((assurance_t) a)), a);
    assert_string_equal(assurance_name(ASSURANCE_STRONG), "strong");
    assert_int_equal(assurance_by_name("email"), ASSURANCE_EMAIL);
    assert_int_equal(assurance_by_name("super"), -1);
    assert_int_equal(assurance_by_name(NULL), -1);
}

/* --- auth_oidc helpers --------------------------------------------------- */

static void
test_aud(void **state)
{
    const char *one[] = { "guichet" };
    const char *two[] = { "other", "guichet" };
    const char *none[] = { "other" };

    (void) state;
    assert_true(auth_oidc_aud_ok(one, 1, NULL, "guichet"));
    assert_true(auth_oidc_aud_ok(one, 1, "guichet", "guichet"));
    assert_false(auth_oidc_aud_ok(one, 1, "other", "guichet"));
    assert_false(auth_oidc_aud_ok(none, 1, NULL, "guichet"));
    /* several audiences: azp must name us */
    assert_false(auth_oidc_aud_ok(two, 2, NULL, "guichet"));
    assert_true(auth_oidc_aud_ok(two, 2, "guichet", "guichet"));
    assert_false(auth_oidc_aud_ok(two, 2, "other", "guichet"));
    assert_false(auth_oidc_aud_ok(one, 0, NULL, "guichet"));
    assert_false(auth_oidc_aud_ok(one, 1, NULL, NULL));
}

static void
test_clean_text(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    assert_string_equal(auth_oidc_clean_text(p, "Agnès Dubois", 100), "Agnès Dubois");
    assert_string_equal(auth_oidc_clean_text(p, "  a\x01\nb\x7f  ", 100), "ab");
    /* counts characters, not bytes, and never cuts one in two */
    assert_string_equal(auth_oidc_clean_text(p, "éééé", 2), "éé");
    assert_null(auth_oidc_clean_text(p, "   ", 10));
    assert_null(auth_oidc_clean_text(p, "", 10));
    assert_null(auth_oidc_clean_text(p, NULL, 10));
    pool_free(p);
}

static void
test_token_chars_and_url_encode(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    assert_true(auth_oidc_token_chars("a1b2-_", 10, "-_"));
    assert_false(auth_oidc_token_chars("a1b2-_", 5, "-_"));
    assert_false(auth_oidc_token_chars("a b", 10, "-_"));
    assert_false(auth_oidc_token_chars("a&b=c", 10, "-_"));
    assert_false(auth_oidc_token_chars("", 10, NULL));
    assert_false(auth_oidc_token_chars(NULL, 10, NULL));
    assert_string_equal(auth_url_encode(p, "http://h:1/a b?é"),
                        "http%3A%2F%2Fh%3A1%2Fa%20b%3F%C3%A9");
    assert_string_equal(auth_url_encode(p, "A-z_0.9~"), "A-z_0.9~");
    pool_free(p);
}

/* --- the guard, anonymous (no cookie, so no database) --------------------- */

static cfg_t guard_cfg;

static int
guard_setup(void **state)
{
    en_err_t err;

    (void) state;
    memset(&guard_cfg, 0, sizeof(guard_cfg));
    guard_cfg.dev = 1;
    guard_cfg.base_url = "http://127.0.0.1:8080";
    guard_cfg.xslt_dir = TEST_ROOT "/xslt";
    guard_cfg.default_lang = "fr";
    guard_cfg.session_idle = 1800;
    guard_cfg.session_absolute = 43200;
    xml_safe_init();
    en_clear(&err);
    return render_init(&guard_cfg, &err) == EN_OK ? 0 : -1;
}

static req_t *
anon_req(pool_t *p, const char *method, const char *path, const char *query,
         const route_t *rt)
{
    req_t *r = pool_calloc(p, sizeof(*r));

    r->pool = p;
    r->cfg = &guard_cfg;
    r->method = method;
    r->path = r->raw_path = path;
    r->query = query;
    r->lang = "fr";
    r->request_id = "0123456789abcdef";
    r->route = rt;
    return r;
}

static const char *
header(req_t *r, const char *name)
{
    kv_t *h;

    for (h = r->headers; h != NULL; h = h->next)
        if (!strcmp(h->name, name))
            return h->value;
    return NULL;
}

static int
noop(req_t *r)
{
    (void) r;
    return EN_OK;
}

static void
test_guard_anonymous(void **state)
{
    static const route_t priv = { "GET|POST", "/x", "x", noop, 0, NULL };
    static const route_t pub = { "GET|POST", "/p", "p", noop, ROUTE_PUBLIC, NULL };
    static const route_t pub_nocsrf = { "POST", "/n", "n", noop, ROUTE_PUBLIC | ROUTE_NO_CSRF, NULL };
    pool_t *p = pool_new(0);
    req_t  *r;

    (void) state;
    /* a page: to the login, remembering where */
    r = anon_req(p, "GET", "/demandes/3", "tab=docs&x=%C3%A9", &priv);
    assert_int_equal(session_guard(r), EN_UNAUTH);
    assert_int_equal(r->status, 303);
    assert_string_equal(header(r, "Location"),
                        "/auth/login?return_to=/demandes/3%3Ftab%3Ddocs%26x%3D%25C3%25A9");
    /* a form post: 401, nothing done */
    r = anon_req(p, "POST", "/x", "", &priv);
    assert_int_equal(session_guard(r), EN_UNAUTH);
    assert_int_equal(r->status, 401);
    /* public pages pass */
    r = anon_req(p, "GET", "/p", "", &pub);
    assert_int_equal(session_guard(r), EN_OK);
    assert_null(r->session);
    assert_int_equal(r->status, 0);
    /* an anonymous POST to a public route still needs a token: refused */
    r = anon_req(p, "POST", "/p", "", &pub);
    assert_int_equal(session_guard(r), EN_FORBIDDEN);
    assert_int_equal(r->status, 403);
    assert_string_equal(r->err.key, "err.csrf");
    /* unless the route says it takes no form */
    r = anon_req(p, "POST", "/n", "", &pub_nocsrf);
    assert_int_equal(session_guard(r), EN_OK);
    pool_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_shape_and_uniqueness),
        cmocka_unit_test(test_token_ok_refuses_other_shapes),
        cmocka_unit_test(test_token_hash_is_sha256_hex),
        cmocka_unit_test(test_ct_equal),
        cmocka_unit_test(test_return_to),
        cmocka_unit_test(test_cookie_name_and_flags),
        cmocka_unit_test(test_assurance_names),
        cmocka_unit_test(test_aud),
        cmocka_unit_test(test_clean_text),
        cmocka_unit_test(test_token_chars_and_url_encode),
        cmocka_unit_test_setup(test_guard_anonymous, guard_setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
