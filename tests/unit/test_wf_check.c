/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_wf_check.c -- what `guichet check` tells an administrator: one
 * fixture per mistake under tests/fixtures/workflows/, each asserting the
 * exact `file:line: message`; the shipped definitions check clean; the
 * schema's vague messages give way to the engine's precise ones; entity
 * attacks are refused unread; the command's exit codes.
 */
#include "test_util.h"

#include <fcntl.h>
#include <unistd.h>

#include "commands.h"
#include "en_err.h"
#include "pool.h"
#include "wf_check.h"
#include "wf_def.h"
#include "xml_safe.h"

#define FIX "tests/fixtures/workflows/"

typedef struct {
    const char *file;      /* under FIX */
    const char *expect;    /* a substring of one diagnostic */
} fixture_case_t;

static const fixture_case_t cases[] = {
    { "unknown_state.xml", FIX "unknown_state.xml:40: transition \"decide\": "
      "state \"decidedd\" does not exist (did you mean \"decided\"?)" },
    { "duplicate_id.xml", FIX "duplicate_id.xml:30: state id \"submitted\" is "
      "already used at line 27" },
    { "unreachable.xml", FIX "unreachable.xml:36: state \"limbo\" is "
      "unreachable: no transition from the initial state \"draft\" leads to "
      "it" },
    { "from_final.xml", FIX "from_final.xml:46: transition \"reopen\" leaves "
      "final state \"archived\"" },
    { "timer_on_final.xml", FIX "timer_on_final.xml:49: timer in \"archived\": "
      "the state is final, so the timer could never fire" },
    { "unknown_effect.xml", FIX "unknown_effect.xml:42: unknown effect action "
      "\"print-leter\" (did you mean \"print-letter\"?)" },
    { "unknown_field_type.xml", FIX "unknown_field_type.xml:13: field "
      "\"amount\": unknown type \"monney\" (did you mean \"money\"?)" },
    { "min_gt_max.xml", FIX "min_gt_max.xml:13: field \"amount\": min is "
      "greater than max" },
    { "bad_duration.xml", FIX "bad_duration.xml:24: state \"draft\": "
      "expires=\"P3X\" is not an ISO-8601 duration: unknown unit" },
    { "no_french_title.xml", FIX "no_french_title.xml:5: workflow \"fixture\": "
      "no French title" },
    { "doctype_entity.xml", FIX "doctype_entity.xml:1: a DOCTYPE is not "
      "allowed" },
    { "malformed.xml", FIX "malformed.xml:8: Opening and ending tag mismatch: "
      "label line 8 and state" },
    { "bad_pattern.xml", FIX "bad_pattern.xml:10: field \"name\": pattern "
      "\"([a-z]\" is not a valid POSIX extended regular expression" },
    { "choice_no_options.xml", FIX "choice_no_options.xml:16: field \"kind\": "
      "a choice needs <option> elements" },
    { "unknown_guard.xml", FIX "unknown_guard.xml:37: transition \"submit\": "
      "unknown guard \"form-complet\" (did you mean \"form-complete\"?)" },
    { "bad_condition.xml", FIX "bad_condition.xml:13: field \"amount\": "
      "shown-when \"nmae=x\": form \"demand\" has no field \"nmae\" (did you "
      "mean \"name\"?)" },
    { "bad_condition.xml", FIX "bad_condition.xml:40: transition \"decide\": "
      "guard \"field:kind=medium\": field \"kind\" has no option \"medium\"" },
    { "timer_wrong_transition.xml", FIX "timer_wrong_transition.xml:46: timer "
      "in \"submitted\" fires \"read\", which does not leave \"submitted\"" },
    { "timer_wrong_transition.xml", FIX "timer_wrong_transition.xml:46: timer "
      "in \"submitted\" fires \"read\", which is not by=\"system\"" },
    { "system_draft.xml", FIX "system_draft.xml:46: transition \"auto-submit\" "
      "is by=\"system\" from the draft \"draft\", but no timer fires it" },
    { "bad_accept.xml", FIX "bad_accept.xml:16: field \"letter\": accept "
      "\"application/msword\" is not a type the engine recognises" },
    { "bad_actor.xml", FIX "bad_actor.xml:40: transition \"decide\": unknown "
      "actor by=\"agnet:office\" (did you mean \"agent\"?)" },
    /* the checker used to accept "_", which no group id can hold: the
     * step passed `guichet check` and nobody could ever fire it */
    { "bad_group.xml", FIX "bad_group.xml:40: transition \"decide\": "
      "by=\"agent:serac_vd\" needs a group id: agent:GROUP, GROUP made of "
      "a-z, 0-9 and - (not first), at most 63 (e.g. agent:serac)" },
    { "missing_page.xml", FIX "missing_page.xml:37: transition \"submit\": "
      "form \"demand\" has no page \"mian\" (did you mean \"main\"?)" },
    { "dead_end.xml", FIX "dead_end.xml:36: state \"stuck\" is a dead end: "
      "nothing leaves it and it is not final=\"yes\"" },
    { "decide_over.xml", FIX "decide_over.xml:37: decide \"verify\": over=\"comunes\" "
      "names no repeating group of the forms (did you mean \"communes\"?)" },
    { "decide_key.xml", FIX "decide_key.xml:37: decide \"verify\": unknown outcome "
      "\"refuse\" (did you mean \"refused\"?) (valid, refused or pending)" },
    { "decide_key.xml", FIX "decide_key.xml:37: decide \"verify\": "
      "by=\"third-party:@ofz\": group \"communes\" has no field \"ofz\" (did you mean "
      "\"ofs\"?)" },
    { "decide_then.xml", FIX "decide_then.xml:37: decide \"verify\": outcomes=\"pending\" "
      "has no final outcome (valid or refused), so the items would never be done" },
    { "decide_then.xml", FIX "decide_then.xml:37: decide \"verify\": then=\"transmit\" "
      "must be by=\"system\" only: it fires by itself once every item has a final answer" },
    { "effect_args.xml", FIX "effect_args.xml:42: effect \"issue-code\": "
      "unknown argument \"chanel\" (did you mean \"channel\"?)" },
    { "effect_args.xml", FIX "effect_args.xml:42: effect \"issue-code\": "
      "missing argument channel=" },
    { "schema_attribute.xml", FIX "schema_attribute.xml:27: schema: Invalid "
      "attribute colour for element state" },
    { "bad_bucket.xml", FIX "bad_bucket.xml:30: state \"decided\": unknown "
      "bucket \"decision-unred\" (did you mean \"decision-unread\"?)" },
    { "unknown_recipient.xml", FIX "unknown_recipient.xml:37: transition "
      "\"submit\": unknown recipient \"agnets\" (did you mean \"agents\"?)" },
    { "purge_not_draft.xml", FIX "purge_not_draft.xml:46: timer in "
      "\"submitted\": only a draft can be purged" },
    { "reserved_id.xml", FIX "reserved_id.xml:37: transition id \"create\" is "
      "reserved" },
    { "reserved_migrate.xml", FIX "reserved_migrate.xml:37: transition id \"migrate\" "
      "is reserved" },
    { "initial_missing.xml", FIX "initial_missing.xml:23: initial state "
      "\"draf\" does not exist (did you mean \"draft\"?)" },
    { "comment_system.xml", FIX "comment_system.xml:46: transition \"expire\": "
      "comment=\"required\" but only the system fires it" },
    { "on_view_agent.xml", FIX "on_view_agent.xml:43: transition \"read\": "
      "auto=\"on-view\" fires when the owner views the demand, so it must be "
      "by=\"owner\" only" },
    /* the service owner's second approval (workflows/service_access.xml) */
    { "bad_grant_approval.xml", FIX "bad_grant_approval.xml:6: audience: "
      "grant-approval only applies to a protected service (protected=\"yes\")" },
    { "bad_grant_approval.xml", FIX "bad_grant_approval.xml:40: transition "
      "\"decide\": guard \"service-approval:kind=Office_1\": \"Office_1\" is "
      "not a group id (lower-case letters, digits and '-') nor \"none\"" },
    { "bad_grant_approval.xml", FIX "bad_grant_approval.xml:43: transition "
      "\"read\": guard \"service-approval:knd=none\": no form has a field "
      "\"knd\" (did you mean \"kind\"?)" },
    { "bad_referent_duty.xml", FIX "bad_referent_duty.xml:40: transition "
      "\"decide\": by=\"referent:identification\": a référent's duty is "
      "members or grants (referent:members, referent:grants)" },
    { "reserved_field.xml", FIX "reserved_field.xml:10: field name "
      "\"comment\" is reserved: the pages post their own \"comment\" "
      "(reserved: comment, version, nav, csrf); choose another name, e.g. "
      "\"comment-text\"" },
    { "reserved_field.xml", FIX "reserved_field.xml:42: transition \"decide\": "
      "attachment name \"version\" is reserved: the pages post their own "
      "\"version\" (reserved: comment, version, nav, csrf); choose another "
      "name, e.g. \"version-file\"" },
    { "condition_after.xml", FIX "condition_after.xml:10: field \"name\": "
      "required-when \"kind=large\": field \"kind\" comes after this one" },
    /* rules across fields (wf_rule.c): each mistake on its own line */
    { "bad_rules.xml", FIX "bad_rules.xml:22: page \"main\": rule: unknown "
      "is=\"atleast\" (did you mean \"at-least\"?)" },
    { "bad_rules.xml", FIX "bad_rules.xml:23: page \"main\": rule: form "
      "\"demand\" has no field \"strat\" (did you mean \"start\"?)" },
    { "bad_rules.xml", FIX "bad_rules.xml:24: page \"main\": rule: field "
      "\"end\" is compared with itself" },
    { "bad_rules.xml", FIX "bad_rules.xml:25: page \"main\": rule: form "
      "\"demand\" has no field \"name2\"" },
    { "bad_rules.xml", FIX "bad_rules.xml:26: page \"main\": rule: field "
      "\"name\" is of type text; a rule compares dates, numbers or amounts" },
    { "bad_rules.xml", FIX "bad_rules.xml:27: page \"main\": rule: field "
      "\"amount\" (money) and field \"start\" (date) are not of the same type" },
    { "bad_rules.xml", FIX "bad_rules.xml:28: page \"main\": rule: field "
      "\"later\" is on a later page (\"next\"); a rule can only compare with "
      "fields filled in before" },
    { "bad_rules.xml", FIX "bad_rules.xml:29: page \"main\": rule: field "
      "\"total\" is not on page \"main\"; a rule stands on the page of the "
      "field its message is next to" },
    /* actors chosen by the data, age conditions, one-field rules (0026) */
    { "bad_data_actors.xml", FIX "bad_data_actors.xml:19: field \"note\": shown-when "
      "\"age(phone)>=18\": age() needs a date field; \"phone\" is of type phone" },
    { "bad_data_actors.xml", FIX "bad_data_actors.xml:25: transition \"close\": "
      "by=\"third-party:@office\": option \"office_b\" of field \"office\" cannot be "
      "a group id" },
    { "bad_data_actors.xml", FIX "bad_data_actors.xml:27: page \"main\": rule: "
      "is=\"age-at-least\" needs a date field; \"name\" is of type text" },
    { "bad_data_actors.xml", FIX "bad_data_actors.xml:28: page \"main\": rule: field "
      "\"office\" has no option \"office-c\"" },
    { "bad_data_actors.xml", FIX "bad_data_actors.xml:29: page \"main\": rule: "
      "is=\"at-least\" compares two fields: write other=\"FIELD\"" },
    { "bad_data_actors.xml", FIX "bad_data_actors.xml:30: page \"main\": rule: "
      "is=\"age-at-least\" looks at one field: remove other=" },
    { "bad_data_actors.xml", FIX "bad_data_actors.xml:47: transition \"check\": "
      "by=\"third-party:@ofice\": no form has a field \"ofice\" (did you mean "
      "\"office\"?)" },
    { "bad_data_actors.xml", FIX "bad_data_actors.xml:50: transition \"close\": "
      "by=\"agent:@phone\": field \"phone\" is of type phone; the group is read from "
      "a choice or a text field" },
};

