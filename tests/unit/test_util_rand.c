/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_util_rand.c -- util_random and util_random_hex: lengths, hex
 * digits, two draws differ, an interrupted read goes on, and a kernel
 * that gives nothing is an error, never a guessable value.
 */
// LDFLAGS: -Wl,--wrap=getrandom
#include "test_util.h"

#include <errno.h>
#include <sys/random.h>

#include "util_rand.h"

/* the kernel's answers, in order; 0 entries left: the real getrandom */
static int fake_errno[4];
static int fake_n;

ssize_t __real_getrandom(void *buf, size_t n, unsigned flags);

ssize_t
__wrap_getrandom(void *buf, size_t n, unsigned flags)
{
    if (fake_n > 0) {
        errno = fake_errno[--fake_n];
        return -1;
    }
    return __real_getrandom(buf, n, flags);
}

static void
test_hex_has_the_length_and_digits(void **state)
{
    pool_t     *p = pool_new(0);
    en_err_t    err;
    const char *a, *b;

    (void) state;
    en_clear(&err);
    assert_int_equal(util_random_hex(p, 12, &a, &err), EN_OK);
    assert_int_equal(strlen(a), 24);
    assert_int_equal(strspn(a, "0123456789abcdef"), 24);
    assert_int_equal(util_random_hex(p, 12, &b, &err), EN_OK);
    assert_string_not_equal(a, b);          /* 2^-96: never by chance */
    pool_free(p);
}

static void
test_interrupted_read_goes_on(void **state)
{
    unsigned char b[32] = { 0 }, zero[32] = { 0 };
    en_err_t      err;

    (void) state;
    en_clear(&err);
    fake_errno[0] = EINTR;
    fake_n = 1;
    assert_int_equal(util_random(b, sizeof(b), &err), EN_OK);
    assert_int_equal(fake_n, 0);
    assert_memory_not_equal(b, zero, sizeof(b));
}

static void
test_no_randomness_is_an_error(void **state)
{
    pool_t     *p = pool_new(0);
    en_err_t    err;
    const char *out = "untouched";

    (void) state;
    en_clear(&err);
    fake_errno[0] = ENOSYS;
    fake_n = 1;
    assert_int_equal(util_random_hex(p, 8, &out, &err), EN_INTERNAL);
    assert_null(out);
    assert_int_equal(err.code, EN_INTERNAL);
    assert_non_null(strstr(err.msg, "no random bytes"));
    pool_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex_has_the_length_and_digits),
        cmocka_unit_test(test_interrupted_read_goes_on),
        cmocka_unit_test(test_no_randomness_is_an_error),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
