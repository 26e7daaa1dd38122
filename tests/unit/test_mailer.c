/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_mailer.c -- the pure parts of mailer.c: MIME building (RFC 2047
 * subjects, quoted-printable bodies, addresses, multipart/alternative) and
 * the retry backoff.  Moved here from test_wf_fire.c, which now tests
 * wf_fire.  Sending through SMTP is tested in
 * tests/integration/test_workflow_engine.py.
 */
#include "test_util.h"

#include <time.h>

#include "mailer.h"
#include "pool.h"

static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return timegm(&tm);
}

/* --- MIME ------------------------------------------------------------------ */

static void
test_header_plain_ascii_is_kept(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    assert_string_equal(mail_encode_header(p, "Demand received (2026-000123)"),
                        "Demand received (2026-000123)");
    pool_free(p);
}

static void
test_header_utf8_is_rfc2047_encoded(void **state)
{
    pool_t     *p = pool_new(0);
    const char *h = mail_encode_header(p, "Demande reçue");

    (void) state;
    /* "Demande reçue" in UTF-8, base64 */
    assert_string_equal(h, "=?UTF-8?B?RGVtYW5kZSByZcOndWU=?=");
    pool_free(p);
}

static void
test_header_long_utf8_splits_on_characters(void **state)
{
    pool_t     *p = pool_new(0);
    /* 30 "é" = 60 bytes: two words, none may cut a 2-byte sequence */
    const char *in = "éééééééééééééééééééééééééééééé";
    const char *h = mail_encode_header(p, in), *w;
    int         words = 0;

    (void) state;
    for (w = h; (w = strstr(w, "=?UTF-8?B?")) != NULL; w++) {
        const char *end = strstr(w, "?=");

        assert_non_null(end);
        assert_true(end + 2 - w <= 75);
        words++;
    }
    assert_int_equal(words, 2);
    assert_non_null(strstr(h, "?=\r\n =?UTF-8?B?"));
    /* 19 é = 38 bytes fit in the first word (39 would split one) */
    assert_true(!strncmp(h, "=?UTF-8?B?w6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6k=?=", 62));
    pool_free(p);
}

static void
test_header_never_carries_a_newline(void **state)
{
    pool_t     *p = pool_new(0);
    const char *h = mail_encode_header(p, "Hello\r\nBcc: victim@example.ch");

    (void) state;
    assert_true(!strncmp(h, "=?UTF-8?B?", 10));
    assert_null(strstr(h, "Bcc:"));
    assert_null(strchr(h, '\n'));
    /* encoded-word lookalikes in plain text are encoded too */
    assert_true(!strncmp(mail_encode_header(p, "=?x?="), "=?UTF-8?B?", 10));
    pool_free(p);
}

static void
test_quoted_printable(void **state)
{
    pool_t     *p = pool_new(0);
    const char *q;
    char        longline[200];
    const char *line;

    (void) state;
    assert_string_equal(mail_qp_encode(p, "Référence = 42", strlen("Référence = 42")),
                        "R=C3=A9f=C3=A9rence =3D 42");
    /* LF becomes CRLF, trailing blanks are encoded */
    assert_string_equal(mail_qp_encode(p, "a \nb\t\n", 6), "a=20\r\nb=09\r\n");
    assert_string_equal(mail_qp_encode(p, "x\r\ny", 4), "x\r\ny");
    assert_string_equal(mail_qp_encode(p, "From here", 9), "=46rom here");
    /* no line over 76 characters, soft breaks in between */
    memset(longline, 'a', sizeof(longline));
    longline[sizeof(longline) - 1] = '\0';
    q = mail_qp_encode(p, longline, strlen(longline));
    for (line = q; line != NULL; ) {
        const char *e = strstr(line, "\r\n");
        size_t      n = e ? (size_t) (e - line) : strlen(line);

        assert_true(n <= 76);
        line = e ? e + 2 : NULL;
    }
    assert_non_null(strstr(q, "=\r\n"));
    /* an encoded triplet is never cut by a soft break */
    memset(longline, 0, sizeof(longline));
    memset(longline, 'b', 74);
    strcat(longline, "éé");
    q = mail_qp_encode(p, longline, strlen(longline));
    assert_null(strstr(q, "=C=\r\n"));
    assert_null(strstr(q, "=\r\n3"));
    pool_free(p);
}

static void
test_addresses(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    assert_string_equal(mail_addr_spec(p, "Guichet <noreply@vd.ch>"), "noreply@vd.ch");
    assert_string_equal(mail_addr_spec(p, "jeanne@example.ch"), "jeanne@example.ch");
    assert_null(mail_addr_spec(p, "jeanne@example.ch\r\nBcc: x@y.ch"));
    assert_null(mail_addr_spec(p, "a@b@c"));
    assert_null(mail_addr_spec(p, "a@b.ch, c@d.ch"));
    assert_null(mail_addr_spec(p, "@b.ch"));
    assert_null(mail_addr_spec(p, "a@"));
    assert_null(mail_addr_spec(p, "no at sign"));
    assert_null(mail_addr_spec(p, "Name <a@b.ch> trailing"));
    assert_string_equal(mail_display_name(p, "\"Guichet VD\" <noreply@vd.ch>"), "Guichet VD");
    assert_null(mail_display_name(p, "noreply@vd.ch"));
    pool_free(p);
}