#define N_CASES (sizeof(cases) / sizeof(*cases))

/* Loads path; returns the pool (caller frees) with diags filled. */
static pool_t *
load(const char *path, int *rc, wf_def_t **def, wf_diag_t *diags)
{
    pool_t *p = pool_new(0);

    wf_diag_init(diags, p);
    *rc = wf_load_file(p, path, def, diags);
    return p;
}

static int
diags_contain(const wf_diag_t *d, const char *s)
{
    const wf_diag_item_t *it;

    for (it = d->first; it != NULL; it = it->next)
        if (strstr(wf_diag_text(d->pool, it), s) != NULL)
            return 1;
    return 0;
}

static void
test_fixture(void **state)
{
    const fixture_case_t *c = *state;
    char                  path[256];
    wf_diag_t             diags;
    wf_def_t             *def = (wf_def_t *) 1;
    int                   rc;
    pool_t               *p;

    snprintf(path, sizeof(path), FIX "%s", c->file);
    p = load(path, &rc, &def, &diags);
    if (rc != EN_BADINPUT || !diags_contain(&diags, c->expect)) {
        fprintf(stderr, "expected: %s\ngot (rc %d):\n", c->expect, rc);
        wf_diag_print(&diags, stderr);
    }
    assert_int_equal(rc, EN_BADINPUT);
    assert_null(def);
    assert_true(diags.errors > 0);
    assert_true(diags_contain(&diags, c->expect));
    pool_free(p);
}

