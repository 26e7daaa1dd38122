/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_pool.c -- the arena allocator and its byte buffer (engine/pool.c).
 *
 * Every allocation is filled with a pattern of its own and checked again
 * after all the others were made, so overlapping blocks, a lost block or a
 * misaligned pointer show up as exact byte mismatches.  Cleanups record
 * their order in a small log so that LIFO order and "runs exactly once"
 * are asserted, not assumed.
 */
#include "test_util.h"
#include "pool.h"

/* --- a log of cleanup calls ----------------------------------------- */

static int cleanup_log[32];
static int cleanup_n;

static void
record_cleanup(void *ptr)
{
    if (cleanup_n < 32)
        cleanup_log[cleanup_n] = *(int *) ptr;
    cleanup_n++;
}

static void
must_not_run(void *ptr)
{
    fail_msg("cleanup ran for a NULL registration (ptr %p)", ptr);
}

static int
reset_log(void **state)
{
    (void) state;
    memset(cleanup_log, 0, sizeof(cleanup_log));
    cleanup_n = 0;
    return 0;
}

/* --- allocation ------------------------------------------------------ */

static void
test_many_small(void **state)
{
    enum { N = 20000 };
    pool_t        *p = pool_new(1024);
    unsigned char *ptr[N];
    size_t         sizes[N], total = 0;
    int            i;
    size_t         k;

    (void) state;
    for (i = 0; i < N; i++) {
        sizes[i] = (size_t) (i % 37) + 1;
        ptr[i] = pool_alloc(p, sizes[i]);
        assert_non_null(ptr[i]);
        memset(ptr[i], (unsigned char) (i * 7 + 1), sizes[i]);
        total += sizes[i];
    }
    for (i = 0; i < N; i++)
        for (k = 0; k < sizes[i]; k++)
            if (ptr[i][k] != (unsigned char) (i * 7 + 1))
                fail_msg("allocation %d byte %zu overwritten: %u", i, k, ptr[i][k]);
    assert_int_equal(pool_bytes_used(p), total);
    pool_free(p);
}

static void
test_alignment(void **state)
{
    pool_t *p = pool_new(256);
    size_t  n;

    (void) state;
    /* every size from 0 to 300 crosses block ends and big-block paths */
    for (n = 0; n <= 300; n++) {
        void *m = pool_alloc(p, n);

        assert_int_equal((uintptr_t) m % 16, 0);
        memset(m, 0xAB, n);
    }
    assert_int_equal((uintptr_t) pool_calloc(p, 3) % 16, 0);
    assert_int_equal((uintptr_t) pool_strdup(p, "x") % 16, 0);
    pool_free(p);
}

static void
test_zero_size_distinct(void **state)
{
    pool_t *p = pool_new(0);
    char   *a = pool_alloc(p, 0), *b = pool_alloc(p, 0);

    (void) state;
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    assert_int_equal(pool_bytes_used(p), 2);   /* 0 counts as 1 */
    pool_free(p);
}

static void
test_large_allocation(void **state)
{
    pool_t        *p = pool_new(1024);
    unsigned char *small1, *big, *small2, *mid;
    size_t         i;

    (void) state;
    small1 = pool_alloc(p, 10);
    memset(small1, 0x11, 10);
    big = pool_alloc(p, 100000);          /* far past the block size */
    assert_non_null(big);
    assert_int_equal((uintptr_t) big % 16, 0);
    memset(big, 0x22, 100000);
    small2 = pool_alloc(p, 10);           /* still served by a normal block */
    memset(small2, 0x33, 10);
    mid = pool_alloc(p, 1000);            /* > block/4, < block */
    memset(mid, 0x44, 1000);
    for (i = 0; i < 10; i++) {
        assert_int_equal(small1[i], 0x11);
        assert_int_equal(small2[i], 0x33);
    }
    for (i = 0; i < 100000; i++)
        if (big[i] != 0x22)
            fail_msg("big allocation byte %zu is %u", i, big[i]);
    for (i = 0; i < 1000; i++)
        assert_int_equal(mid[i], 0x44);
    assert_int_equal(pool_bytes_used(p), 10 + 100000 + 10 + 1000);
    /* the small allocation after the big one must not land inside it */
    assert_true(small2 < big || small2 >= big + 100000);
    pool_free(p);
}

static void
test_reset(void **state)
{
    pool_t *p = pool_new(512);
    int     one = 1, two = 2, three = 3;
    int     round;
    char   *first = pool_alloc(p, 8);   /* the first block's first bytes */

    (void) state;
    for (round = 0; round < 3; round++) {
        char *s;
        int   i;

        cleanup_n = 0;
        pool_on_free(p, record_cleanup, &one);
        pool_on_free(p, record_cleanup, &two);
        for (i = 0; i < 100; i++)
            pool_alloc(p, 100);           /* several blocks and big ones */
        pool_alloc(p, 5000);
        pool_reset(p);
        assert_int_equal(cleanup_n, 2);
        assert_int_equal(cleanup_log[0], 2);
        assert_int_equal(cleanup_log[1], 1);
        assert_int_equal(pool_bytes_used(p), 0);
        /* the first block is kept and reused from its start */
        assert_ptr_equal(pool_alloc(p, 8), first);
        assert_int_equal(pool_bytes_used(p), 8);
        s = pool_strdup(p, "after reset");
        assert_string_equal(s, "after reset");
        assert_int_equal(pool_bytes_used(p), 8 + 12);
    }
    /* a cleanup registered after a reset runs once, on free */
    cleanup_n = 0;
    pool_on_free(p, record_cleanup, &three);
    pool_free(p);
    assert_int_equal(cleanup_n, 1);
    assert_int_equal(cleanup_log[0], 3);
}

