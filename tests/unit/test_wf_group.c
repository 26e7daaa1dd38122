/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_wf_group.c -- repeating groups and lookups in the language
 * (engine/wf_group.c): what `guichet check` says about each mistake, as
 * `file:line: message` (one fixture per mistake under
 * tests/fixtures/workflows/group_*.xml, each derived from the clean test
 * procedure tests/fixtures/groups/grouptest.xml); the model of the clean
 * one; the posted paths, the reading of a posted group, adding and
 * removing an item.  Validation and lookups go through the real stack
 * (tests/integration/test_groups.py).
 */
#include "test_util.h"

#include <jansson.h>

#include "en_err.h"
#include "kv.h"
#include "pool.h"
#include "wf_check.h"
#include "wf_def.h"
#include "wf_group.h"
#include "xml_safe.h"

#define FIX "tests/fixtures/workflows/"
#define CLEAN "tests/fixtures/groups/grouptest.xml"

typedef struct {
    const char *file;
    const char *expect;
} group_case_t;

static const group_case_t cases[] = {
    { "group_min_max.xml", FIX "group_min_max.xml:61: group \"communes\": min=4 is greater "
      "than max=3" },
    { "group_bad_limit.xml", FIX "group_bad_limit.xml:61: group \"communes\": max=\"many\" is "
      "not a number of items from 1 to 100" },
    { "group_unknown_register.xml", FIX "group_unknown_register.xml:86: group \"communes\": "
      "lookup: unknown register \"commune\" (registers: communes, persons, applications) "
      "(did you mean \"communes\"?)" },
    { "group_too_deep.xml", FIX "group_too_deep.xml:114: group \"deeper\": groups nest one "
      "level only (a group in a group, not deeper)" },
    { "group_key_type.xml", FIX "group_key_type.xml:37: page \"identification\": lookup: key "
      "\"birth-date\" is of type date; register \"persons\" needs a field of type avs13 "
      "(AVS13 number)" },
    { "group_file.xml", FIX "group_file.xml:94: group \"communes\": field \"scan\": a file "
      "cannot be repeated in a group (put it on a page)" },
    { "group_cond_outside.xml", FIX "group_cond_outside.xml:94: group \"communes\": field "
      "\"function-other\": shown-when \"institution=x\": in a group, a condition looks at an "
      "earlier field of the same item" },
    { "group_dup_name.xml", FIX "group_dup_name.xml:61: form \"request\": name "
      "\"institution\" is already used at line 56" },
};

#define N_CASES (sizeof(cases) / sizeof(*cases))

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
    const group_case_t *c = *state;
    char                path[256];
    wf_diag_t           diags;
    wf_def_t           *def = (wf_def_t *) 1;
    pool_t             *p = pool_new(0);
    int                 rc;

    snprintf(path, sizeof(path), FIX "%s", c->file);
    wf_diag_init(&diags, p);
    rc = wf_load_file(p, path, &def, &diags);
    if (rc != EN_BADINPUT || !diags_contain(&diags, c->expect)) {
        fprintf(stderr, "expected: %s\ngot (rc %d):\n", c->expect, rc);
        wf_diag_print(&diags, stderr);
    }
    assert_int_equal(rc, EN_BADINPUT);
    assert_null(def);
    assert_true(diags_contain(&diags, c->expect));
    pool_free(p);
}

static wf_def_t *
load_clean(pool_t *p)
{
    wf_diag_t diags;
    wf_def_t *def = NULL;
    int       rc;

    wf_diag_init(&diags, p);
    rc = wf_load_file(p, CLEAN, &def, &diags);
    if (rc != EN_OK || diags.first != NULL)
        wf_diag_print(&diags, stderr);
    assert_int_equal(rc, EN_OK);
    assert_null(diags.first);
    return def;
}

static const wf_page_t *
page_of(const wf_def_t *def, const char *id)
{
    const wf_page_t *pg = wf_page_find(&def->forms[0], id);

    assert_non_null(pg);
    return pg;
}

