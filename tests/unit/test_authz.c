/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_authz.c -- the pure parts of authz.c and space.c (duties, group
 * ids, action names, error keys; by="..." is parsed by wf_def.c and tested
 * in test_wf_def.c), and authz_check and space_link_identity against a
 * fake db_exec (and db_exec_prepared, which answers the same way): what
 * they send and how
 * they read the answer.  The rules themselves (authz_may in SQL) are
 * tested against the real database by tests/integration/test_access_matrix.py.
 */
// LDFLAGS: -Wl,--wrap=db_exec -Wl,--wrap=db_exec_prepared
#include "test_util.h"

#include <libpq-fe.h>

#include "authz.h"
#include "db.h"
#include "session.h"
#include "space.h"

/* --- fake database ------------------------------------------------------ */

static char last_sql[2048];
static char last_params[8][128];
static int  last_n;
static int  db_calls;

static void
free_res(void *res)
{
    PQclear(res);
}

/* A result of nrows rows of ncols text columns (NULL = SQL NULL), row by row. */
static PGresult *
fake_rows(pool_t *p, int nrows, int ncols, const char *const *vals)
{
    PGresult       *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc    att[4];
    int             i;

    memset(att, 0, sizeof(att));
    for (i = 0; i < ncols; i++) {
        att[i].name = (char *) "c";
        att[i].typid = 25;          /* text */
        att[i].typlen = -1;
        att[i].atttypmod = -1;
    }
    assert_int_equal(PQsetResultAttrs(res, ncols, att), 1);
    for (i = 0; i < nrows * ncols; i++)
        assert_int_equal(PQsetvalue(res, i / ncols, i % ncols, (char *) vals[i],
                                    vals[i] ? (int) strlen(vals[i]) : -1), 1);
    pool_on_free(p, free_res, res);
    return res;
}

static PGresult *
fake_row(pool_t *p, int ncols, const char *const *vals)
{
    return fake_rows(p, 1, ncols, vals);
}

/* will_return: the kind of answer ("row2", "row1", "error"), then its
 * values (two strings, one string, or an error code and message). */
PGresult *
__wrap_db_exec(pool_t *p, en_err_t *err, const char *sql, int n,
               const char *const *params)
{
    const char *kind = mock_ptr_type(const char *);
    int         i;

    db_calls++;
    snprintf(last_sql, sizeof(last_sql), "%s", sql);
    last_n = n;
    for (i = 0; i < n && i < 8; i++)
        snprintf(last_params[i], sizeof(last_params[i]), "%s",
                 params[i] != NULL ? params[i] : "(null)");
    if (!strcmp(kind, "row2")) {
        const char *v[2];

        v[0] = mock_ptr_type(const char *);
        v[1] = mock_ptr_type(const char *);
        return fake_row(p, 2, v);
    }
    if (!strcmp(kind, "rows3x2")) {
        const char *v[6];

        for (i = 0; i < 6; i++)
            v[i] = mock_ptr_type(const char *);
        return fake_rows(p, 3, 2, v);
    }
    if (!strcmp(kind, "row1")) {
        const char *v[1];

        v[0] = mock_ptr_type(const char *);
        return fake_row(p, 1, v);
    }
    {
        int         code = (int) mock_type(int);
        const char *msg = mock_ptr_type(const char *);

        en_set(err, code, "err.db", "%s", msg);
        return NULL;
    }
}

/* The prepared statements answer like db_exec: their SQL is recorded. */
PGresult *
__wrap_db_exec_prepared(pool_t *p, en_err_t *err, db_stmt_t *st,
                        const char *const *params)
{
    return __wrap_db_exec(p, err, st->sql, st->nparams, params);
}

typedef struct {
    pool_t   *pool;
    req_t     r;
    session_t s;
} fixture_t;

/* What a handler does: the request's session as the principal. */
static int
ask(fixture_t *f, az_action_t a, const char *object, const char *arg)
{
    return authz_check(f->pool, &f->r.err, principal_of(&f->r), a, object, arg);
}

static int
ask_many(fixture_t *f, int n, const az_action_t *a, const char *const *objects,
         const char *const *args, int *allowed, const char **reasons)
{
    return authz_check_many(f->pool, &f->r.err, principal_of(&f->r), n, a, objects, args,
                            allowed, reasons);
}