/* A clean file: no error, no warning. */
static void
assert_clean(const char *path)
{
    wf_diag_t  diags;
    wf_def_t  *def = NULL;
    int        rc;
    pool_t    *p = load(path, &rc, &def, &diags);

    if (rc != EN_OK || diags.first != NULL)
        wf_diag_print(&diags, stderr);
    assert_int_equal(rc, EN_OK);
    assert_non_null(def);
    assert_int_equal(diags.errors, 0);
    assert_int_equal(diags.warnings, 0);
    pool_free(p);
}

static void
test_subsidy_is_clean(void **state)
{
    (void) state;
    assert_clean("workflows/subsidy.xml");
    assert_clean("workflows/enrolment.xml");
}

static void
test_minimal_fixture_is_clean(void **state)
{
    (void) state;
    assert_clean(FIX "minimal.xml");
}

/*
 * referent:members and referent:grants are the actors authz_may() honours
 * (the référent or a delegate with that duty): the language accepts them
 * and keeps the duty for whoever reads the definition.
 */
static void
test_referent_duties_are_actors(void **state)
{
    wf_diag_t  diags;
    wf_def_t  *def = NULL;
    int        rc;
    pool_t    *p;
    const wf_transition_t *t;

    (void) state;
    assert_clean(FIX "referent_duty.xml");
    p = load(FIX "referent_duty.xml", &rc, &def, &diags);
    assert_int_equal(rc, EN_OK);
    t = wf_transition_find(def, "decide");
    assert_non_null(t);
    assert_int_equal(t->n_by, 3);
    assert_int_equal(t->by[1].kind, WF_BY_REFERENT);
    assert_string_equal(t->by[1].duty, "members");
    assert_string_equal(t->by[1].text, "referent:members");
    assert_string_equal(t->by[2].duty, "grants");
    assert_null(t->by[0].duty);
    pool_free(p);
}