static void
test_the_model_of_a_clean_procedure(void **state)
{
    pool_t           *p = pool_new(0);
    wf_def_t         *def = load_clean(p);
    const wf_page_t  *id = page_of(def, "identification"), *cp = page_of(def, "communes");
    const wf_group_t *g, *apps;

    (void) state;
    assert_int_equal(id->n_lookups, 1);
    assert_string_equal(id->lookups[0].register_name, "persons");
    assert_ptr_equal(id->lookups[0].keys[0], wf_field_find(&def->forms[0], "avs"));
    assert_ptr_equal(id->lookups[0].keys[1], wf_field_find(&def->forms[0], "birth-date"));
    assert_ptr_equal(wf_field_find(&def->forms[0], "person-found")->filled_by, &id->lookups[0]);
    assert_ptr_equal(wf_field_find(&def->forms[0], "person-name")->filled_by, &id->lookups[0]);
    assert_null(wf_field_find(&def->forms[0], "avs")->filled_by);

    assert_int_equal(cp->n_groups, 1);
    g = wf_group_find(cp, "communes");
    assert_non_null(g);
    assert_int_equal(g->min, 1);
    assert_int_equal(g->max, 3);
    assert_int_equal(g->pos, 1);            /* after "institution" */
    assert_int_equal(g->depth, 1);
    assert_null(g->parent);
    assert_int_equal(g->n_fields, 5);
    assert_string_equal(g->fields[0].name, "ofs");
    assert_ptr_equal(g->fields[0].group, g);
    assert_ptr_equal(g->fields[1].filled_by, &g->lookups[0]);
    assert_string_equal(g->lookups[0].fill_columns[0], "name");
    /* an item's condition is on its own earlier field */
    assert_ptr_equal(g->fields[4].shown_when.field, &g->fields[3]);
    /* items' fields are not the form's */
    assert_null(wf_field_find(&def->forms[0], "ofs"));
    apps = &g->groups[0];
    assert_string_equal(apps->name, "applications");
    assert_int_equal(apps->depth, 2);
    assert_ptr_equal(apps->parent, g);
    assert_int_equal(apps->pos, 5);          /* after the five fields */
    assert_int_equal(apps->min, 1);
    assert_int_equal(apps->max, 4);
    assert_true(wf_def_sound(def));
    pool_free(p);
}

static void
test_paths_name_a_field_an_item_or_a_group(void **state)
{
    pool_t           *p = pool_new(0);
    wf_def_t         *def = load_clean(p);
    const wf_page_t  *cp = page_of(def, "communes");
    const wf_field_t *f;
    const wf_group_t *g;
    int               item, outer;

    (void) state;
    assert_int_equal(wf_group_path(cp, "communes.1.ofs", &f, &g, &item, &outer), 0);
    assert_string_equal(f->name, "ofs");
    assert_string_equal(g->name, "communes");
    assert_int_equal(item, 1);
    assert_int_equal(outer, -1);
    assert_int_equal(wf_group_path(cp, "communes.0.applications.2.app", &f, &g, &item, &outer), 0);
    assert_string_equal(f->name, "app");
    assert_string_equal(g->name, "applications");
    assert_int_equal(item, 2);
    assert_int_equal(outer, 0);
    assert_int_equal(wf_group_path(cp, "communes", &f, &g, &item, &outer), 0);
    assert_null(f);
    assert_int_equal(item, -1);
    assert_int_equal(wf_group_path(cp, "communes.2", &f, &g, &item, &outer), 0);
    assert_null(f);
    assert_int_equal(item, 2);
    assert_int_equal(wf_group_path(cp, "communes.0.applications", &f, &g, &item, &outer), 0);
    assert_string_equal(g->name, "applications");
    assert_int_equal(item, -1);
    assert_int_equal(outer, 0);
    assert_int_equal(wf_group_path(cp, "communes.x.ofs", &f, &g, &item, &outer), -1);
    assert_int_equal(wf_group_path(cp, "communes.0.nothing", &f, &g, &item, &outer), -1);
    assert_int_equal(wf_group_path(cp, "communes.0.applications.0.app.0.x", &f, &g, &item,
                                   &outer), -1);
    assert_int_equal(wf_group_path(cp, "institution", &f, &g, &item, &outer), -1);
    assert_int_equal(wf_group_path(cp, "communes.-1.ofs", &f, &g, &item, &outer), -1);
    pool_free(p);
}

