/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_log.c -- JSON-lines logging (engine/log.c).
 *
 * log_json_str is table-driven: input, buffer size, the exact bytes
 * written and the length it reports wanting (snprintf-like, so a
 * truncated result still reports the full length).  The line writers are
 * checked by pointing stderr at a temporary file and reading back what one
 * write(2) put there.
 */
#include "test_util.h"
#include "log.h"

#include <fcntl.h>
#include <unistd.h>

typedef struct {
    const char *in;
    size_t      cap;
    const char *out;      /* exact NUL-terminated result */
    size_t      want;     /* returned length */
} json_case_t;

static const json_case_t json_cases[] = {
    { "plain", 64, "\"plain\"", 7 },
    { "", 64, "\"\"", 2 },
    { NULL, 64, "\"\"", 2 },
    { "say \"hi\"", 64, "\"say \\\"hi\\\"\"", 12 },
    { "C:\\dir\\f", 64, "\"C:\\\\dir\\\\f\"", 12 },
    { "a\nb\rc\td", 64, "\"a\\nb\\rc\\td\"", 12 },
    { "\x01", 64, "\"\\u0001\"", 8 },
    { "x\x1fy", 64, "\"x\\u001fy\"", 10 },
    { "\x08\x0c\x1b", 64, "\"\\u0008\\u000c\\u001b\"", 20 },
    { "del\x7f", 64, "\"del\x7f\"", 6 },                 /* not a control < 0x20 */
    { "caf\xc3\xa9 \xe2\x82\xac", 64, "\"caf\xc3\xa9 \xe2\x82\xac\"", 11 },
    { "</script>", 64, "\"</script>\"", 11 },
    /* truncation: at most cap - 1 bytes and a NUL; the length wanted */
    { "abcdefghij", 13, "\"abcdefghij\"", 12 },
    { "abcdefghij", 12, "\"abcdefghij", 12 },
    { "abcdefghij", 8, "\"abcdef", 12 },
    { "abcdefghij", 2, "\"", 12 },
    { "abcdefghij", 1, "", 12 },
    { "\x01\x02", 5, "\"\\u0", 14 },                      /* cut inside an escape */
    { "a\"b", 4, "\"a\\", 6 },
};

static void
test_json_str(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
        const json_case_t *t = &json_cases[i];
        char               out[80];
        size_t             n;

        memset(out, '#', sizeof(out));
        n = log_json_str(out, t->cap, t->in);
        if (n != t->want || strcmp(out, t->out) != 0)
            fail_msg("case %zu: got \"%s\" (wanted %zu), want \"%s\" (%zu)", i, out, n,
                     t->out, t->want);
        /* nothing written past cap */
        if (t->cap < sizeof(out) && out[t->cap] != '#')
            fail_msg("case %zu: byte written past cap %zu", i, t->cap);
    }
}

static void
test_json_str_cap_zero(void **state)
{
    char out[4] = "###";

    (void) state;
    assert_int_equal(log_json_str(out, 0, "abc"), 5);
    assert_string_equal(out, "###");
}

/* --- log_json_str_fit: always a whole, closed string ----------------- */

/* 1 when s[0..n) is well-formed UTF-8 (no cut sequence) */
static int
utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t k = s[i] < 0x80 ? 0 : (s[i] & 0xe0) == 0xc0 ? 1 : (s[i] & 0xf0) == 0xe0 ? 2
                 : (s[i] & 0xf8) == 0xf0 ? 3 : 99;

        if (k == 99 || i + k >= n)
            return 0;
        for (i++; k > 0; k--, i++)
            if ((s[i] & 0xc0) != 0x80)
                return 0;
    }
    return 1;
}