/* The entity names /etc/passwd: refused, and nothing of it anywhere. */
static void
test_doctype_is_refused_unread(void **state)
{
    wf_diag_t             diags;
    wf_def_t             *def;
    int                   rc;
    pool_t               *p = load(FIX "doctype_entity.xml", &rc, &def, &diags);
    const wf_diag_item_t *it;

    (void) state;
    assert_int_equal(rc, EN_BADINPUT);
    assert_null(def);
    for (it = diags.first; it != NULL; it = it->next) {
        assert_null(strstr(it->msg, "root:"));
        assert_null(strstr(it->msg, "/bin/"));
    }
    pool_free(p);
}

/* Every problem of a file, not just the first, in line order. */
static void
test_all_problems_sorted(void **state)
{
    wf_diag_t             diags;
    wf_def_t             *def;
    int                   rc, last = 0;
    pool_t               *p = load(FIX "bad_condition.xml", &rc, &def, &diags);
    const wf_diag_item_t *it;

    (void) state;
    assert_int_equal(diags.errors, 2);
    for (it = diags.first; it != NULL; it = it->next) {
        assert_true(it->line >= last);
        last = it->line;
    }
    pool_free(p);
}

/* libxml2 says "Element state failed to validate attributes" and
 * "Invalid attribute bucket"; the engine's message replaces both. */
static void
test_schema_vagueness_gives_way(void **state)
{
    wf_diag_t             diags;
    wf_def_t             *def;
    int                   rc;
    pool_t               *p = load(FIX "bad_bucket.xml", &rc, &def, &diags);
    const wf_diag_item_t *it;

    (void) state;
    assert_int_equal(diags.errors, 1);
    for (it = diags.first; it != NULL; it = it->next)
        assert_int_equal(it->from_schema, 0);
    pool_free(p);
}

static void
test_schema_missing_is_internal(void **state)
{
    wf_diag_t  diags;
    wf_def_t  *def;
    int        rc;
    pool_t    *p;

    (void) state;
    setenv("GUICHET_SCHEMA", "tests/fixtures/workflows/no-such.rng", 1);
    p = load("workflows/subsidy.xml", &rc, &def, &diags);
    assert_int_equal(rc, EN_INTERNAL);
    assert_null(def);
    assert_true(diags_contain(&diags, "cannot load the workflow schema"));
    pool_free(p);
    unsetenv("GUICHET_SCHEMA");
    assert_clean("workflows/subsidy.xml");
}