static void
test_cleanups_lifo(void **state)
{
    pool_t *p = pool_new(0);
    int     ids[6] = { 1, 2, 3, 4, 5, 6 };
    int     i;

    (void) state;
    for (i = 0; i < 6; i++) {
        pool_on_free(p, record_cleanup, &ids[i]);
        pool_alloc(p, 3000);              /* cleanups spread over blocks */
    }
    assert_int_equal(cleanup_n, 0);
    pool_free(p);
    assert_int_equal(cleanup_n, 6);
    for (i = 0; i < 6; i++)
        assert_int_equal(cleanup_log[i], 6 - i);
}

static void
test_on_free_null_ignored(void **state)
{
    pool_t *p = pool_new(0);
    int     x = 9;

    (void) state;
    pool_on_free(p, must_not_run, NULL);
    pool_on_free(p, record_cleanup, &x);
    pool_on_free(p, must_not_run, NULL);
    pool_reset(p);
    assert_int_equal(cleanup_n, 1);
    pool_on_free(p, must_not_run, NULL);
    pool_free(p);
    assert_int_equal(cleanup_n, 1);
    pool_free(NULL);                      /* accepted, does nothing */
}

static void
test_string_helpers(void **state)
{
    pool_t              *p = pool_new(1024);
    static const char    bin[] = { 'a', '\0', 'b', '\r', '\n', (char) 0xff };
    char                *s, *big;
    unsigned char       *z;
    char                 want[5001];
    size_t               i;

    (void) state;
    assert_string_equal(pool_printf(p, "%s-%d-%05.1f", "x", 42, 3.14159), "x-42-003.1");
    assert_string_equal(pool_printf(p, "%s", ""), "");
    assert_string_equal(pool_strndup(p, "abcdef", 3), "abc");
    assert_string_equal(pool_strndup(p, "ab", 0), "");
    assert_null(pool_strndup(p, NULL, 4));
    assert_null(pool_strdup(p, NULL));
    assert_string_equal(pool_strdup(p, "héllo"), "héllo");
    s = pool_memdup(p, bin, sizeof(bin));
    assert_memory_equal(s, bin, sizeof(bin));
    assert_ptr_not_equal(s, bin);
    z = pool_calloc(p, 300);
    for (i = 0; i < 300; i++)
        assert_int_equal(z[i], 0);
    /* a formatted string larger than the block */
    memset(want, 'q', 5000);
    want[5000] = '\0';
    big = pool_printf(p, "%s", want);
    assert_int_equal(strlen(big), 5000);
    assert_string_equal(big, want);
    pool_free(p);
}

/* --- buf_t ------------------------------------------------------------ */

static void
test_buf_growth(void **state)
{
    pool_t *p = pool_new(512);
    buf_t   b;
    char   *want = malloc(400000);
    size_t  wl = 0;
    int     i;

    (void) state;
    buf_init(&b, p);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    for (i = 0; i < 10000; i++) {
        char tmp[64];
        int  n = snprintf(tmp, sizeof(tmp), "line %d\n", i);

        switch (i % 4) {
        case 0: buf_printf(&b, "line %d\n", i); break;
        case 1: buf_puts(&b, tmp); break;
        case 2: buf_add(&b, tmp, (size_t) n); break;
        case 3: {
            int k;

            for (k = 0; k < n; k++)
                buf_putc(&b, tmp[k]);
            break;
        }
        }
        memcpy(want + wl, tmp, (size_t) n);
        wl += (size_t) n;
        assert_int_equal(b.len, wl);
        assert_int_equal(b.data[b.len], '\0');
        assert_true(b.cap > b.len);
    }
    assert_memory_equal(b.data, want, wl);
    /* binary data with NUL bytes is kept; len counts them */
    buf_add(&b, "\0x\0", 3);
    assert_int_equal(b.len, wl + 3);
    assert_memory_equal(b.data + wl, "\0x\0", 4);
    /* one append far bigger than the capacity */
    {
        buf_t c;
        char  blob[70000];

        memset(blob, 'z', sizeof(blob));
        buf_init(&c, p);
        buf_puts(&c, "a");
        buf_add(&c, blob, sizeof(blob));
        assert_int_equal(c.len, 70001);
        assert_int_equal(c.data[0], 'a');
        assert_int_equal(c.data[70000], 'z');
        assert_int_equal(c.data[70001], '\0');
    }
    free(want);
    pool_free(p);
}

static void
test_buf_empty_appends(void **state)
{
    pool_t *p = pool_new(0);
    buf_t   b;

    (void) state;
    buf_init(&b, p);
    buf_add(&b, "", 0);
    buf_puts(&b, "");
    buf_printf(&b, "%s", "");
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    buf_printf(&b, "%d/%s", 7, "sept");
    assert_string_equal(b.data, "7/sept");
    assert_int_equal(b.len, 6);
    pool_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_many_small, reset_log),
        cmocka_unit_test_setup(test_alignment, reset_log),
        cmocka_unit_test_setup(test_zero_size_distinct, reset_log),
        cmocka_unit_test_setup(test_large_allocation, reset_log),
        cmocka_unit_test_setup(test_reset, reset_log),
        cmocka_unit_test_setup(test_cleanups_lifo, reset_log),
        cmocka_unit_test_setup(test_on_free_null_ignored, reset_log),
        cmocka_unit_test_setup(test_string_helpers, reset_log),
        cmocka_unit_test_setup(test_buf_growth, reset_log),
        cmocka_unit_test_setup(test_buf_empty_appends, reset_log),
    };

    return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
