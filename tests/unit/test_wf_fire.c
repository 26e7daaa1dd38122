/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_wf_fire.c -- wf_fire and wf_fire_loaded, the one way a demand
 * changes state, for every kind of principal: what is checked before
 * anything is written (state and version, who, each guard, the input) and
 * what is sent in the one statement that writes (wf_apply).  The database
 * is faked at its boundary (db_exec, db_exec_bin: authz_check's authz_may
 * question, the guards' queries, the load, wf_apply), and so is the
 * definition cache (wf_store_get, answered with the definition below); the
 * runtime itself is real.  The real database is tested by
 * tests/integration/test_workflow_engine.py.
 */
// LDFLAGS: -Wl,--wrap=db_exec -Wl,--wrap=db_exec_bin -Wl,--wrap=db_exec_prepared -Wl,--wrap=db_exec_prepared_bin -Wl,--wrap=wf_store_get
#include "test_util.h"

#include <jansson.h>
#include <libpq-fe.h>

#include "db.h"
#include "pool.h"
#include "principal.h"
#include "wf_def.h"
#include "wf_demand.h"
#include "wf_fire.h"
#include "wf_store.h"

#define OWNER   "11111111-1111-1111-1111-111111111111"
#define AGENT   "22222222-2222-2222-2222-222222222222"
#define SPACE   "33333333-3333-3333-3333-333333333333"
#define DEMAND  "44444444-4444-4444-4444-444444444444"

static const char def_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<workflow xmlns=\"urn:guichet:workflow:1\" id=\"firetest\" version=\"1\">\n"
    "  <title xml:lang=\"fr\">Essai</title>\n"
    "  <audience space=\"any\" assurance=\"email\"/>\n"
    "  <form id=\"demand\">\n"
    "    <page id=\"main\">\n"
    "      <title xml:lang=\"fr\">Demande</title>\n"
    "      <field name=\"name\" type=\"text\" required=\"yes\" max-length=\"10\">"
    "<label xml:lang=\"fr\">Nom</label></field>\n"
    "      <field name=\"kind\" type=\"choice\"><label xml:lang=\"fr\">Genre</label>\n"
    "        <option value=\"small\"><label xml:lang=\"fr\">Petit</label></option>\n"
    "        <option value=\"large\"><label xml:lang=\"fr\">Grand</label></option>\n"
    "      </field>\n"
    "    </page>\n"
    "  </form>\n"
    "  <states initial=\"draft\">\n"
    "    <state id=\"draft\" bucket=\"draft\" form=\"demand\">"
    "<label xml:lang=\"fr\">Brouillon</label></state>\n"
    "    <state id=\"submitted\" bucket=\"in-progress\" progress=\"50\">"
    "<label xml:lang=\"fr\">Transmise</label></state>\n"
    "    <state id=\"decided\" bucket=\"decision-unread\" progress=\"100\">"
    "<label xml:lang=\"fr\">Décidée</label></state>\n"
    "    <state id=\"archived\" bucket=\"archived\" final=\"yes\">"
    "<label xml:lang=\"fr\">Archivée</label></state>\n"
    "  </states>\n"
    "  <transition id=\"submit\" from=\"draft\" to=\"submitted\" by=\"owner\" "
    "form=\"demand\" guard=\"form-complete\">"
    "<label xml:lang=\"fr\">Transmettre</label></transition>\n"
    "  <transition id=\"verified\" from=\"submitted\" to=\"submitted\" by=\"owner\" "
    "guard=\"assurance&gt;=verified\"><label xml:lang=\"fr\">V</label></transition>\n"
    "  <transition id=\"pro\" from=\"submitted\" to=\"submitted\" by=\"owner\" "
    "guard=\"space=professional\"><label xml:lang=\"fr\">P</label></transition>\n"
    "  <transition id=\"assoc\" from=\"submitted\" to=\"submitted\" by=\"owner\" "
    "guard=\"entity-kind=association\"><label xml:lang=\"fr\">A</label></transition>\n"
    "  <transition id=\"again\" from=\"submitted\" to=\"submitted\" by=\"owner\" "
    "guard=\"no-open-demand\"><label xml:lang=\"fr\">N</label></transition>\n"
    "  <transition id=\"large\" from=\"submitted\" to=\"decided\" by=\"agent:serac\" "
    "guard=\"field:kind=large\"><label xml:lang=\"fr\">L</label></transition>\n"
    "  <transition id=\"decide\" from=\"submitted\" to=\"decided\" "
    "by=\"agent:serac referent:grants\" guard=\"not-owner\" comment=\"required\">"
    "<label xml:lang=\"fr\">Décider</label></transition>\n"
    "  <transition id=\"close\" from=\"decided\" to=\"archived\" by=\"system\">"
    "<label xml:lang=\"fr\">Classer</label></transition>\n"
    "  <timer in=\"decided\" after=\"P30D\" fire=\"close\"/>\n"
    "</workflow>\n";

static pool_t   *def_pool;
static wf_def_t *the_def;

/* --- the faked boundary -------------------------------------------------- */

/* One answer of the database: the statement must contain sql; then an
 * error (code), no row (v0 NULL) or one row of one or two text columns. */
typedef struct {
    const char *sql;
    int         code;
    const char *v0, *v1;
} answer_t;

static char last_authz[5][128];     /* the last authz_may question */
static char last_change[8192];      /* the last wf_apply document */
static int  n_authz, n_apply;

static void
free_res(void *res)
{
    PQclear(res);
}

static PGresult *
fake_result(pool_t *p, en_err_t *err, const answer_t *a)
{
    PGresult    *res;
    PGresAttDesc att[2];
    int          ncols = a->v1 != NULL ? 2 : 1, i;

    if (a->code != EN_OK) {
        en_set(err, a->code, "err.db", "fake database error");
        return NULL;
    }
    res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    memset(att, 0, sizeof(att));
    for (i = 0; i < ncols; i++) {
        att[i].name = (char *) "c";
        att[i].typid = 25;
        att[i].typlen = -1;
        att[i].atttypmod = -1;
    }
    assert_int_equal(PQsetResultAttrs(res, ncols, att), 1);
    if (a->v0 != NULL) {
        assert_int_equal(PQsetvalue(res, 0, 0, (char *) a->v0, (int) strlen(a->v0)), 1);
        if (a->v1 != NULL)
            assert_int_equal(PQsetvalue(res, 0, 1, (char *) a->v1, (int) strlen(a->v1)), 1);
    }
    pool_on_free(p, free_res, res);
    return res;
}

PGresult *
__wrap_db_exec(pool_t *p, en_err_t *err, const char *sql, int n,
               const char *const *params)
{
    const answer_t *a = mock_ptr_type(const answer_t *);
    int             i;

    if (strstr(sql, a->sql) == NULL)
        fail_msg("expected a statement with \"%s\", got: %s", a->sql, sql);
    if (strstr(sql, "authz_may") != NULL) {
        n_authz++;
        for (i = 0; i < 5 && i < n; i++)
            snprintf(last_authz[i], sizeof(last_authz[i]), "%s",
                     params[i] != NULL ? params[i] : "(null)");
    }
    return fake_result(p, err, a);
}

PGresult *
__wrap_db_exec_bin(pool_t *p, en_err_t *err, const char *sql, int n,
                   const char *const *params, const int *lengths, const int *formats)
{
    const answer_t *a = mock_ptr_type(const answer_t *);

    (void) n;
    (void) lengths;
    (void) formats;
    if (strstr(sql, a->sql) == NULL)
        fail_msg("expected a statement with \"%s\", got: %s", a->sql, sql);
    n_apply++;
    snprintf(last_change, sizeof(last_change), "%s", params[0]);
    return fake_result(p, err, a);
}

/* Prepared statements answer as the same statement run directly would. */
PGresult *
__wrap_db_exec_prepared(pool_t *p, en_err_t *err, db_stmt_t *st, const char *const *params)
{
    return __wrap_db_exec(p, err, st->sql, st->nparams, params);
}

PGresult *
__wrap_db_exec_prepared_bin(pool_t *p, en_err_t *err, db_stmt_t *st,
                            const char *const *params, const int *lengths, const int *formats)
{
    return __wrap_db_exec_bin(p, err, st->sql, st->nparams, params, lengths, formats);
}

const wf_def_t *
__wrap_wf_store_get(en_err_t *err, const char *key, int version)
{
    (void) version;
    if (strcmp(key, "firetest") != 0) {
        en_set(err, EN_NOTFOUND, "err.notfound", "no such workflow");
        return NULL;
    }
    return the_def;
}

/* authz_may's answers */
static const answer_t allow = { "authz_may", EN_OK, "allow", "" };
static const answer_t deny_step = { "authz_may", EN_OK, "deny", "authz.not_your_step" };
static const answer_t not_found = { "authz_may", EN_OK, "notfound", "err.notfound" };
/* wf_apply's */
static const answer_t applied = { "wf_apply", EN_OK,
    "{\"status\":\"ok\",\"state\":\"decided\",\"version\":4,\"event\":9}", NULL };

/* --- fixtures ------------------------------------------------------------ */

typedef struct {
    pool_t      *p;
    en_err_t     err;
    wf_result_t  res;
    principal_t  owner, agent, sys;
} fx_t;

static int
setup_def(void **state)
{
    wf_diag_t diags;

    (void) state;
    def_pool = pool_new(0);
    wf_diag_init(&diags, def_pool);
    if (wf_load_memory(def_pool, def_xml, strlen(def_xml), "firetest", &the_def, &diags)
        != EN_OK || diags.errors > 0) {
        wf_diag_print(&diags, stderr);
        return -1;
    }
    return 0;
}

static int
teardown_def(void **state)
{
    (void) state;
    pool_free(def_pool);
    return 0;
}

static int
setup(void **state)
{
    fx_t *f = calloc(1, sizeof(*f));

    f->p = pool_new(0);
    en_clear(&f->err);
    f->owner = principal_person(OWNER, NULL, 1, "fr", "req-owner");
    f->agent = principal_person(AGENT, NULL, 1, "de", "req-agent");
    f->sys = principal_system("timer-7");
    n_authz = n_apply = 0;
    last_change[0] = '\0';
    memset(last_authz, 0, sizeof(last_authz));
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fx_t *f = *state;

    pool_free(f->p);
    free(f);
    return 0;
}

/* A demand of firetest in state, at version 3, with form_data. */
static wf_demand_t *
demand(fx_t *f, const char *state, const char *space, const char *form_data)
{
    const char  *row = pool_printf(f->p,
        "{\"id\":\"" DEMAND "\",\"reference\":\"2026-000042\",\"workflow_key\":\"firetest\","
        "\"definition_version\":1,\"state\":\"%s\",\"bucket\":\"in-progress\","
        "\"owner_person_id\":\"" OWNER "\",\"owner_space_id\":%s%s%s,"
        "\"form_data\":%s,\"lang\":\"fr\",\"version\":3}",
        state, space ? "\"" : "", space ? space : "null", space ? "\"" : "", form_data);
    wf_demand_t *d = wf_demand_from_json(f->p, row, &f->err);

    assert_non_null(d);
    return d;
}

static int
fire(fx_t *f, const principal_t *who, wf_demand_t *d, const char *tid, const wf_input_t *in)
{
    en_clear(&f->err);
    return wf_fire_loaded(f->p, &f->err, who, d, tid, in, NULL, &f->res);
}

/* The wf_apply document sent last, parsed (in f->p). */
static json_t *
change(fx_t *f)
{
    json_error_t je;
    json_t      *c = json_loads(last_change, 0, &je);

    assert_non_null(c);
    pool_on_free(f->p, (void (*)(void *)) json_decref, c);
    return c;
}

static const char *
jget(json_t *o, const char *path1, const char *path2)
{
    json_t *v = json_object_get(o, path1);

    if (path2 != NULL)
        v = json_object_get(v, path2);
    return json_string_value(v);
}

/* --- the normal path ------------------------------------------------------ */

static void
test_person_fires_with_one_authz_question(void **state)
{
    fx_t       *f = *state;
    wf_input_t  in;
    json_t     *c;

    memset(&in, 0, sizeof(in));
    in.comment = "  accordé  ";
    in.expected_version = 3;
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec_bin, &applied);
    assert_int_equal(fire(f, &f->agent, demand(f, "submitted", NULL, "{}"), "decide", &in),
                     EN_OK);
    assert_string_equal(f->res.state, "decided");
    assert_int_equal(f->res.version, 4);
    assert_int_equal((int) f->res.event_id, 9);
    /* one question for the whole by= list, in its parsed, normalised form */
    assert_int_equal(n_authz, 1);
    assert_string_equal(last_authz[0], AGENT);
    assert_string_equal(last_authz[1], "(null)");
    assert_string_equal(last_authz[2], "fire-transition");
    assert_string_equal(last_authz[3], DEMAND);
    assert_string_equal(last_authz[4], "agent:serac referent:grants");
    /* the one write */
    c = change(f);
    assert_string_equal(jget(c, "demand", NULL), DEMAND);
    assert_int_equal((int) json_integer_value(json_object_get(c, "version")), 3);
    assert_string_equal(jget(c, "from", NULL), "submitted");
    assert_string_equal(jget(c, "to", NULL), "decided");
    assert_string_equal(jget(c, "actor", "kind"), "person");
    assert_string_equal(jget(c, "actor", "person"), AGENT);
    assert_string_equal(jget(c, "actor", "role"), "agent:serac referent:grants");
    assert_string_equal(jget(c, "comment", NULL), "accordé");
    assert_string_equal(jget(c, "request_id", NULL), "req-agent");
    /* arriving in "decided" starts its timer */
    assert_int_equal((int) json_array_size(json_object_get(c, "timers")), 1);
}

