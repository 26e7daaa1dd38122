/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_wf_demand.c -- wf_demand.c: the reference number format
 * (2026-000123) and its check, uuid ids (moved here from test_wf_fire.c),
 * and the one answer to "may this principal start procedure K?"
 * (wf_may_start, wf_may_start_many, and wf_demand_create, the door the web
 * and the command line share), with workflows/subsidy.xml and the database
 * faked at db_exec (authz_may's answer, wf_create's row) and the definition
 * cache at wf_store_current.
 */
// LDFLAGS: -Wl,--wrap=db_exec -Wl,--wrap=db_exec_prepared -Wl,--wrap=wf_store_current
#include "test_util.h"

#include <libpq-fe.h>

#include "db.h"
#include "pool.h"
#include "principal.h"
#include "wf_def.h"
#include "wf_demand.h"
#include "wf_store.h"

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

/* --- who may start ---------------------------------------------------------- */

#define PERSON "11111111-1111-1111-1111-111111111111"
#define SPACE  "33333333-3333-3333-3333-333333333333"

static pool_t   *def_pool;
static wf_def_t *subsidy;
static char      asked[5][128];     /* the last authz_may question */
static int       n_db;

typedef struct {
    const char *sql;        /* the statement must contain it */
    const char *v0, *v1;    /* one row; v1 NULL: one column */
} answer_t;

static void
free_res(void *res)
{
    PQclear(res);
}

PGresult *
__wrap_db_exec(pool_t *p, en_err_t *err, const char *sql, int n,
               const char *const *params)
{
    const answer_t *a = mock_ptr_type(const answer_t *);
    PGresult       *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc    att[2];
    int             i, ncols = a->v1 != NULL ? 2 : 1;

    (void) err;
    n_db++;
    if (strstr(sql, a->sql) == NULL)
        fail_msg("expected a statement with \"%s\", got: %s", a->sql, sql);
    for (i = 0; i < 5 && i < n; i++)
        snprintf(asked[i], sizeof(asked[i]), "%s", params[i] ? params[i] : "(null)");
    memset(att, 0, sizeof(att));
    for (i = 0; i < ncols; i++) {
        att[i].name = (char *) "c";
        att[i].typid = 25;
        att[i].typlen = -1;
        att[i].atttypmod = -1;
    }
    assert_int_equal(PQsetResultAttrs(res, ncols, att), 1);
    assert_int_equal(PQsetvalue(res, 0, 0, (char *) a->v0, (int) strlen(a->v0)), 1);
    if (a->v1 != NULL)
        assert_int_equal(PQsetvalue(res, 0, 1, (char *) a->v1, (int) strlen(a->v1)), 1);
    pool_on_free(p, free_res, res);
    return res;
}

/* Prepared statements answer as the same statement run directly would. */
PGresult *
__wrap_db_exec_prepared(pool_t *p, en_err_t *err, db_stmt_t *st, const char *const *params)
{
    return __wrap_db_exec(p, err, st->sql, st->nparams, params);
}

const wf_def_t *
__wrap_wf_store_current(en_err_t *err, const char *key, int *version)
{
    *version = 1;
    if (strcmp(key, "subsidy") != 0) {
        en_set(err, EN_NOTFOUND, "err.notfound", "no such workflow");
        return NULL;
    }
    return subsidy;
}

static int
setup_subsidy(void **state)
{
    wf_diag_t diags;

    (void) state;
    def_pool = pool_new(0);
    wf_diag_init(&diags, def_pool);
    if (wf_load_file(def_pool, "workflows/subsidy.xml", &subsidy, &diags) != EN_OK) {
        wf_diag_print(&diags, stderr);
        return -1;
    }
    n_db = 0;
    return 0;
}

static int
reset(void **state)
{
    (void) state;
    n_db = 0;
    memset(asked, 0, sizeof(asked));
    return 0;
}

static int
teardown_subsidy(void **state)
{
    (void) state;
    pool_free(def_pool);
    return 0;
}

static void
test_start_refuses_the_wrong_space_with_the_definitions_words(void **state)
{
    pool_t      *p = pool_new(0);
    en_err_t     err;
    principal_t  me = principal_person(PERSON, NULL, 3, "de", "cli-1");
    wf_demand_t *d;

    (void) state;
    en_clear(&err);
    assert_int_equal(wf_may_start(p, &err, &me, subsidy), EN_FORBIDDEN);
    assert_string_equal(err.key, "wf.audience.professional");
    assert_non_null(strstr(err.msg, "Ein Gesuch im Namen eines Vereins"));
    /* the same answer through the door the web and the CLI share */
    en_clear(&err);
    assert_int_equal(wf_demand_create(p, &err, &me, "subsidy", &d), EN_FORBIDDEN);
    assert_string_equal(err.key, "wf.audience.professional");
    assert_null(d);
    assert_int_equal(n_db, 0);
    pool_free(p);
}