static int
setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    f->pool = pool_new(0);
    f->r.pool = f->pool;
    f->r.request_id = "test";
    f->s.person_id = "11111111-1111-1111-1111-111111111111";
    f->s.display_name = "Rita Favre";
    f->r.session = &f->s;
    db_calls = 0;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture_t *f = *state;

    pool_free(f->pool);
    free(f);
    return 0;
}

/* --- words ----------------------------------------------------------------- */

static void
test_duties_groups_actions(void **state)
{
    int a;

    (void) state;
    assert_true(authz_duty_ok("members"));
    assert_true(authz_duty_ok("grants"));
    assert_false(authz_duty_ok("Members"));
    assert_false(authz_duty_ok("referent"));
    assert_false(authz_duty_ok(""));
    assert_false(authz_duty_ok(NULL));

    assert_true(authz_group_ok("serac", 5));
    assert_true(authz_group_ok("9a-b", 4));
    assert_false(authz_group_ok("-a", 2));
    assert_false(authz_group_ok("a_b", 3));
    assert_false(authz_group_ok("", 0));
    assert_false(authz_group_ok(NULL, 0));
    /* 63 characters, as the CHECK on agent_groups.id allows; not 64 */
    assert_true(authz_group_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 63));
    assert_false(authz_group_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 64));

    for (a = 0; a < AZ__COUNT; a++) {
        const char *name = authz_action_name((az_action_t) a);

        assert_string_not_equal(name, "unknown");
        assert_int_equal(authz_action_by_name(name), a);
    }
    assert_string_equal(authz_action_name(AZ_SWITCH_CONTEXT), "switch-context");
    assert_string_equal(authz_action_name(AZ__COUNT), "unknown");
    assert_int_equal(authz_action_by_name("become-root"), -1);
    assert_int_equal(authz_action_by_name(NULL), -1);
}

static void
test_space_pure(void **state)
{
    (void) state;
    assert_string_equal(space_error_key("space.not_member"), "space.not_member");
    assert_string_equal(space_error_key("identity.unknown"), "identity.unknown");
    assert_string_equal(space_error_key("authz.admin_only"), "authz.admin_only");
    assert_null(space_error_key("space.not_member; DROP TABLE x"));
    assert_string_equal(space_error_key("duplicate key value violates unique constraint "
                                        "\"memberships_live\""), "space.already_member");
    assert_string_equal(space_error_key("new row for relation \"entities\" violates check "
                                        "constraint \"entities_ide_check\""), "space.ide_invalid");
    assert_null(space_error_key("something else"));
    assert_null(space_error_key(NULL));

    assert_true(space_legal_form_ok("association"));
    assert_true(space_legal_form_ok("sarl"));
    assert_true(space_legal_form_ok("commune"));
    assert_false(space_legal_form_ok("SA"));
    assert_false(space_legal_form_ok("gmbh"));
    assert_false(space_legal_form_ok(NULL));
}

/* --- authz_check against the fake database -------------------------------- */

static void
test_check_sends_one_query_and_allows(void **state)
{
    fixture_t *f = *state;

    f->s.space_id = "22222222-2222-2222-2222-222222222222";
    will_return(__wrap_db_exec, "row2");
    will_return(__wrap_db_exec, "allow");
    will_return(__wrap_db_exec, NULL);
    assert_int_equal(ask(f, AZ_USE_SERVICE, NULL, "subsidy"), EN_OK);
    assert_int_equal(db_calls, 1);
    assert_non_null(strstr(last_sql, "authz_may("));
    assert_int_equal(last_n, 5);
    assert_string_equal(last_params[0], f->s.person_id);
    assert_string_equal(last_params[1], f->s.space_id);
    assert_string_equal(last_params[2], "use-service");
    assert_string_equal(last_params[3], "(null)");
    assert_string_equal(last_params[4], "subsidy");
}