static void
test_fire_loads_by_id(void **state)
{
    fx_t             *f = *state;
    wf_input_t        in;
    const wf_demand_t *d = demand(f, "submitted", NULL, "{}");
    answer_t          load = { "FROM demands d WHERE d.id", EN_OK, NULL, NULL };
    char             *row = NULL;

    (void) d;
    row = pool_printf(f->p, "{\"id\":\"" DEMAND "\",\"reference\":\"2026-000042\","
                      "\"workflow_key\":\"firetest\",\"definition_version\":1,"
                      "\"state\":\"submitted\",\"owner_person_id\":\"" OWNER "\","
                      "\"form_data\":{},\"version\":3}");
    load.v0 = row;
    memset(&in, 0, sizeof(in));
    in.comment = "ok";
    will_return(__wrap_db_exec, &load);
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec_bin, &applied);
    assert_int_equal(wf_fire(f->p, &f->err, &f->agent, DEMAND, "decide", &in, &f->res), EN_OK);
    assert_int_equal(n_apply, 1);
    /* an id that is no uuid is no demand: not even asked */
    assert_int_equal(wf_fire(f->p, &f->err, &f->agent, "../etc", "decide", &in, &f->res),
                     EN_NOTFOUND);
    assert_int_equal(n_apply, 1);
}

