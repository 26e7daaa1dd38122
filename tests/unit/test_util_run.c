/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_util_run.c -- util_run: stdin given and stdout read back (more than
 * a pipe holds, both ways), a non-zero exit with the last line of stderr,
 * a program that does not exist, the time limit, the output bound; and
 * letters_backoff / letters_template_exists, the letters' pure parts.
 */
#include "test_util.h"

#include <time.h>

#include "letters.h"
#include "util_run.h"

static int
run(pool_t *p, en_err_t *err, const char *const *argv, const char *in, size_t inlen,
    int timeout, size_t max, char **out, size_t *len)
{
    util_run_t r;

    memset(&r, 0, sizeof(r));
    r.argv = argv;
    r.input = in;
    r.input_len = inlen;
    r.timeout_s = timeout;
    r.max_output = max;
    en_clear(err);
    return util_run(p, err, &r, out, len);
}

/* 1 MiB through cat: it writes while we still feed it, nobody blocks. */
static void
test_round_trip_larger_than_a_pipe(void **state)
{
    pool_t            *p = pool_new(0);
    const char *const  argv[] = { "cat", NULL };
    size_t             n = 1024 * 1024, len = 0, i;
    char              *in = pool_alloc(p, n), *out = NULL;
    en_err_t           err;

    (void) state;
    for (i = 0; i < n; i++)
        in[i] = (char) ('a' + i % 26);
    assert_int_equal(run(p, &err, argv, in, n, 10, 2 * n, &out, &len), EN_OK);
    assert_int_equal(len, n);
    assert_memory_equal(out, in, n);
    assert_int_equal(out[len], '\0');
    pool_free(p);
}

static void
test_exit_status_and_last_stderr_line(void **state)
{
    pool_t            *p = pool_new(0);
    const char *const  argv[] = { "sh", "-c", "echo first >&2; echo 'the reason' >&2; exit 3",
                                  NULL };
    char              *out;
    size_t             len;
    en_err_t           err;

    (void) state;
    assert_int_equal(run(p, &err, argv, NULL, 0, 10, 100, &out, &len), EN_INTERNAL);
    assert_string_equal(err.msg, "sh: exit status 3: the reason");
    assert_null(out);
    pool_free(p);
}

static void
test_missing_program(void **state)
{
    pool_t            *p = pool_new(0);
    const char *const  argv[] = { "/nonexistent/typesetter", NULL };
    char              *out;
    size_t             len;
    en_err_t           err;

    (void) state;
    assert_int_equal(run(p, &err, argv, "x", 1, 10, 100, &out, &len), EN_UNAVAILABLE);
    assert_string_equal(err.msg, "/nonexistent/typesetter: cannot start");
    pool_free(p);
}

static void
test_time_limit_kills_it(void **state)
{
    pool_t            *p = pool_new(0);
    const char *const  argv[] = { "sleep", "30", NULL };
    char              *out;
    size_t             len;
    en_err_t           err;
    time_t             t0 = time(NULL);

    (void) state;
    assert_int_equal(run(p, &err, argv, NULL, 0, 1, 100, &out, &len), EN_UNAVAILABLE);
    assert_string_equal(err.msg, "sleep: no answer after 1 s");
    assert_true(time(NULL) - t0 < 5);
    pool_free(p);
}

static void
test_output_bound(void **state)
{
    pool_t            *p = pool_new(0);
    const char *const  argv[] = { "head", "-c", "5000", "/dev/zero", NULL };
    char              *out;
    size_t             len;
    en_err_t           err;

    (void) state;
    assert_int_equal(run(p, &err, argv, NULL, 0, 10, 4096, &out, &len), EN_INTERNAL);
    assert_string_equal(err.msg, "head: more than 4096 bytes of output");
    assert_int_equal(run(p, &err, argv, NULL, 0, 10, 5000, &out, &len), EN_OK);
    assert_int_equal(len, 5000);
    pool_free(p);
}

static void
test_letters_backoff_doubles_up_to_an_hour(void **state)
{
    (void) state;
    assert_int_equal(letters_backoff(0), LETTERS_BACKOFF_BASE);
    assert_int_equal(letters_backoff(1), LETTERS_BACKOFF_BASE);
    assert_int_equal(letters_backoff(2), 2 * LETTERS_BACKOFF_BASE);
    assert_int_equal(letters_backoff(3), 4 * LETTERS_BACKOFF_BASE);
    assert_int_equal(letters_backoff(40), LETTERS_BACKOFF_MAX);
}

static void
test_letter_templates_are_the_files_of_xslt_letters(void **state)
{
    (void) state;
    assert_true(letters_template_exists(TEST_ROOT "/xslt", "space-activation"));
    assert_true(letters_template_exists(TEST_ROOT "/xslt", "letter"));
    assert_false(letters_template_exists(TEST_ROOT "/xslt", "common"));
    assert_false(letters_template_exists(TEST_ROOT "/xslt", "lettre"));
    assert_false(letters_template_exists(TEST_ROOT "/xslt", "../pages/home"));
    assert_false(letters_template_exists(TEST_ROOT "/xslt", ""));
    assert_false(letters_template_exists(TEST_ROOT "/xslt", NULL));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_larger_than_a_pipe),
        cmocka_unit_test(test_exit_status_and_last_stderr_line),
        cmocka_unit_test(test_missing_program),
        cmocka_unit_test(test_time_limit_kills_it),
        cmocka_unit_test(test_output_bound),
        cmocka_unit_test(test_letters_backoff_doubles_up_to_an_hour),
        cmocka_unit_test(test_letter_templates_are_the_files_of_xslt_letters),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
