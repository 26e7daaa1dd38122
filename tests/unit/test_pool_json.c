/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_pool_json.c -- pool_json hands a reference to the pool (released
 * when the pool is freed or reset, not before); pool_json_dumps writes
 * what json_dumps writes, into the pool.
 */
#include "test_util.h"

#include "pool_json.h"

static void
test_reference_released_with_the_pool(void **state)
{
    pool_t *p = pool_new(0);
    json_t *o = json_object();

    (void) state;
    json_incref(o);                         /* ours, to watch the count */
    assert_ptr_equal(pool_json(p, o), o);
    assert_int_equal(o->refcount, 2);
    pool_reset(p);
    assert_int_equal(o->refcount, 1);
    assert_null(pool_json(p, NULL));
    pool_json(p, json_incref(o));
    pool_free(p);
    assert_int_equal(o->refcount, 1);
    json_decref(o);
}

static void
test_dumps_as_jansson_does(void **state)
{
    pool_t *p = pool_new(0);
    json_t *o = pool_json(p, json_pack("{s:s, s:i, s:[b, n]}", "name", "Zoë \"Z\"", "n", 42,
                                       "list", 1));
    char   *want = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    char   *got = pool_json_dumps(p, o, JSON_COMPACT | JSON_SORT_KEYS);

    (void) state;
    assert_non_null(got);
    assert_string_equal(got, want);
    free(want);
    pool_free(p);
}

/* longer than a pool buffer's first 256 bytes: the buffer grows */
static void
test_dumps_a_long_document(void **state)
{
    pool_t *p = pool_new(0);
    json_t *a = pool_json(p, json_array());
    char   *want, *got;
    int     i;

    (void) state;
    for (i = 0; i < 2000; i++)
        json_array_append_new(a, json_integer(i));
    want = json_dumps(a, JSON_COMPACT);
    got = pool_json_dumps(p, a, JSON_COMPACT);
    assert_non_null(got);
    assert_true(strlen(got) > 8000);
    assert_string_equal(got, want);
    free(want);
    pool_free(p);
}

static void
test_bare_value_needs_encode_any(void **state)
{
    pool_t *p = pool_new(0);
    json_t *s = pool_json(p, json_string("x"));

    (void) state;
    assert_null(pool_json_dumps(p, s, JSON_COMPACT));
    assert_string_equal(pool_json_dumps(p, s, JSON_COMPACT | JSON_ENCODE_ANY), "\"x\"");
    assert_null(pool_json_dumps(p, NULL, JSON_COMPACT));
    pool_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_released_with_the_pool),
        cmocka_unit_test(test_dumps_as_jansson_does),
        cmocka_unit_test(test_dumps_a_long_document),
        cmocka_unit_test(test_bare_value_needs_encode_any),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