/* --- conflicts ------------------------------------------------------------- */

static void
test_conflict_when_the_version_moved(void **state)
{
    fx_t       *f = *state;
    wf_input_t  in;

    memset(&in, 0, sizeof(in));
    in.comment = "ok";
    in.expected_version = 2;            /* the page showed version 2; it is at 3 */
    will_return(__wrap_db_exec, &allow);   /* may they know? (view-demand) */
    assert_int_equal(fire(f, &f->agent, demand(f, "submitted", NULL, "{}"), "decide", &in),
                     EN_CONFLICT);
    assert_string_equal(f->err.key, "wf.conflict.moved_on");
    assert_string_equal(last_authz[2], "view-demand");
    assert_string_equal(f->res.current_state, "submitted");
    assert_int_equal(f->res.current_version, 3);
    assert_int_equal(n_apply, 0);
}

static void
test_conflict_when_already_done(void **state)
{
    fx_t       *f = *state;
    wf_input_t  in;

    memset(&in, 0, sizeof(in));
    in.comment = "ok";
    /* a double click: the first one took the demand to "decided" */
    will_return(__wrap_db_exec, &allow);
    assert_int_equal(fire(f, &f->agent, demand(f, "decided", NULL, "{}"), "decide", &in),
                     EN_CONFLICT);
    assert_string_equal(f->err.key, "wf.conflict.already_done");
    assert_string_equal(f->res.last_transition, "decide");
    assert_int_equal(n_apply, 0);
}

