/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_util_file.c -- util_read_file: the limit, a missing file, an empty
 * file, a file of exactly the limit, and a source without a size.
 */
#include "test_util.h"

#include <unistd.h>

#include "util_file.h"

static char tmpdir[64];

static const char *
fixture(pool_t *p, const char *name, const char *content, size_t n)
{
    const char *path = pool_printf(p, "%s/%s", tmpdir, name);
    FILE       *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return path;
}

static int
setup(void **state)
{
    (void) state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/guichet-util-file-XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    char cmd[128];

    (void) state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd);
}

static void
test_exact_limit_is_read(void **state)
{
    pool_t   *p = pool_new(0);
    en_err_t  err;
    char     *data;
    size_t    len;

    (void) state;
    en_clear(&err);
    assert_int_equal(util_read_file(p, fixture(p, "ten", "0123456789", 10), 10, &data,
                                    &len, &err), EN_OK);
    assert_int_equal(len, 10);
    assert_memory_equal(data, "0123456789", 10);
    assert_int_equal(data[10], '\0');
    pool_free(p);
}

static void
test_limit_exceeded(void **state)
{
    pool_t     *p = pool_new(0);
    en_err_t    err;
    char       *data = (char *) "untouched";
    size_t      len = 99;
    const char *path;

    (void) state;
    en_clear(&err);
    path = fixture(p, "eleven", "0123456789A", 11);
    assert_int_equal(util_read_file(p, path, 10, &data, &len, &err), EN_TOOLARGE);
    assert_null(data);
    assert_int_equal(len, 0);
    assert_string_equal(err.msg, pool_printf(p, "%s:0: larger than 10 bytes", path));
    pool_free(p);
}

static void
test_missing_file(void **state)
{
    pool_t     *p = pool_new(0);
    en_err_t    err;
    char       *data;
    size_t      len;
    const char *path = pool_printf(p, "%s/absent", tmpdir);

    (void) state;
    en_clear(&err);
    assert_int_equal(util_read_file(p, path, 100, &data, &len, &err), EN_NOTFOUND);
    assert_null(data);
    assert_string_equal(err.msg,
                        pool_printf(p, "%s:0: cannot open: No such file or directory", path));
    pool_free(p);
}

static void
test_empty_file(void **state)
{
    pool_t   *p = pool_new(0);
    en_err_t  err;
    char     *data;
    size_t    len = 99;

    (void) state;
    en_clear(&err);
    assert_int_equal(util_read_file(p, fixture(p, "empty", "", 0), 0, &data, &len, &err),
                     EN_OK);
    assert_int_equal(len, 0);
    assert_non_null(data);
    assert_string_equal(data, "");
    pool_free(p);
}

/* Keeps the NULs it reads and counts them in len. */
static void
test_binary_content(void **state)
{
    pool_t   *p = pool_new(0);
    en_err_t  err;
    char     *data;
    size_t    len;

    (void) state;
    en_clear(&err);
    assert_int_equal(util_read_file(p, fixture(p, "bin", "a\0b", 3), 3, &data, &len,
                                    &err), EN_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(data, "a\0b", 3);
    pool_free(p);
}

/* A pipe has no size: the buffer grows and the limit holds on the bytes
 * read, not on what fstat said. */
static void
test_source_without_size(void **state)
{
    pool_t   *p = pool_new(0);
    en_err_t  err;
    char     *data, *big = pool_alloc(p, 20000);
    size_t    len;
    int       fds[2];
    char      path[64];

    (void) state;
    memset(big, 'x', 20000);
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], big, 20000), 20000);   /* fits the pipe's buffer */
    close(fds[1]);
    snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
    en_clear(&err);
    assert_int_equal(util_read_file(p, path, 20000, &data, &len, &err), EN_OK);
    assert_int_equal(len, 20000);
    assert_memory_equal(data, big, 20000);
    close(fds[0]);

    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], big, 20000), 20000);
    close(fds[1]);
    snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
    assert_int_equal(util_read_file(p, path, 19999, &data, &len, &err), EN_TOOLARGE);
    close(fds[0]);
    pool_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_limit_is_read),
        cmocka_unit_test(test_limit_exceeded),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_binary_content),
        cmocka_unit_test(test_source_without_size),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