static void
test_json_str_fit(void **state)
{
    static const char *inputs[] = {
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f\x10\x11\x12",
        "\"\"\"\"\\\\\\\"\"\"\"\"\"\"\"\"\"\"\"\"\"",
        "caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbb" "l\xc3\xa9" "e \xe2\x82\xac\xe2\x82\xac\xf0\x9f\x98\x80",
    };
    size_t      i, room;
    char        out[128], full[512];

    (void) state;
    memset(out, '#', sizeof(out));
    assert_int_equal(log_json_str_fit(out, 2, "abc"), 0);
    assert_string_equal(out, "");
    assert_int_equal(log_json_str_fit(out, 0, "abc"), 0);
    assert_int_equal(log_json_str_fit(out, 6, "abc"), 5);      /* fits: unchanged */
    assert_string_equal(out, "\"abc\"");
    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        log_json_str(full, sizeof(full), inputs[i]);
        for (room = 3; room < 100; room++) {
            size_t n;

            memset(out, '#', sizeof(out));
            n = log_json_str_fit(out, room, inputs[i]);
            if (n >= room || strlen(out) != n || out[0] != '"' || out[n - 1] != '"'
                || (n >= 2 && out[n - 2] == '\\' && (n < 3 || out[n - 3] != '\\'))
                || out[room] != '#')
                fail_msg("input %zu room %zu: \"%s\" (%zu) is not a closed string in room",
                         i, room, out, n);
            /* what is kept is the start of the full encoding, minus its quote */
            if (memcmp(out, full, n - 1) != 0)
                fail_msg("input %zu room %zu: \"%s\" is not a prefix of %s", i, room, out,
                         full);
            /* fails today: see test_json_str_fit_utf8_boundary (BUG) */
            if (!utf8_ok((const unsigned char *) out, n))
                fail_msg("input %zu room %zu: cut inside a UTF-8 sequence", i, room);
        }
    }
}

/* Fills the stack below the caller with bytes that are not UTF-8
 * continuation bytes, where the next call's locals will be. */
static void __attribute__((noinline))
scribble_stack(void)
{
    volatile char junk[4096];
    size_t        i;

    for (i = 0; i < sizeof(junk); i++)
        junk[i] = 'Z';
}

/* BUG (reported to the lead, not fixed here): log.c log_json_str_fit
 * copies keep bytes into cut[] and then tests cut[keep], a byte it never
 * wrote (uninitialised stack), to decide whether the cut falls inside a
 * UTF-8 sequence; it should test s[keep].  With the stack holding 'Z'
 * there, "\xc3\xa9" (e-acute) repeated and cut after 5 bytes keeps a lone
 * lead byte 0xc3: the log line is no longer UTF-8.
 * Expected: "\"\xc3\xa9\xc3\xa9\"" (two whole characters), 6 bytes. */
static void
test_json_str_fit_utf8_boundary(void **state)
{
    char   s[201], out[64];
    size_t i, n;

    (void) state;
    for (i = 0; i < 200; i += 2) {
        s[i] = (char) 0xc3;
        s[i + 1] = (char) 0xa9;
    }
    s[200] = '\0';
    scribble_stack();
    n = log_json_str_fit(out, 3 + 6 * 5, s);      /* keep = 5: inside the 3rd */
    assert_string_equal(out, "\"\xc3\xa9\xc3\xa9\"");
    assert_int_equal(n, 6);
}

/* --- whole lines, through stderr ------------------------------------ */

static char captured[20000];

/* Runs fn with stderr sent to a temporary file; returns what was written. */
static size_t
capture(void (*fn)(void))
{
    char    path[] = "/tmp/guichet-log-XXXXXX";
    int     fd = mkstemp(path), saved = dup(STDERR_FILENO);
    ssize_t n;

    assert_true(fd >= 0 && saved >= 0);
    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    fn();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    n = read(fd, captured, sizeof(captured) - 1);
    close(fd);
    unlink(path);
    assert_true(n >= 0);
    captured[n] = '\0';
    return (size_t) n;
}

static void
emit_event(void)
{
    log_set_level("info");
    log_set_process("worker");
    log_event(LOG_DEBUG, "hidden", NULL);
    log_event(LOG_INFO, "child \"started\"", "slot", "3", "path", "a\\b\n", "nil", NULL,
              NULL);
}

