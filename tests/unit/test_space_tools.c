/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_space_tools.c -- the pure part of space_tools.c: a join key as a
 * person types it (blanks, dashes, lower case) comes to its one canonical
 * form, and what cannot be a key (wrong length, signs outside the
 * alphabet, such as O, I, 0 and 1 that read like others) is refused
 * before any query.
 */
#include "test_util.h"

#include "space_tools.h"

static void
test_typed_keys_come_to_one_form(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    assert_string_equal(spt_key_normal(p, "ABCD-EFGH-JKLM-NPQR"), "ABCDEFGHJKLMNPQR");
    assert_string_equal(spt_key_normal(p, "abcd efgh jklm npqr"), "ABCDEFGHJKLMNPQR");
    assert_string_equal(spt_key_normal(p, " AbCd-eFgH\tJKLM NPQR "), "ABCDEFGHJKLMNPQR");
    assert_string_equal(spt_key_normal(p, "23456789ABCDEFGH"), "23456789ABCDEFGH");
    pool_free(p);
}

static void
test_what_cannot_be_a_key_is_refused(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    assert_null(spt_key_normal(p, NULL));
    assert_null(spt_key_normal(p, ""));
    assert_null(spt_key_normal(p, "ABCD-EFGH-JKLM-NPQ"));          /* 15 */
    assert_null(spt_key_normal(p, "ABCD-EFGH-JKLM-NPQRS"));        /* 17 */
    assert_null(spt_key_normal(p, "ABCD-EFGH-JKLM-NPQO"));         /* O */
    assert_null(spt_key_normal(p, "ABCD-EFGH-JKLM-NPQ1"));         /* 1 */
    assert_null(spt_key_normal(p, "ABCD-EFGH-JKLM-NPQ\xc3\xa9"));  /* é */
    assert_null(spt_key_normal(p, "ABCD;EFGH-JKLM-NPQR"));
    pool_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typed_keys_come_to_one_form),
        cmocka_unit_test(test_what_cannot_be_a_key_is_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