static void
test_conflict_found_by_the_database(void **state)
{
    fx_t             *f = *state;
    wf_input_t        in;
    static const answer_t raced = { "wf_apply", EN_OK,
        "{\"status\":\"conflict\",\"state\":\"decided\",\"version\":4,\"last\":\"large\"}",
        NULL };

    memset(&in, 0, sizeof(in));
    in.comment = "ok";
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec_bin, &raced);
    assert_int_equal(fire(f, &f->agent, demand(f, "submitted", NULL, "{}"), "decide", &in),
                     EN_CONFLICT);
    assert_string_equal(f->err.key, "wf.conflict.moved_on");
    assert_string_equal(f->res.current_state, "decided");
    assert_int_equal(f->res.current_version, 4);
    assert_string_equal(f->res.last_transition, "large");
}

static void
test_a_stranger_learns_nothing_from_a_conflict(void **state)
{
    fx_t       *f = *state;
    wf_input_t  in;

    memset(&in, 0, sizeof(in));
    in.expected_version = 1;
    will_return(__wrap_db_exec, &not_found);
    assert_int_equal(fire(f, &f->agent, demand(f, "submitted", NULL, "{}"), "decide", &in),
                     EN_NOTFOUND);
    assert_string_equal(f->err.key, "err.notfound");
    assert_null(f->res.current_state);
    /* nor from an unknown step */
    will_return(__wrap_db_exec, &not_found);
    assert_int_equal(fire(f, &f->agent, demand(f, "submitted", NULL, "{}"), "nope", NULL),
                     EN_NOTFOUND);
    assert_string_equal(f->err.key, "err.notfound");
}

