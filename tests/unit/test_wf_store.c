/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_wf_store.c -- the per-process definition cache of wf_store.c against
 * a fake db_exec: a version is read from the database once, whether it
 * loads or not (a published version never changes, so a failure is cached
 * as a failure and answered again without a query).
 */
// LDFLAGS: -Wl,--wrap=db_exec
#include "test_util.h"

#include <libpq-fe.h>

#include "db.h"
#include "en_err.h"
#include "log.h"
#include "pool.h"
#include "wf_store.h"

static int db_calls;

static void
free_res(void *res)
{
    PQclear(res);
}

/* will_return: the xml of the one row (xml, source) the store asks for. */
PGresult *
__wrap_db_exec(pool_t *p, en_err_t *err, const char *sql, int n,
               const char *const *params)
{
    const char   *xml = mock_ptr_type(const char *);
    PGresult     *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc  att[2];
    int           i;

    (void) err;
    (void) n;
    (void) params;
    db_calls++;
    assert_non_null(strstr(sql, "FROM definitions"));
    memset(att, 0, sizeof(att));
    for (i = 0; i < 2; i++) {
        att[i].name = (char *) "c";
        att[i].typid = 25;
        att[i].typlen = -1;
        att[i].atttypmod = -1;
    }
    assert_int_equal(PQsetResultAttrs(res, 2, att), 1);
    assert_int_equal(PQsetvalue(res, 0, 0, (char *) xml, (int) strlen(xml)), 1);
    assert_int_equal(PQsetvalue(res, 0, 1, (char *) "fixture.xml", 11), 1);
    pool_on_free(p, free_res, res);
    return res;
}

/* Well-formed and valid-looking, but the checker refuses it: the state and
 * the transition have no French label. */
static const char broken_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<workflow xmlns=\"urn:guichet:workflow:1\" id=\"broken\" version=\"1\">\n"
    "  <title xml:lang=\"fr\">Cassée</title>\n"
    "  <audience space=\"any\"/>\n"
    "  <states initial=\"submitted\">\n"
    "    <state id=\"submitted\" bucket=\"in-progress\"/>\n"
    "    <state id=\"done\" bucket=\"archived\" final=\"yes\"/>\n"
    "  </states>\n"
    "  <transition id=\"withdraw\" from=\"submitted\" to=\"done\" by=\"owner\"/>\n"
    "</workflow>\n";

static void
test_failure_is_cached(void **state)
{
    en_err_t err;

    (void) state;
    db_calls = 0;
    will_return(__wrap_db_exec, broken_xml);
    memset(&err, 0, sizeof(err));
    assert_null(wf_store_get(&err, "broken", 1));
    assert_int_equal(err.code, EN_INTERNAL);
    assert_non_null(strstr(err.detail, "no French label"));
    assert_int_equal(db_calls, 1);

    /* the second page asking for it: same answer, no query (a second
     * db_exec would find no will_return and fail the test) */
    memset(&err, 0, sizeof(err));
    assert_null(wf_store_get(&err, "broken", 1));
    assert_int_equal(err.code, EN_INTERNAL);
    assert_non_null(strstr(err.detail, "no French label"));
    assert_int_equal(db_calls, 1);
}

static void
test_success_is_cached(void **state)
{
    en_err_t        err;
    const wf_def_t *a, *b;
    pool_t         *p = pool_new(0);
    FILE           *f = fopen("tests/fixtures/workflows/minimal.xml", "rb");
    char           *xml = pool_alloc(p, 65536);
    size_t          n;

    (void) state;
    assert_non_null(f);
    n = fread(xml, 1, 65535, f);
    fclose(f);
    xml[n] = '\0';
    db_calls = 0;
    will_return(__wrap_db_exec, xml);
    memset(&err, 0, sizeof(err));
    a = wf_store_get(&err, "fixture", 1);
    assert_non_null(a);
    b = wf_store_get(&err, "fixture", 1);
    assert_ptr_equal(a, b);
    assert_int_equal(db_calls, 1);
    pool_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failure_is_cached),
        cmocka_unit_test(test_success_is_cached),
    };

    log_set_level("error");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
