/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_wf_roles.c -- the enrolment's language (workflows/enrolment.xml):
 * the actor chosen by the data (wf_roles.c: the concrete role, the data
 * roles sent with a change), the age conditions (wf_cond.c) and the rules
 * on one field (wf_rule.c: age-at-least, not, <refusal>).
 */
#include "test_util.h"

#include <string.h>
#include <time.h>

#include "pool.h"
#include "pool_json.h"
#include "wf_cond.h"
#include "wf_def.h"
#include "wf_fire.h"
#include "wf_roles.h"
#include "wf_rule.h"
#include "xml_safe.h"

static wf_def_t *
enrolment(pool_t *p)
{
    wf_def_t  *def = NULL;
    wf_diag_t  diags;

    wf_diag_init(&diags, p);
    if (wf_load_file(p, "workflows/enrolment.xml", &def, &diags) != EN_OK) {
        wf_diag_print(&diags, stderr);
        fail_msg("workflows/enrolment.xml does not load");
    }
    return def;
}

static wf_demand_t *
demand_with(pool_t *p, const char *json)
{
    wf_demand_t *d = pool_calloc(p, sizeof(*d));

    d->form_json = pool_json(p, json_loads(json, 0, NULL));
    assert_non_null(d->form_json);
    d->lang = "fr";
    return d;
}

static const char *
roles_text(pool_t *p, json_t *a)
{
    return pool_json_dumps(p, a, JSON_COMPACT);
}

static void
test_the_authority_chosen_is_the_actor(void **state)
{
    pool_t                *p = pool_new(0);
    const wf_def_t        *def = enrolment(p);
    const wf_transition_t *verify = wf_transition_find(def, "verify");
    wf_demand_t           *d;

    (void) state;
    assert_non_null(verify);
    assert_string_equal(verify->by[0].field_name, "authority");
    assert_non_null(verify->by[0].field);
    d = demand_with(p, "{\"authority\": \"prefecture-lausanne\"}");
    assert_string_equal(wf_people_roles(p, verify, d), "third-party:prefecture-lausanne");
    assert_string_equal(roles_text(p, wf_roles_of_data(p, def, d->form_json)),
                        "[\"third-party:prefecture-lausanne\"]");
    /* nobody while the data names no group, or something no group is */
    assert_string_equal(wf_people_roles(p, verify, NULL), "");
    assert_string_equal(wf_people_roles(p, verify, demand_with(p, "{}")), "");
    assert_string_equal(wf_people_roles(p, verify,
                                        demand_with(p, "{\"authority\": \"x y\"}")), "");
    assert_string_equal(roles_text(p, wf_roles_of_data(p, def, pool_json(p, json_object()))),
                        "[]");
    /* the owner's steps keep their roles */
    assert_string_equal(wf_people_roles(p, wf_transition_find(def, "activate"), d), "owner");
    pool_free(p);
}

static void
test_the_data_after_a_change(void **state)
{
    pool_t      *p = pool_new(0);
    wf_def_t    *def = enrolment(p);
    wf_demand_t *d = demand_with(p, "{\"authority\": \"commune-renens\", \"x\": \"1\"}");
    json_t      *set = pool_json(p, json_loads("{\"authority\": \"prefecture-lausanne\"}", 0,
                                                NULL));
    json_t      *unset = pool_json(p, json_loads("[\"authority\"]", 0, NULL));
    json_t      *after;

    (void) state;
    after = wf_roles_data_after(p, d, set, pool_json(p, json_array()));
    assert_string_equal(roles_text(p, wf_roles_of_data(p, def, after)),
                        "[\"third-party:prefecture-lausanne\"]");
    after = wf_roles_data_after(p, d, pool_json(p, json_object()), unset);
    assert_string_equal(roles_text(p, wf_roles_of_data(p, def, after)), "[]");
    /* the demand itself is not changed */
    assert_string_equal(json_string_value(json_object_get(d->form_json, "authority")),
                        "commune-renens");
    pool_free(p);
}

static const char *
iso_years_ago(pool_t *p, int years, int days)
{
    time_t    t = time(NULL) - (time_t) days * 86400;
    struct tm tm;

    localtime_r(&t, &tm);
    if (tm.tm_mon == 1 && tm.tm_mday == 29)
        tm.tm_mday = 28;
    return pool_printf(p, "%04d-%02d-%02d", tm.tm_year + 1900 - years, tm.tm_mon + 1,
                       tm.tm_mday);
}

static void
test_ages(void **state)
{
    pool_t          *p = pool_new(0);
    wf_def_t        *def = enrolment(p);
    const wf_form_t *form = wf_form_find(def, "demand");
    const wf_page_t *guardians = wf_page_find(form, "guardians");
    const wf_page_t *identity = wf_page_find(form, "identity");
    const wf_rule_t *at15 = &identity->rules[0];
    int              age = -1;

    (void) state;
    assert_int_equal(wf_age_years(iso_years_ago(p, 18, 0), &age), 0);
    assert_int_equal(age, 18);
    assert_int_equal(wf_age_years(iso_years_ago(p, 18, -1), &age), 0);
    assert_int_equal(age, 17);                 /* 18 tomorrow */
    assert_int_equal(wf_age_years("31.12.1990", &age), -1);
    assert_int_equal(wf_age_years(NULL, &age), -1);

    /* the guardians' page: age(birth-date)<18 */
    assert_int_equal(guardians->shown_when.age_op, WF_AGE_LESS);
    assert_int_equal(guardians->shown_when.age_years, 18);
    assert_true(wf_cond_match(&guardians->shown_when, iso_years_ago(p, 17, 0)));
    assert_true(wf_cond_match(&guardians->shown_when, iso_years_ago(p, 18, -1)));
    assert_false(wf_cond_match(&guardians->shown_when, iso_years_ago(p, 18, 0)));
    assert_false(wf_cond_match(&guardians->shown_when, ""));
    assert_false(wf_cond_match(&guardians->shown_when, NULL));

    /* the identity page: at least 15, with the definition's own words */
    assert_int_equal(at15->op, WF_RULE_AGE_AT_LEAST);
    assert_true(wf_rule_holds(at15, iso_years_ago(p, 15, 0), NULL));
    assert_false(wf_rule_holds(at15, iso_years_ago(p, 15, -1), NULL));
    assert_true(wf_rule_holds(at15, "", NULL));            /* required-ness says so */
    assert_string_equal(wf_rule_message_key(p, at15), "wf.rule.refusal");
    assert_non_null(strstr(wf_rule_message_arg(p, at15, "de"), "ab 15 Jahren"));
    assert_non_null(strstr(wf_rule_message_arg(p, at15, "fr"), "dès 15 ans"));
    pool_free(p);
}

static void
test_a_refused_choice(void **state)
{
    pool_t          *p = pool_new(0);
    wf_def_t        *def = enrolment(p);
    const wf_page_t *doc = wf_page_find(wf_form_find(def, "demand"), "document");
    const wf_rule_t *r = &doc->rules[0];

    (void) state;
    assert_int_equal(r->op, WF_RULE_NOT);
    assert_false(wf_rule_holds(r, "foreign-id-card", NULL));
    assert_true(wf_rule_holds(r, "foreign-passport", NULL));
    assert_true(wf_rule_holds(r, NULL, NULL));
    assert_non_null(strstr(wf_rule_message_arg(p, r, "fr"), "ne sont pas acceptées"));
    pool_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_authority_chosen_is_the_actor),
        cmocka_unit_test(test_the_data_after_a_change),
        cmocka_unit_test(test_ages),
        cmocka_unit_test(test_a_refused_choice),
    };

    xml_safe_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