static void
test_memory_uses_the_given_name(void **state)
{
    static const char xml[] =
        "<workflow xmlns=\"urn:guichet:workflow:1\" id=\"x\">\n"
        "  <title xml:lang=\"fr\">X</title>\n"
        "</workflow>\n";
    pool_t    *p = pool_new(0);
    wf_diag_t  diags;
    wf_def_t  *def;

    (void) state;
    wf_diag_init(&diags, p);
    assert_int_equal(wf_load_memory(p, xml, strlen(xml), "db:x@3", &def,
                                    &diags), EN_BADINPUT);
    assert_true(diags_contain(&diags, "db:x@3:1: workflow \"x\" has no "
                              "<states>"));
    assert_true(diags_contain(&diags, "db:x@3:1: workflow \"x\" has no "
                              "<audience>"));
    pool_free(p);
}

static void
test_missing_file(void **state)
{
    wf_diag_t  diags;
    wf_def_t  *def;
    int        rc;
    pool_t    *p = load(FIX "no-such-file.xml", &rc, &def, &diags);

    (void) state;
    assert_int_equal(rc, EN_NOTFOUND);
    assert_true(diags_contain(&diags, "no-such-file.xml"));
    pool_free(p);
}

/* Runs fn(argc, argv) with stdout and stderr sent to /dev/null. */
static int
quietly(int (*fn)(int, char **), int argc, char **argv)
{
    int out = dup(1), err = dup(2), null = open("/dev/null", O_WRONLY), rc;

    fflush(stdout);
    fflush(stderr);
    dup2(null, 1);
    dup2(null, 2);
    rc = fn(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(out, 1);
    dup2(err, 2);
    close(out);
    close(err);
    close(null);
    return rc;
}

static void
test_cmd_check_exit_codes(void **state)
{
    char *clean[] = { "check", "workflows/subsidy.xml", FIX "minimal.xml" };
    char *mixed[] = { "check", "workflows/subsidy.xml", FIX "dead_end.xml" };
    char *none[] = { "check" };
    char *bad_opt[] = { "check", "-x", "workflows/subsidy.xml" };

    (void) state;
    assert_int_equal(quietly(cmd_check, 3, clean), 0);
    assert_int_equal(quietly(cmd_check, 3, mixed), 1);
    assert_int_equal(quietly(cmd_check, 1, none), 2);
    assert_int_equal(quietly(cmd_check, 3, bad_opt), 2);
}

static void
test_cmd_graph(void **state)
{
    char  out[] = "/tmp/test_wf_check_XXXXXX";
    int   fd = mkstemp(out);
    char *dot[] = { "graph", "-T", "dot", "-o", out, "workflows/subsidy.xml" };
    char *svg[] = { "graph", "-T", "svg", "-o", out, "workflows/subsidy.xml" };
    char *png[] = { "graph", "-T", "png", "workflows/subsidy.xml" };
    char *broken[] = { "graph", "-o", out, FIX "dead_end.xml" };
    char  buf[64] = "";
    FILE *f;

    (void) state;
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(quietly(cmd_graph, 6, dot), 0);
    f = fopen(out, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof(buf), f));
    fclose(f);
    assert_string_equal(buf, "digraph \"subsidy\" {\n");
    assert_int_equal(quietly(cmd_graph, 6, svg), 0);
    assert_int_equal(quietly(cmd_graph, 4, png), 2);
    assert_int_equal(quietly(cmd_graph, 4, broken), 1);
    unlink(out);
}

int
main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_subsidy_is_clean),
        cmocka_unit_test(test_minimal_fixture_is_clean),
        cmocka_unit_test(test_referent_duties_are_actors),
        cmocka_unit_test(test_doctype_is_refused_unread),
        cmocka_unit_test(test_all_problems_sorted),
        cmocka_unit_test(test_schema_vagueness_gives_way),
        cmocka_unit_test(test_schema_missing_is_internal),
        cmocka_unit_test(test_memory_uses_the_given_name),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_cmd_check_exit_codes),
        cmocka_unit_test(test_cmd_graph),
    };
    struct CMUnitTest tests[N_CASES + sizeof(fixed) / sizeof(*fixed)];
    size_t            i, n = 0;

    xml_safe_init();
    for (i = 0; i < N_CASES; i++) {
        struct CMUnitTest t = { cases[i].file, test_fixture, NULL, NULL,
                                (void *) &cases[i] };

        tests[n++] = t;
    }
    for (i = 0; i < sizeof(fixed) / sizeof(*fixed); i++)
        tests[n++] = fixed[i];
    return _cmocka_run_group_tests("wf_check", tests, n, NULL, NULL);
}
