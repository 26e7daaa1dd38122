/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_wf_fire.c -- the pure parts of the workflow runtime: ISO-8601
 * durations added to instants (timers' due times), the demand reference
 * format, and the mailer's MIME building (RFC 2047 subjects,
 * quoted-printable bodies, addresses, multipart/alternative), plus the
 * retry backoff.  What touches PostgreSQL or SMTP is tested in
 * tests/integration/test_workflow_engine.py.
 */
#include "test_util.h"

#include <time.h>

#include "mailer.h"
#include "pool.h"
#include "wf_demand.h"
#include "wf_fire.h"

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

static const char *
iso_after(pool_t *p, time_t t, const char *dur)
{
    wf_duration_t d;
    const char   *why = NULL;

    if (wf_duration_parse(dur, &d, &why) != 0)
        return "BAD";
    return wf_due_iso(p, t, &d);
}

static void
use_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

/* --- durations and due times ------------------------------------------------ */

static void
test_duration_parse_parts(void **state)
{
    wf_duration_t d;
    const char   *why;

    (void) state;
    assert_int_equal(wf_duration_parse("P1Y2M3DT4H5M6S", &d, &why), 0);
    assert_int_equal(d.months, 14);
    assert_int_equal(d.days, 3);
    assert_int_equal(d.seconds, 4 * 3600 + 5 * 60 + 6);
    assert_int_equal(wf_duration_parse("P2W", &d, &why), 0);
    assert_int_equal(d.days, 14);
    assert_int_equal(wf_duration_parse("PT90M", &d, &why), 0);
    assert_int_equal(d.seconds, 5400);
}

static void
test_duration_parse_refuses_malformed(void **state)
{
    static const char *bad[] = {
        "", "P", "PT", "60D", "P-1D", "P1.5D", "P1H", "PT1D", "P1D1M", "P1DT",
        "P1M1M", "PT1S1M", "P1DX", "p1d", "P0D", "P101Y", "P99999999999D", NULL
    };
    wf_duration_t d;
    const char   *why;
    int           i;

    (void) state;
    for (i = 0; bad[i] != NULL; i++) {
        why = NULL;
        assert_int_equal(wf_duration_parse(bad[i], &d, &why), -1);
        assert_non_null(why);
    }
}

static void
test_due_at_calendar_arithmetic_utc(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    use_tz("UTC");
    /* days are calendar days, crossing months and years */
    assert_string_equal(iso_after(p, utc(2026, 11, 23, 8, 0, 0), "P60D"),
                        "2027-01-22T08:00:00Z");
    assert_string_equal(iso_after(p, utc(2026, 12, 31, 23, 30, 0), "P1D"),
                        "2027-01-01T23:30:00Z");
    /* months clamp to the month's end, leap years included */
    assert_string_equal(iso_after(p, utc(2026, 1, 31, 12, 0, 0), "P1M"),
                        "2026-02-28T12:00:00Z");
    assert_string_equal(iso_after(p, utc(2028, 1, 31, 12, 0, 0), "P1M"),
                        "2028-02-29T12:00:00Z");
    assert_string_equal(iso_after(p, utc(2026, 11, 30, 0, 0, 0), "P3M"),
                        "2027-02-28T00:00:00Z");
    assert_string_equal(iso_after(p, utc(2028, 2, 29, 0, 0, 0), "P1Y"),
                        "2029-02-28T00:00:00Z");
    /* months first, then days (31 Jan + P1M1D = 1 Mar in 2026) */
    assert_string_equal(iso_after(p, utc(2026, 1, 31, 0, 0, 0), "P1M1D"),
                        "2026-03-01T00:00:00Z");
    /* the time part is exact seconds */
    assert_string_equal(iso_after(p, utc(2026, 11, 23, 8, 0, 0), "PT30S"),
                        "2026-11-23T08:00:30Z");
    /* the enrolment's chained deadlines: 10 days, 3 months */
    assert_string_equal(iso_after(p, utc(2026, 2, 20, 9, 15, 0), "P10D"),
                        "2026-03-02T09:15:00Z");
    assert_string_equal(iso_after(p, utc(2026, 11, 23, 8, 0, 0), "P3M"),
                        "2027-02-23T08:00:00Z");
    assert_string_equal(iso_after(p, utc(2026, 11, 23, 8, 0, 0), "nonsense"), "BAD");
    pool_free(p);
}

static void
test_due_at_keeps_the_civil_hour_across_dst_in_zurich(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    use_tz("Europe/Zurich");
    /* Sat 28 Mar 2026 12:00 CET (11:00Z) + P1D = Sun 29 Mar 12:00 CEST
     * (10:00Z): a day is a calendar day, 23 hours that time */
    assert_string_equal(iso_after(p, utc(2026, 3, 28, 11, 0, 0), "P1D"),
                        "2026-03-29T10:00:00Z");
    /* and 25 hours in October */
    assert_string_equal(iso_after(p, utc(2026, 10, 24, 10, 0, 0), "P1D"),
                        "2026-10-25T11:00:00Z");
    /* hours stay exact: 2 hours later is 2 hours later */
    assert_string_equal(iso_after(p, utc(2026, 3, 29, 0, 0, 0), "PT2H"),
                        "2026-03-29T02:00:00Z");
    use_tz("UTC");
    pool_free(p);
}

static void
test_time_iso_format(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    assert_string_equal(wf_time_iso(p, 0), "1970-01-01T00:00:00Z");
    assert_string_equal(wf_time_iso(p, utc(2026, 11, 23, 8, 53, 48)),
                        "2026-11-23T08:53:48Z");
    pool_free(p);
}

/* --- references ---------------------------------------------------------- */

static void
test_reference_format(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    assert_string_equal(wf_reference_format(p, 2026, 123), "2026-000123");
    assert_string_equal(wf_reference_format(p, 2026, 1), "2026-000001");
    assert_string_equal(wf_reference_format(p, 2027, 999999), "2027-999999");
    assert_string_equal(wf_reference_format(p, 2027, 1234567), "2027-1234567");
    assert_true(wf_reference_ok("2026-000123"));
    assert_true(wf_reference_ok("2027-1234567"));
    assert_false(wf_reference_ok("2026-00123"));
    assert_false(wf_reference_ok("26-000123"));
    assert_false(wf_reference_ok("2026_000123"));
    assert_false(wf_reference_ok("2026-000123 "));
    assert_false(wf_reference_ok("2026-0001x3"));
    assert_false(wf_reference_ok(""));
    assert_false(wf_reference_ok(NULL));
    pool_free(p);
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
        cmocka_unit_test(test_duration_parse_parts),
        cmocka_unit_test(test_duration_parse_refuses_malformed),
        cmocka_unit_test(test_due_at_calendar_arithmetic_utc),
        cmocka_unit_test(test_due_at_keeps_the_civil_hour_across_dst_in_zurich),
        cmocka_unit_test(test_time_iso_format),
        cmocka_unit_test(test_reference_format),
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