/* --- who ------------------------------------------------------------------- */

static void
test_forbidden_when_authz_refuses(void **state)
{
    fx_t       *f = *state;
    wf_input_t  in;

    memset(&in, 0, sizeof(in));
    in.comment = "ok";
    will_return(__wrap_db_exec, &deny_step);
    assert_int_equal(fire(f, &f->owner, demand(f, "submitted", NULL, "{}"), "decide", &in),
                     EN_FORBIDDEN);
    assert_string_equal(f->err.key, "authz.not_your_step");
    assert_int_equal(n_apply, 0);
}

static void
test_nobody_is_asked_to_log_in(void **state)
{
    fx_t        *f = *state;
    principal_t  nobody = principal_person(NULL, SPACE, 3, NULL, "req-x");

    assert_int_equal(nobody.kind, PRINCIPAL_NOBODY);
    assert_null(nobody.space_id);
    assert_int_equal(fire(f, &nobody, demand(f, "submitted", NULL, "{}"), "decide", NULL),
                     EN_UNAUTH);
    assert_int_equal(n_authz + n_apply, 0);
}

static void
test_system_only_fires_system_transitions(void **state)
{
    fx_t   *f = *state;
    json_t *c;
    static const answer_t closed = { "wf_apply", EN_OK,
        "{\"status\":\"ok\",\"state\":\"archived\",\"version\":4,\"event\":10}", NULL };

    /* a person's step: refused without a question to anyone */
    assert_int_equal(fire(f, &f->sys, demand(f, "submitted", NULL, "{}"), "decide", NULL),
                     EN_FORBIDDEN);
    assert_string_equal(f->err.key, "authz.not_your_step");
    assert_int_equal(n_authz + n_apply, 0);
    /* a person never fires the system's */
    assert_int_equal(fire(f, &f->owner, demand(f, "decided", NULL, "{}"), "close", NULL),
                     EN_FORBIDDEN);
    assert_string_equal(f->err.key, "authz.not_your_step");
    assert_int_equal(n_authz + n_apply, 0);
    /* its own: no authz, the timer consumed in the same transaction */
    will_return(__wrap_db_exec_bin, &closed);
    assert_int_equal(wf_fire_loaded(f->p, &f->err, &f->sys, demand(f, "decided", NULL, "{}"),
                                    "close", NULL, "7", &f->res), EN_OK);
    assert_int_equal(n_authz, 0);
    c = change(f);
    assert_string_equal(jget(c, "actor", "kind"), "system");
    assert_string_equal(jget(c, "actor", "role"), "system");
    assert_null(json_object_get(json_object_get(c, "actor"), "person"));
    assert_string_equal(jget(c, "timer", NULL), "7");
    assert_string_equal(jget(c, "request_id", NULL), "timer-7");
}

/* --- guards ------------------------------------------------------------------ */

static void
test_guard_assurance(void **state)
{
    fx_t *f = *state;

    will_return(__wrap_db_exec, &allow);
    assert_int_equal(fire(f, &f->owner, demand(f, "submitted", NULL, "{}"), "verified", NULL),
                     EN_FORBIDDEN);
    assert_string_equal(f->err.key, "wf.guard.assurance");
    assert_int_equal(n_apply, 0);
    f->owner.assurance = 2;             /* verified */
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec_bin, &applied);
    assert_int_equal(fire(f, &f->owner, demand(f, "submitted", NULL, "{}"), "verified", NULL),
                     EN_OK);
}

