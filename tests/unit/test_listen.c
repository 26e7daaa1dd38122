/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_listen.c -- the FastCGI listening address and its allow-list
 * (engine/listen.c): parsing `listen` (unix path or TCP address:port),
 * parsing `listen_allow` (addresses and CIDRs) and matching a peer.
 */
#include "test_util.h"
#include "listen.h"

#include <arpa/inet.h>
#include <netinet/in.h>

static void
test_addr_unix(void **state)
{
    listen_addr_t a;
    en_err_t      err = { 0 };

    (void) state;
    assert_int_equal(listen_parse_addr("/run/guichet/guichet.sock", &a, &err), EN_OK);
    assert_false(a.tcp);
    assert_string_equal(a.path, "/run/guichet/guichet.sock");
    assert_int_equal(listen_parse_addr("var/run/guichet.sock", &a, &err), EN_OK);
    assert_false(a.tcp);
    assert_int_equal(listen_parse_addr("unix:/tmp/guichet.sock", &a, &err), EN_OK);
    assert_false(a.tcp);
    assert_string_equal(a.path, "/tmp/guichet.sock");
}

static void
test_addr_tcp(void **state)
{
    listen_addr_t        a;
    en_err_t             err = { 0 };
    struct sockaddr_in  *in = (struct sockaddr_in *) &a.sa;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &a.sa;
    char                 text[INET6_ADDRSTRLEN];

    (void) state;
    assert_int_equal(listen_parse_addr("10.0.0.5:9000", &a, &err), EN_OK);
    assert_true(a.tcp);
    assert_int_equal(in->sin_family, AF_INET);
    assert_int_equal(ntohs(in->sin_port), 9000);
    assert_string_equal(inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text)), "10.0.0.5");
    assert_int_equal(listen_parse_addr("tcp:127.0.0.1:9001", &a, &err), EN_OK);
    assert_true(a.tcp);
    assert_int_equal(ntohs(in->sin_port), 9001);
    assert_int_equal(listen_parse_addr("[fd00::5]:65535", &a, &err), EN_OK);
    assert_true(a.tcp);
    assert_int_equal(in6->sin6_family, AF_INET6);
    assert_int_equal(ntohs(in6->sin6_port), 65535);
    assert_string_equal(inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text)), "fd00::5");
}

static void
test_addr_refused(void **state)
{
    static const char *bad[] = {
        "", "unix:", "10.0.0.5:0", "10.0.0.5:65536", "10.0.0.5:", "10.0.0.5:90a",
        "10.0.0.5:-1", "host.example:9000", "10.0.0:9000", "tcp:10.0.0.5",
        "tcp:/run/x.sock", "[fd00::5:9000", "[fd00::5]9000", "[10.0.0.5]:9000",
        "fd00::5:9000", ":9000", "unix:/tmp/a:9.sock",
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        listen_addr_t a;
        en_err_t      err = { 0 };

        if (listen_parse_addr(bad[i], &a, &err) != EN_BADINPUT)
            fail_msg("listen \"%s\" accepted", bad[i]);
        assert_string_equal(err.key, "cfg.listen");
    }
}

static void
peer4(struct sockaddr_storage *ss, const char *ip)
{
    struct sockaddr_in *in = (struct sockaddr_in *) ss;

    memset(ss, 0, sizeof(*ss));
    in->sin_family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, ip, &in->sin_addr), 1);
}

static void
peer6(struct sockaddr_storage *ss, const char *ip)
{
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) ss;

    memset(ss, 0, sizeof(*ss));
    in6->sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, ip, &in6->sin6_addr), 1);
}

typedef struct {
    const char *list;
    const char *peer;
    int         want;
} match_t;