static void
test_start_needs_the_assurance(void **state)
{
    pool_t      *p = pool_new(0);
    en_err_t     err;
    principal_t  me = principal_person(PERSON, SPACE, 1, "fr", "r");

    (void) state;
    en_clear(&err);
    assert_int_equal(wf_may_start(p, &err, &me, subsidy), EN_FORBIDDEN);
    assert_string_equal(err.key, "wf.audience.assurance");
    assert_int_equal(n_db, 0);
    pool_free(p);
}

static void
test_start_asks_authz_which_covers_the_grant(void **state)
{
    pool_t        *p = pool_new(0);
    en_err_t       err;
    principal_t    me = principal_person(PERSON, SPACE, 2, "fr", "cli-2");
    wf_demand_t   *d;
    static const answer_t no_grant = { "authz_may", "deny", "authz.no_grant" };

    (void) state;
    /* a member without the grant, from the command line as from the web:
     * refused, and nothing created */
    en_clear(&err);
    will_return(__wrap_db_exec, &no_grant);
    assert_int_equal(wf_demand_create(p, &err, &me, "subsidy", &d), EN_FORBIDDEN);
    assert_string_equal(err.key, "authz.no_grant");
    assert_int_equal(n_db, 1);
    assert_string_equal(asked[0], PERSON);
    assert_string_equal(asked[1], SPACE);
    assert_string_equal(asked[2], "start-demand");
    assert_string_equal(asked[3], "subsidy");
    assert_string_equal(asked[4], "professional:association foundation company");
    pool_free(p);
}

static void
test_start_creates_when_allowed(void **state)
{
    pool_t        *p = pool_new(0);
    en_err_t       err;
    principal_t    me = principal_person(PERSON, SPACE, 2, "fr", "cli-3");
    wf_demand_t   *d;
    static const answer_t allow = { "authz_may", "allow", "" };
    static const answer_t created = { "wf_create",
        "{\"id\":\"44444444-4444-4444-4444-444444444444\",\"reference\":\"2026-000007\","
        "\"workflow_key\":\"subsidy\",\"definition_version\":1,\"state\":\"draft\","
        "\"owner_person_id\":\"" PERSON "\",\"owner_space_id\":\"" SPACE "\","
        "\"form_data\":{},\"version\":1}", NULL };

    (void) state;
    en_clear(&err);
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec, &created);
    assert_int_equal(wf_demand_create(p, &err, &me, "subsidy", &d), EN_OK);
    assert_string_equal(d->reference, "2026-000007");
    assert_string_equal(d->owner_space_id, SPACE);
    pool_free(p);
}

static void
test_start_is_for_persons_only(void **state)
{
    pool_t      *p = pool_new(0);
    en_err_t     err;
    principal_t  sys = principal_system("timer-1");
    principal_t  nobody = principal_person(NULL, NULL, 0, NULL, "r");
    wf_demand_t *d;

    (void) state;
    en_clear(&err);
    assert_int_equal(wf_demand_create(p, &err, &sys, "subsidy", &d), EN_FORBIDDEN);
    en_clear(&err);
    assert_int_equal(wf_demand_create(p, &err, &nobody, "subsidy", &d), EN_FORBIDDEN);
    assert_int_equal(n_db, 0);
    pool_free(p);
}

static void
test_start_many_for_a_page(void **state)
{
    pool_t          *p = pool_new(0);
    en_err_t         err;
    principal_t      self = principal_person(PERSON, NULL, 3, "en", "r");
    principal_t      member = principal_person(PERSON, SPACE, 3, "en", "r");
    const wf_def_t  *defs[1] = { subsidy };
    wf_start_t       st[1];
    static const answer_t none_of_theirs = { "authz_may", "notfound", "" };

    (void) state;
    /* judged without the database: the definition's words for the page */
    en_clear(&err);
    assert_int_equal(wf_may_start_many(p, &err, &self, 1, defs, st), EN_OK);
    assert_false(st[0].allowed);
    assert_false(st[0].hidden);
    assert_string_equal(st[0].reason, "wf.audience.professional");
    assert_non_null(strstr(st[0].words, "An application on behalf of"));
    assert_int_equal(n_db, 0);
    /* authz's notfound: the page leaves the procedure out */
    will_return(__wrap_db_exec, &none_of_theirs);
    assert_int_equal(wf_may_start_many(p, &err, &member, 1, defs, st), EN_OK);
    assert_false(st[0].allowed);
    assert_true(st[0].hidden);
    assert_string_equal(asked[2], "[[\"start-demand\",\"subsidy\","
                                  "\"professional:association foundation company\"]]");
    pool_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_format),
        cmocka_unit_test(test_uuid_ok),
        cmocka_unit_test_setup(test_start_refuses_the_wrong_space_with_the_definitions_words, reset),
        cmocka_unit_test_setup(test_start_needs_the_assurance, reset),
        cmocka_unit_test_setup(test_start_asks_authz_which_covers_the_grant, reset),
        cmocka_unit_test_setup(test_start_creates_when_allowed, reset),
        cmocka_unit_test_setup(test_start_is_for_persons_only, reset),
        cmocka_unit_test_setup(test_start_many_for_a_page, reset),
    };

    return cmocka_run_group_tests(tests, setup_subsidy, teardown_subsidy);
}