static void
test_check_deny_carries_the_reason(void **state)
{
    fixture_t *f = *state;

    will_return(__wrap_db_exec, "row2");
    will_return(__wrap_db_exec, "deny");
    will_return(__wrap_db_exec, "authz.professional_only");
    assert_int_equal(ask(f, AZ_START_DEMAND, "subsidy", "professional"),
                     EN_FORBIDDEN);
    assert_string_equal(f->r.err.key, "authz.professional_only");
    assert_string_equal(last_params[1], "(null)");      /* personal context */

    will_return(__wrap_db_exec, "row2");
    will_return(__wrap_db_exec, "deny");
    will_return(__wrap_db_exec, NULL);
    assert_int_equal(ask(f, AZ_ADMIN, NULL, NULL), EN_FORBIDDEN);
    assert_string_equal(f->r.err.key, "err.forbidden");
}

static void
test_check_notfound(void **state)
{
    fixture_t *f = *state;

    will_return(__wrap_db_exec, "row2");
    will_return(__wrap_db_exec, "notfound");
    will_return(__wrap_db_exec, "err.notfound");
    assert_int_equal(ask(f, AZ_VIEW_DEMAND, "not-a-uuid", NULL), EN_NOTFOUND);
    assert_string_equal(f->r.err.key, "err.notfound");
}

static void
test_check_database_down(void **state)
{
    fixture_t *f = *state;

    will_return(__wrap_db_exec, "error");
    will_return(__wrap_db_exec, EN_UNAVAILABLE);
    will_return(__wrap_db_exec, "the database is not reachable");
    assert_int_equal(ask(f, AZ_ADMIN, NULL, NULL), EN_UNAVAILABLE);
}

static void
test_check_without_session_or_for_system(void **state)
{
    fixture_t        *f = *state;
    principal_t       sys;
    const az_action_t acts[1] = { AZ_VIEW_DEMAND };
    const char       *objs[1] = { "x" };
    int               ok[1] = { 1 };

    /* a transition only the system fires has no people roles (see
     * wf_people_roles): refused without asking the database */
    assert_int_equal(ask(f, AZ_FIRE_TRANSITION, "x", ""), EN_FORBIDDEN);
    assert_string_equal(f->r.err.key, "authz.not_your_step");
    assert_int_equal(ask(f, AZ_FIRE_TRANSITION, "x", NULL), EN_FORBIDDEN);
    assert_int_equal(ask(f, (az_action_t) 99, NULL, NULL), EN_INTERNAL);
    f->r.session = NULL;
    assert_int_equal(ask(f, AZ_SWITCH_CONTEXT, NULL, NULL), EN_UNAUTH);
    /* the system (a timer) has no person's rights, whatever it asks */
    sys = principal_system("timer-1");
    assert_int_equal(authz_check(f->pool, &f->r.err, &sys, AZ_VIEW_DEMAND, "x", NULL),
                     EN_FORBIDDEN);
    assert_int_equal(authz_check_many(f->pool, &f->r.err, &sys, 1, acts, objs, objs, ok, NULL),
                     EN_FORBIDDEN);
    assert_false(ok[0]);
    assert_int_equal(db_calls, 0);
}

static void
test_check_many_in_one_query(void **state)
{
    fixture_t        *f = *state;
    const az_action_t acts[3] = { AZ_VIEW_DEMAND, AZ_FIRE_TRANSITION, AZ_ADMIN };
    const char *const objs[3] = { "d1", "d1", NULL };
    const char *const args[3] = { NULL, "owner", NULL };
    int               ok[3];
    const char       *why[3];

    will_return(__wrap_db_exec, "rows3x2");
    will_return(__wrap_db_exec, "allow");
    will_return(__wrap_db_exec, "");
    will_return(__wrap_db_exec, "deny");
    will_return(__wrap_db_exec, "authz.not_your_step");
    will_return(__wrap_db_exec, "deny");
    will_return(__wrap_db_exec, "");
    assert_int_equal(ask_many(f, 3, acts, objs, args, ok, why), EN_OK);
    assert_int_equal(db_calls, 1);
    assert_true(ok[0]);
    assert_false(ok[1]);
    assert_false(ok[2]);
    assert_string_equal(why[1], "authz.not_your_step");
    assert_string_equal(why[2], "err.forbidden");
    assert_string_equal(last_params[2],
                        "[[\"view-demand\",\"d1\",null],[\"fire-transition\",\"d1\",\"owner\"],"
                        "[\"admin\",null,null]]");
    f->r.session = NULL;
    assert_int_equal(ask_many(f, 3, acts, objs, args, ok, NULL), EN_UNAUTH);
    assert_int_equal(db_calls, 1);
}