static void
test_build_multipart_alternative(void **state)
{
    pool_t     *p = pool_new(0);
    mail_msg_t  m;
    const char *msg;
    size_t      len;

    (void) state;
    memset(&m, 0, sizeof(m));
    m.from = "Guichet <noreply@guichet.localhost>";
    m.to = "jeanne@example.ch";
    m.to_name = "Jeanne Dupont-Müller";
    m.subject = "Demande reçue – Soutien culturel (2026-000123)";
    m.text = "Bonjour,\nVotre demande 2026-000123 est reçue.\n";
    m.html = "<html><body><p>Bonjour</p></body></html>";
    m.message_id = "<guichet.1.2@guichet.localhost>";
    m.reference = "2026-000123";
    m.boundary = "=_guichet_test";
    m.date = utc(2026, 11, 23, 8, 53, 48);
    msg = mail_build(p, &m, &len);
    assert_non_null(msg);
    assert_int_equal(len, strlen(msg));
    assert_non_null(strstr(msg, "Date: Mon, 23 Nov 2026 08:53:48 +0000\r\n"));
    assert_non_null(strstr(msg, "From: \"Guichet\" <noreply@guichet.localhost>\r\n"));
    assert_non_null(strstr(msg, "To: =?UTF-8?B?"));
    assert_non_null(strstr(msg, " <jeanne@example.ch>\r\n"));
    assert_non_null(strstr(msg, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "Message-ID: <guichet.1.2@guichet.localhost>\r\n"));
    assert_non_null(strstr(msg, "X-Guichet-Reference: 2026-000123\r\n"));
    assert_non_null(strstr(msg, "MIME-Version: 1.0\r\n"));
    assert_non_null(strstr(msg, "Content-Type: multipart/alternative;\r\n boundary=\"=_guichet_test\"\r\n"));
    assert_non_null(strstr(msg, "\r\n--=_guichet_test\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                                "Content-Transfer-Encoding: quoted-printable\r\n\r\nBonjour,\r\n"));
    assert_non_null(strstr(msg, "Content-Type: text/html; charset=UTF-8\r\n"));
    assert_non_null(strstr(msg, "\r\n--=_guichet_test--\r\n"));
    /* text before html: the last alternative is the preferred one */
    assert_true(strstr(msg, "text/plain") < strstr(msg, "text/html"));
    /* headers end with one blank line before the preamble */
    assert_non_null(strstr(msg, "\r\n\r\nThis is a message in MIME format."));
    /* nowhere a bare LF */
    {
        const char *c;

        for (c = msg; *c; c++)
            if (*c == '\n')
                assert_true(c > msg && c[-1] == '\r');
    }
    pool_free(p);
}

static void
test_build_refuses_bad_addresses_and_plain_text_only(void **state)
{
    pool_t     *p = pool_new(0);
    mail_msg_t  m;
    const char *msg;

    (void) state;
    memset(&m, 0, sizeof(m));
    m.from = "noreply@guichet.localhost";
    m.to = "x@y.ch\nBcc: z@w.ch";
    m.subject = "s";
    m.text = "t";
    assert_null(mail_build(p, &m, NULL));
    m.to = "x@y.ch";
    msg = mail_build(p, &m, NULL);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "From: noreply@guichet.localhost\r\n"));
    assert_non_null(strstr(msg, "Content-Type: text/plain; charset=UTF-8\r\n"));
    assert_null(strstr(msg, "multipart"));
    pool_free(p);
}

static void
test_backoff_doubles_then_caps(void **state)
{
    (void) state;
    assert_int_equal(mailer_backoff(1), MAILER_BACKOFF_BASE);
    assert_int_equal(mailer_backoff(2), 2 * MAILER_BACKOFF_BASE);
    assert_int_equal(mailer_backoff(3), 4 * MAILER_BACKOFF_BASE);
    assert_int_equal(mailer_backoff(30), MAILER_BACKOFF_MAX);
    assert_int_equal(mailer_backoff(0), MAILER_BACKOFF_BASE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_plain_ascii_is_kept),
        cmocka_unit_test(test_header_utf8_is_rfc2047_encoded),
        cmocka_unit_test(test_header_long_utf8_splits_on_characters),
        cmocka_unit_test(test_header_never_carries_a_newline),
        cmocka_unit_test(test_quoted_printable),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_build_multipart_alternative),
        cmocka_unit_test(test_build_refuses_bad_addresses_and_plain_text_only),
        cmocka_unit_test(test_backoff_doubles_then_caps),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