static void
test_guard_space(void **state)
{
    fx_t *f = *state;

    will_return(__wrap_db_exec, &allow);
    assert_int_equal(fire(f, &f->owner, demand(f, "submitted", NULL, "{}"), "pro", NULL),
                     EN_FORBIDDEN);
    assert_string_equal(f->err.key, "wf.guard.space");
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec_bin, &applied);
    assert_int_equal(fire(f, &f->owner, demand(f, "submitted", SPACE, "{}"), "pro", NULL),
                     EN_OK);
}

static void
test_guard_entity_kind(void **state)
{
    fx_t *f = *state;
    static const answer_t sa = { "legal_form", EN_OK, "sa", NULL };
    static const answer_t association = { "legal_form", EN_OK, "association", NULL };

    /* a demand filed for oneself has no entity at all */
    will_return(__wrap_db_exec, &allow);
    assert_int_equal(fire(f, &f->owner, demand(f, "submitted", NULL, "{}"), "assoc", NULL),
                     EN_FORBIDDEN);
    assert_string_equal(f->err.key, "wf.guard.entity_kind");
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec, &sa);
    assert_int_equal(fire(f, &f->owner, demand(f, "submitted", SPACE, "{}"), "assoc", NULL),
                     EN_FORBIDDEN);
    assert_string_equal(f->err.key, "wf.guard.entity_kind");
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec, &association);
    will_return(__wrap_db_exec_bin, &applied);
    assert_int_equal(fire(f, &f->owner, demand(f, "submitted", SPACE, "{}"), "assoc", NULL),
                     EN_OK);
}

static void
test_guard_no_open_demand(void **state)
{
    fx_t *f = *state;
    static const answer_t open = { "NOT is_final", EN_OK, "1", NULL };
    static const answer_t none = { "NOT is_final", EN_OK, NULL, NULL };

    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec, &open);
    assert_int_equal(fire(f, &f->owner, demand(f, "submitted", NULL, "{}"), "again", NULL),
                     EN_FORBIDDEN);
    assert_string_equal(f->err.key, "wf.guard.open_demand");
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec, &none);
    will_return(__wrap_db_exec_bin, &applied);
    assert_int_equal(fire(f, &f->owner, demand(f, "submitted", NULL, "{}"), "again", NULL),
                     EN_OK);
}

static void
test_guard_field(void **state)
{
    fx_t       *f = *state;
    wf_input_t  in;
    kv_t       *form = NULL;

    will_return(__wrap_db_exec, &allow);
    assert_int_equal(fire(f, &f->agent, demand(f, "submitted", NULL, "{\"kind\":\"small\"}"),
                          "large", NULL), EN_FORBIDDEN);
    assert_string_equal(f->err.key, "wf.guard.field");
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec_bin, &applied);
    assert_int_equal(fire(f, &f->agent, demand(f, "submitted", NULL, "{\"kind\":\"large\"}"),
                          "large", NULL), EN_OK);
    /* what is sent counts, not only what is stored */
    kv_add(f->p, &form, "kind", "large");
    memset(&in, 0, sizeof(in));
    in.form = form;
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec_bin, &applied);
    assert_int_equal(fire(f, &f->agent, demand(f, "submitted", NULL, "{\"kind\":\"small\"}"),
                          "large", &in), EN_OK);
}

static void
test_guard_not_owner(void **state)
{
    fx_t       *f = *state;
    wf_input_t  in;

    memset(&in, 0, sizeof(in));
    in.comment = "moi-même";
    /* the owner is also a référent with the grants duty: authz lets them */
    will_return(__wrap_db_exec, &allow);
    assert_int_equal(fire(f, &f->owner, demand(f, "submitted", NULL, "{}"), "decide", &in),
                     EN_FORBIDDEN);
    assert_string_equal(f->err.key, "wf.guard.not_owner");
    assert_int_equal(n_apply, 0);
}

static void
test_guard_form_complete(void **state)
{
    fx_t *f = *state;

    will_return(__wrap_db_exec, &allow);
    assert_int_equal(fire(f, &f->owner, demand(f, "draft", NULL, "{}"), "submit", NULL),
                     EN_BADINPUT);
    assert_int_equal(f->res.nerrors, 1);
    assert_string_equal(f->res.errors[0].field, "name");
    assert_string_equal(f->res.errors[0].key, "field.required");
    assert_int_equal(n_apply, 0);
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec_bin, &applied);
    assert_int_equal(fire(f, &f->owner, demand(f, "draft", NULL, "{\"name\":\"Kiosque\"}"),
                          "submit", NULL), EN_OK);
}