/* notfound reads "" (demand_view hides what is none of the reader's business,
 * with authz_check_many rather than a copy of its query). */
static void
test_check_many_notfound_is_empty_reason(void **state)
{
    fixture_t        *f = *state;
    const az_action_t acts[3] = { AZ_VIEW_DEMAND, AZ_START_DEMAND, AZ_ADMIN };
    const char *const objs[3] = { "d1", "subsidy", NULL };
    const char *const args[3] = { NULL, "personal", NULL };
    int               ok[3];
    const char       *why[3];

    will_return(__wrap_db_exec, "rows3x2");
    will_return(__wrap_db_exec, "notfound");
    will_return(__wrap_db_exec, "err.notfound");
    will_return(__wrap_db_exec, "deny");
    will_return(__wrap_db_exec, "authz.professional_only");
    will_return(__wrap_db_exec, "allow");
    will_return(__wrap_db_exec, NULL);
    assert_int_equal(ask_many(f, 3, acts, objs, args, ok, why), EN_OK);
    assert_false(ok[0]);
    assert_string_equal(why[0], "");
    assert_string_equal(why[1], "authz.professional_only");
    assert_true(ok[2]);
}

/* --- space.c against the fake database ------------------------------------ */

static void
test_link_identity(void **state)
{
    fixture_t  *f = *state;
    const char *from = NULL;
    en_err_t    err;

    en_clear(&err);
    will_return(__wrap_db_exec, "row1");
    will_return(__wrap_db_exec, "33333333-3333-3333-3333-333333333333");
    assert_int_equal(space_link_identity(f->pool, &err, "https://eid.example", "abc",
                                         "44444444-4444-4444-4444-444444444444",
                                         f->s.person_id, &from), EN_OK);
    assert_string_equal(from, "33333333-3333-3333-3333-333333333333");
    assert_non_null(strstr(last_sql, "identity_link("));
    assert_string_equal(last_params[0], "https://eid.example");
    assert_string_equal(last_params[1], "abc");
    assert_string_equal(last_params[3], f->s.person_id);

    en_clear(&err);
    will_return(__wrap_db_exec, "error");
    will_return(__wrap_db_exec, EN_FORBIDDEN);
    will_return(__wrap_db_exec, "authz.admin_only");
    assert_int_equal(space_link_identity(f->pool, &err, "i", "s", "p", "a", NULL),
                     EN_FORBIDDEN);
    assert_string_equal(err.key, "authz.admin_only");

    en_clear(&err);
    will_return(__wrap_db_exec, "error");
    will_return(__wrap_db_exec, EN_BADINPUT);
    will_return(__wrap_db_exec, "identity.unknown");
    assert_int_equal(space_link_identity(f->pool, &err, "i", "s", "p", "a", NULL),
                     EN_BADINPUT);
    assert_string_equal(err.key, "identity.unknown");

    en_clear(&err);
    assert_int_equal(space_link_identity(f->pool, &err, NULL, "s", "p", "a", NULL),
                     EN_BADINPUT);
}

static void
test_attach_conflict_gets_a_key(void **state)
{
    fixture_t *f = *state;
    en_err_t   err;

    en_clear(&err);
    will_return(__wrap_db_exec, "error");
    will_return(__wrap_db_exec, EN_CONFLICT);
    will_return(__wrap_db_exec, "duplicate key value violates unique constraint "
                                "\"memberships_live\"");
    assert_int_equal(space_attach(f->pool, &err, "s", "p", "trésorière", "a"), EN_CONFLICT);
    assert_string_equal(err.key, "space.already_member");
    assert_non_null(strstr(last_sql, "space_attach("));
    assert_string_equal(last_params[2], "trésorière");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duties_groups_actions),
        cmocka_unit_test(test_space_pure),
        cmocka_unit_test_setup_teardown(test_check_sends_one_query_and_allows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_deny_carries_the_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_notfound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_database_down, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_without_session_or_for_system, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_check_many_in_one_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_many_notfound_is_empty_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attach_conflict_gets_a_key, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