static void
test_event_line(void **state)
{
    size_t      n = capture(emit_event);
    char        want_tail[160];
    const char *p = captured;

    (void) state;
    /* {"time":"2024-05-01T12:34:56.789Z","level":"info","pid":123,"role":"worker",... */
    assert_true(n > 0);
    assert_memory_equal(p, "{\"time\":\"", 9);
    p += 9;
    assert_true(p[4] == '-' && p[7] == '-' && p[10] == 'T' && p[13] == ':' && p[16] == ':'
                && p[19] == '.' && p[23] == 'Z' && p[24] == '"');
    p += 25;
    assert_memory_equal(p, ",\"level\":\"info\",\"pid\":", 22);
    snprintf(want_tail, sizeof(want_tail),
             "%ld,\"role\":\"worker\",\"msg\":\"child \\\"started\\\"\",\"slot\":\"3\","
             "\"path\":\"a\\\\b\\n\",\"nil\":\"\"}\n", (long) getpid());
    assert_string_equal(p + 22, want_tail);
    /* one line only: the debug event was filtered out */
    assert_int_equal(strchr(captured, '\n') - captured + 1, (long) n);
}

static void
emit_levels(void)
{
    log_set_level("warn");
    log_set_process("master");
    log_msg(LOG_INFO, "not shown %d", 1);
    log_msg(LOG_WARN, "shown %d%%", 2);
    log_msg(LOG_ERROR, "tab\there");
    log_set_level("nonsense");           /* ignored: stays warn */
    log_msg(LOG_INFO, "still hidden");
    log_set_level("debug");
    log_msg(LOG_DEBUG, "debug now");
    log_set_level("info");
}

static void
test_levels(void **state)
{
    (void) state;
    capture(emit_levels);
    assert_null(strstr(captured, "not shown"));
    assert_null(strstr(captured, "still hidden"));
    assert_non_null(strstr(captured, "\"level\":\"warn\",\"pid\":"));
    assert_non_null(strstr(captured, "\"role\":\"master\",\"msg\":\"shown 2%\"}\n"));
    assert_non_null(strstr(captured, "\"level\":\"error\""));
    assert_non_null(strstr(captured, "\"msg\":\"tab\\there\"}\n"));
    assert_non_null(strstr(captured, "\"level\":\"debug\""));
    assert_non_null(strstr(captured, "\"msg\":\"debug now\"}\n"));
}

static void
emit_raw(void)
{
    log_raw("{\"a\":1}", 7);
}

static void
test_raw(void **state)
{
    (void) state;
    assert_int_equal(capture(emit_raw), 8);
    assert_string_equal(captured, "{\"a\":1}\n");
}

static char long_value[12000];

static void
emit_long(void)
{
    memset(long_value, 'x', sizeof(long_value) - 1);
    long_value[sizeof(long_value) - 1] = '\0';
    log_event(LOG_ERROR, "long", "k", long_value, NULL);
}

static void
test_long_line_bounded(void **state)
{
    size_t n;

    (void) state;
    n = capture(emit_long);
    assert_true(n <= 8192);
    assert_int_equal(captured[n - 1], '\n');
    assert_int_equal(captured[n - 2], '}');
    assert_int_equal(strchr(captured, '\n') - captured + 1, (long) n);
}

/* BUG (reported to the lead, not fixed here): log.c:131-133 cuts an
 * overlong line by overwriting its last byte with '}', so when a value
 * is truncated its string is never closed: the line ends in ...xxx}
 * and is not JSON, against log.h's "one JSON object per line".
 * Expected: the truncated string closed ("...xxx\"}"), e.g. by
 * truncating the value rather than the line. */
static void
test_long_line_is_json(void **state)
{
    size_t n;

    (void) state;
    n = capture(emit_long);
    assert_true(n >= 3);
    assert_memory_equal(captured + n - 3, "\"}\n", 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_str),
        cmocka_unit_test(test_json_str_cap_zero),
        cmocka_unit_test(test_json_str_fit),
        cmocka_unit_test(test_json_str_fit_utf8_boundary),
        cmocka_unit_test(test_event_line),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_raw),
        cmocka_unit_test(test_long_line_bounded),
        cmocka_unit_test(test_long_line_is_json),
    };

    return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