/* --- input ------------------------------------------------------------------ */

static void
test_bad_input_lists_every_field(void **state)
{
    fx_t       *f = *state;
    wf_input_t  in;
    kv_t       *form = NULL;
    json_t     *c;

    kv_add(f->p, &form, "name", "bien trop long pour dix");
    kv_add(f->p, &form, "kind", "medium");
    memset(&in, 0, sizeof(in));
    in.form = form;
    will_return(__wrap_db_exec, &allow);
    assert_int_equal(fire(f, &f->owner, demand(f, "draft", NULL, "{}"), "submit", &in),
                     EN_BADINPUT);
    assert_string_equal(f->err.key, "wf.input.invalid");
    assert_int_equal(f->res.nerrors, 2);
    assert_string_equal(f->res.errors[0].field, "name");
    assert_string_equal(f->res.errors[0].key, "field.too_long");
    assert_string_equal(f->res.errors[1].field, "kind");
    assert_int_equal(n_apply, 0);
    /* valid values are sent normalised, once */
    form = NULL;
    kv_add(f->p, &form, "name", "  Kiosque ");
    kv_add(f->p, &form, "kind", "large");
    in.form = form;
    will_return(__wrap_db_exec, &allow);
    will_return(__wrap_db_exec_bin, &applied);
    assert_int_equal(fire(f, &f->owner, demand(f, "draft", NULL, "{}"), "submit", &in), EN_OK);
    c = change(f);
    assert_string_equal(jget(c, "set", "kind"), "large");
    assert_non_null(jget(c, "set", "name"));
}

static void
test_comment_required_and_bounded(void **state)
{
    fx_t       *f = *state;
    wf_input_t  in;
    char       *big;

    memset(&in, 0, sizeof(in));
    in.comment = "   ";
    will_return(__wrap_db_exec, &allow);
    assert_int_equal(fire(f, &f->agent, demand(f, "submitted", NULL, "{}"), "decide", &in),
                     EN_BADINPUT);
    assert_int_equal(f->res.nerrors, 1);
    assert_string_equal(f->res.errors[0].field, "comment");
    assert_string_equal(f->res.errors[0].key, "wf.comment.required");
    big = pool_alloc(f->p, 5002);
    memset(big, 'x', 5001);
    big[5001] = '\0';
    in.comment = big;
    will_return(__wrap_db_exec, &allow);
    assert_int_equal(fire(f, &f->agent, demand(f, "submitted", NULL, "{}"), "decide", &in),
                     EN_BADINPUT);
    assert_string_equal(f->res.errors[0].key, "wf.comment.too_long");
    assert_int_equal(n_apply, 0);
}

static void
test_database_down_is_unavailable(void **state)
{
    fx_t       *f = *state;
    wf_input_t  in;
    static const answer_t down = { "authz_may", EN_UNAVAILABLE, NULL, NULL };

    memset(&in, 0, sizeof(in));
    in.comment = "ok";
    will_return(__wrap_db_exec, &down);
    assert_int_equal(fire(f, &f->agent, demand(f, "submitted", NULL, "{}"), "decide", &in),
                     EN_UNAVAILABLE);
    assert_int_equal(n_apply, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_person_fires_with_one_authz_question),
        T(test_fire_loads_by_id),
        T(test_conflict_when_the_version_moved),
        T(test_conflict_when_already_done),
        T(test_conflict_found_by_the_database),
        T(test_a_stranger_learns_nothing_from_a_conflict),
        T(test_forbidden_when_authz_refuses),
        T(test_nobody_is_asked_to_log_in),
        T(test_system_only_fires_system_transitions),
        T(test_guard_assurance),
        T(test_guard_space),
        T(test_guard_entity_kind),
        T(test_guard_no_open_demand),
        T(test_guard_field),
        T(test_guard_not_owner),
        T(test_guard_form_complete),
        T(test_bad_input_lists_every_field),
        T(test_comment_required_and_bounded),
        T(test_database_down_is_unavailable),
#undef T
    };

    return cmocka_run_group_tests(tests, setup_def, teardown_def);
}