static void
test_a_posted_group_is_read_with_its_count(void **state)
{
    pool_t          *p = pool_new(0);
    wf_def_t        *def = load_clean(p);
    const wf_page_t *cp = page_of(def, "communes");
    kv_t            *form = NULL;
    json_t          *all, *a, *it;

    (void) state;
    kv_add(p, &form, "institution", "Commune de Renens");
    kv_add(p, &form, "communes.items", "2");
    kv_add(p, &form, "communes.0.ofs", "5586");
    kv_add(p, &form, "communes.0.commune-name", "typed, never read");
    kv_add(p, &form, "communes.0.applications.items", "1");
    kv_add(p, &form, "communes.0.applications.0.app", "RCPERS");
    kv_add(p, &form, "communes.1.ofs", "caf\xe9");
    kv_add(p, &form, "communes.5.ofs", "beyond the count");
    all = wf_group_posted_page(p, cp, form);
    a = json_object_get(all, "communes");
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 2);
    it = json_array_get(a, 0);
    assert_string_equal(json_string_value(json_object_get(it, "ofs")), "5586");
    assert_null(json_object_get(it, "commune-name"));      /* a lookup writes it */
    assert_string_equal(json_string_value(json_object_get(it, "function")), "");
    assert_int_equal(json_array_size(json_object_get(it, "applications")), 1);
    assert_string_equal(json_string_value(json_object_get(
        json_array_get(json_object_get(it, "applications"), 0), "app")), "RCPERS");
    /* text that is not UTF-8 is marked for the check to refuse */
    assert_non_null(json_object_get(json_array_get(a, 1), "ofs#bad"));
    /* a page without the group posted: nothing */
    assert_null(wf_group_posted(p, wf_group_find(cp, "communes"), NULL, "communes."));
    pool_free(p);
}

static void
test_adding_and_removing_items(void **state)
{
    pool_t          *p = pool_new(0);
    wf_def_t        *def = load_clean(p);
    const wf_page_t *cp = page_of(def, "communes");
    kv_t            *form = NULL;
    json_t          *all, *a, *apps;

    (void) state;
    kv_add(p, &form, "communes.items", "1");
    kv_add(p, &form, "communes.0.ofs", "5586");
    all = wf_group_posted_page(p, cp, form);
    assert_int_equal(wf_group_apply(p, cp, all, "add:communes"), 0);
    a = json_object_get(all, "communes");
    assert_int_equal(json_array_size(a), 2);
    /* a new commune comes with its minimum of one empty application */
    apps = json_object_get(json_array_get(a, 1), "applications");
    assert_int_equal(json_array_size(apps), 1);
    assert_int_equal(wf_group_apply(p, cp, all, "add:communes.1.applications"), 0);
    assert_int_equal(json_array_size(apps), 2);
    assert_int_equal(wf_group_apply(p, cp, all, "remove:communes.1.applications.0"), 0);
    assert_int_equal(json_array_size(apps), 1);
    assert_int_equal(wf_group_apply(p, cp, all, "remove:communes.0"), 0);
    assert_int_equal(json_array_size(a), 1);
    assert_ptr_equal(json_object_get(json_array_get(a, 0), "applications"), apps);
    /* what names nothing changes nothing */
    assert_int_equal(wf_group_apply(p, cp, all, "remove:communes.7"), -1);
    assert_int_equal(wf_group_apply(p, cp, all, "add:communes.0.ofs"), -1);
    assert_int_equal(wf_group_apply(p, cp, all, "add:nothing"), -1);
    assert_int_equal(wf_group_apply(p, cp, all, "add:communes.4.applications"), -1);
    assert_int_equal(wf_group_apply(p, cp, all, "drop:communes.0"), -1);
    assert_int_equal(json_array_size(a), 1);
    pool_free(p);
}

int
main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_the_model_of_a_clean_procedure),
        cmocka_unit_test(test_paths_name_a_field_an_item_or_a_group),
        cmocka_unit_test(test_a_posted_group_is_read_with_its_count),
        cmocka_unit_test(test_adding_and_removing_items),
    };
    struct CMUnitTest tests[N_CASES + sizeof(fixed) / sizeof(*fixed)];
    size_t            i, n = 0;

    xml_safe_init();
    for (i = 0; i < N_CASES; i++) {
        struct CMUnitTest t = { cases[i].file, test_fixture, NULL, NULL, (void *) &cases[i] };

        tests[n++] = t;
    }
    for (i = 0; i < sizeof(fixed) / sizeof(*fixed); i++)
        tests[n++] = fixed[i];
    return _cmocka_run_group_tests("wf_group", tests, n, NULL, NULL);
}
