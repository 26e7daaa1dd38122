/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_wf_demand.c -- the pure parts of wf_demand.c: the reference number
 * format (2026-000123) and its check, and uuid ids.  Moved here from
 * test_wf_fire.c, which now tests wf_fire.
 */
#include "test_util.h"

#include "pool.h"
#include "wf_demand.h"

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

static void
test_uuid_ok(void **state)
{
    (void) state;
    assert_true(wf_uuid_ok("44444444-4444-4444-4444-44444444abcd"));
    assert_true(wf_uuid_ok("44444444-4444-4444-4444-44444444ABCD"));
    assert_false(wf_uuid_ok("44444444-4444-4444-4444-44444444abc"));
    assert_false(wf_uuid_ok("44444444-4444-4444-4444-44444444abcde"));
    assert_false(wf_uuid_ok("444444444-444-4444-4444-44444444abcd"));
    assert_false(wf_uuid_ok("44444444-4444-4444-4444-44444444abcg"));
    assert_false(wf_uuid_ok("../../../etc/passwd"));
    assert_false(wf_uuid_ok(""));
    assert_false(wf_uuid_ok(NULL));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_format),
        cmocka_unit_test(test_uuid_ok),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
