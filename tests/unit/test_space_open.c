/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_space_open.c -- what the opening of a professional space adds to
 * the language and the register's reads: workflows/space_open.xml loads
 * without a warning and says what the runtime relies on (the register's
 * page edited by no state, the documents chosen by shown-when, the code's
 * timer as long as the code), the guard no-open-space and the effect
 * ide-lookup are checked like the others, and ide_register_canonical
 * takes only the canonical shape.
 */
#include "test_util.h"

#include "ide_register.h"
#include "pool.h"
#include "wf_def.h"
#include "wf_diag.h"

static wf_def_t *
load_file(pool_t *p, wf_diag_t *diags)
{
    wf_def_t *d = NULL;

    wf_diag_init(diags, p);
    if (wf_load_file(p, TEST_ROOT "/workflows/space_open.xml", &d, diags) != EN_OK)
        wf_diag_print(diags, stderr);
    return d;
}

static void
test_the_definition_loads_clean(void **state)
{
    pool_t                *p = pool_new(0);
    wf_diag_t              diags;
    wf_def_t              *d = load_file(p, &diags);
    const wf_transition_t *t;
    const wf_state_t      *s;
    size_t                 i;

    (void) state;
    assert_non_null(d);
    assert_int_equal(diags.errors, 0);
    assert_int_equal(diags.warnings, 0);
    assert_string_equal(d->id, "space-open");
    /* identify: the number is registered and has no space yet; the
     * register's facts are copied, never typed */
    t = wf_transition_find(d, "identify");
    assert_non_null(t);
    assert_int_equal(t->n_guards, 3);
    assert_int_equal(t->guards[1].kind, WF_GUARD_IDE_REGISTERED);
    assert_int_equal(t->guards[2].kind, WF_GUARD_NO_OPEN_SPACE);
    assert_string_equal(t->effects[0].action, "ide-lookup");
    assert_string_equal(wf_effect_arg(&t->effects[0], "legal-form-field"), "legal-form");
    /* no state lets the owner edit the register's page */
    for (i = 0; i < d->n_states; i++) {
        size_t k;

        s = &d->states[i];
        for (k = 0; k < s->n_pages; k++)
            assert_string_not_equal(s->pages[k]->id, "register");
        assert_true(s->form == NULL || s->n_pages > 0);
    }
    /* validate: the space, then the code on a letter, valid as long as
     * the timer of code-sent runs */
    t = wf_transition_find(d, "validate");
    assert_string_equal(t->effects[0].action, "create-space");
    assert_string_equal(t->effects[1].action, "issue-code");
    assert_string_equal(wf_effect_arg(&t->effects[1], "channel"), "letter");
    assert_string_equal(wf_effect_arg(&t->effects[1], "valid"), "P30D");
    s = wf_state_find(d, "code-sent");
    assert_int_equal(s->n_timers, 1);
    assert_string_equal(s->timers[0]->fire_id, "expire");
    t = wf_transition_find(d, "confirm");
    assert_string_equal(t->effects[0].action, "verify-code");
    assert_string_equal(t->effects[1].action, "activate-space");
    pool_free(p);
}

static const char *const probe =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<workflow xmlns=\"urn:guichet:workflow:1\" id=\"probe\">\n"
    "  <title xml:lang=\"fr\">P</title>\n"
    "  <audience space=\"personal\"/>\n"
    "  <form id=\"f\"><page id=\"p\"><title xml:lang=\"fr\">P</title>\n"
    "    <field name=\"ide\" type=\"ide\"><label xml:lang=\"fr\">I</label></field>\n"
    "    <field name=\"name\" type=\"text\"><label xml:lang=\"fr\">N</label></field>\n"
    "  </page></form>\n"
    "  <states initial=\"a\">\n"
    "    <state id=\"a\" bucket=\"draft\" form=\"f\"><label xml:lang=\"fr\">A</label></state>\n"
    "    <state id=\"b\" bucket=\"archived\" final=\"yes\"><label xml:lang=\"fr\">B</label></state>\n"
    "  </states>\n"
    "  <transition id=\"go\" from=\"a\" to=\"b\" by=\"owner\" guard=\"%s\">\n"
    "    <label xml:lang=\"fr\">G</label>%s</transition>\n"
    "</workflow>\n";

static int
probe_errors(const char *guard, const char *effect)
{
    pool_t     *p = pool_new(0);
    wf_diag_t   diags;
    wf_def_t   *d = NULL;
    const char *xml = pool_printf(p, probe, guard, effect);
    int         n;

    wf_diag_init(&diags, p);
    wf_load_memory(p, xml, strlen(xml), "mem", &d, &diags);
    n = diags.errors;
    pool_free(p);
    return n;
}

static void
test_the_guard_and_the_effect_are_checked(void **state)
{
    (void) state;
    assert_int_equal(probe_errors("no-open-space:ide", ""), 0);
    assert_int_equal(probe_errors("no-open-space:name", ""), 1);     /* not an ide field */
    assert_int_equal(probe_errors("no-open-space:nothing", ""), 1);
    assert_int_equal(probe_errors("no-open-space", ""), 1);
    assert_int_equal(probe_errors("entity-kind=association",
        "<effect action=\"ide-lookup\" entity-field=\"ide\" name-field=\"name\"/>"), 0);
    assert_int_equal(probe_errors("entity-kind=association",
        "<effect action=\"ide-lookup\" name-field=\"name\"/>"), 1);   /* entity-field */
    assert_int_equal(probe_errors("entity-kind=association",
        "<effect action=\"ide-lookup\" entity-field=\"ide\" address-field=\"nowhere\"/>"), 1);
}

static void
test_only_the_canonical_ide_shape_is_looked_up(void **state)
{
    (void) state;
    assert_true(ide_register_canonical("CHE-315.620.489"));
    assert_false(ide_register_canonical("CHE315620489"));
    assert_false(ide_register_canonical("che-315.620.489"));
    assert_false(ide_register_canonical("CHE-315.620.48"));
    assert_false(ide_register_canonical("CHE-315.620.4891"));
    assert_false(ide_register_canonical("CHE-315,620.489"));
    assert_false(ide_register_canonical(""));
    assert_false(ide_register_canonical(NULL));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_definition_loads_clean),
        cmocka_unit_test(test_the_guard_and_the_effect_are_checked),
        cmocka_unit_test(test_only_the_canonical_ide_shape_is_looked_up),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