static const match_t matches[] = {
    { "10.0.0.2 10.0.0.3", "10.0.0.2", 1 },
    { "10.0.0.2 10.0.0.3", "10.0.0.3", 1 },
    { "10.0.0.2 10.0.0.3", "10.0.0.4", 0 },
    { "10.0.0.2,10.0.0.3", "10.0.0.3", 1 },
    { "10.0.0.2, 10.0.0.3", "10.0.0.3", 1 },
    { "10.0.1.0/24", "10.0.1.255", 1 },
    { "10.0.1.0/24", "10.0.2.0", 0 },
    { "10.0.1.77/24", "10.0.1.3", 1 },          /* host bits are masked */
    { "10.0.0.0/29", "10.0.0.7", 1 },
    { "10.0.0.0/29", "10.0.0.8", 0 },
    { "127.0.0.2", "127.0.0.1", 0 },
    { "127.0.0.1", "127.0.0.1", 1 },
    { "0.0.0.0/0", "192.0.2.1", 1 },
    { "", "127.0.0.1", 0 },                      /* empty: nobody */
    { "fd00::/8", "fd12::1", 1 },
    { "fd00::/8", "fe80::1", 0 },
    { "::1", "::1", 1 },
    { "::1", "127.0.0.1", 0 },
    { "127.0.0.1", "::ffff:127.0.0.1", 1 },      /* IPv4 through an IPv6 socket */
    { "127.0.0.1", "::ffff:127.0.0.2", 0 },
    { "10.0.0.0/8", "::ffff:10.1.2.3", 1 },
    { "fd00::1/127", "fd00::1", 1 },
    { "fd00::2/127", "fd00::1", 0 },
};

static void
test_allow_match(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(matches) / sizeof(matches[0]); i++) {
        const match_t          *t = &matches[i];
        listen_allow_t          allow;
        struct sockaddr_storage ss;
        en_err_t                err = { 0 };
        int                     got;

        assert_int_equal(listen_parse_allow(t->list, &allow, &err), EN_OK);
        if (strchr(t->peer, ':'))
            peer6(&ss, t->peer);
        else
            peer4(&ss, t->peer);
        got = listen_peer_allowed(&allow, (struct sockaddr *) &ss);
        if (got != t->want)
            fail_msg("allow \"%s\" peer %s: %d, want %d", t->list, t->peer, got, t->want);
    }
}

static void
test_allow_refused(void **state)
{
    static const char *bad[] = {
        "nginx.example", "10.0.0.2 10.0.0", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8x",
        "10.0.0.0/-1", "10.0.0.0/+8", "fd00::/129", "10.0.0.2/ 8", "*",
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        listen_allow_t allow;
        en_err_t       err = { 0 };

        if (listen_parse_allow(bad[i], &allow, &err) != EN_BADINPUT)
            fail_msg("listen_allow \"%s\" accepted", bad[i]);
        assert_string_equal(err.key, "cfg.listen_allow");
    }
}

static void
test_allow_too_many(void **state)
{
    char           list[LISTEN_MAX_ALLOW * 16 + 32] = "";
    listen_allow_t allow;
    en_err_t       err = { 0 };
    int            i;

    (void) state;
    for (i = 0; i <= LISTEN_MAX_ALLOW; i++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "10.0.0.%d ", i);
    assert_int_equal(listen_parse_allow(list, &allow, &err), EN_BADINPUT);
    list[strlen(list) - strlen("10.0.0.32 ")] = '\0';
    assert_int_equal(listen_parse_allow(list, &allow, &err), EN_OK);
    assert_int_equal(allow.n, LISTEN_MAX_ALLOW);
}

/* a unix peer or no list never matches: listen_accept lets unix peers
 * through before asking */
static void
test_allow_other_family(void **state)
{
    listen_allow_t          allow;
    struct sockaddr_storage ss;
    en_err_t                err = { 0 };

    (void) state;
    assert_int_equal(listen_parse_allow("0.0.0.0/0 ::/0", &allow, &err), EN_OK);
    memset(&ss, 0, sizeof(ss));
    ss.ss_family = AF_UNIX;
    assert_false(listen_peer_allowed(&allow, (struct sockaddr *) &ss));
    assert_false(listen_peer_allowed(NULL, (struct sockaddr *) &ss));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr_unix),
        cmocka_unit_test(test_addr_tcp),
        cmocka_unit_test(test_addr_refused),
        cmocka_unit_test(test_allow_match),
        cmocka_unit_test(test_allow_refused),
        cmocka_unit_test(test_allow_too_many),
        cmocka_unit_test(test_allow_other_family),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
