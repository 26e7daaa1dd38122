/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_wf_input.c -- the one place where what a person sends is checked
 * (engine/wf_input.c) and the one condition matcher the runtime and the
 * pages share (engine/wf_cond.c), on the real subsidy definition
 * (workflows/subsidy.xml) and demands built from the JSON of their row,
 * as the scheduler builds them.  The writing statement and the pages are
 * tested through the real stack (tests/integration/test_demand_web.py).
 */
#include "test_util.h"

#include <jansson.h>

#include "av.h"
#include "cfg.h"
#include "demand_view.h"
#include "pool.h"
#include "req.h"
#include "wf_cond.h"
#include "wf_def.h"
#include "wf_demand.h"
#include "wf_input.h"
#include "xml_safe.h"

static const char PDF[] = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                          "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                          "trailer<</Root 1 0 R>>\n%%EOF\n";

typedef struct {
    pool_t   *p;
    wf_def_t *def;
} fx_t;

static int
setup(void **state)
{
    fx_t     *fx = calloc(1, sizeof(*fx));
    wf_diag_t diags;

    fx->p = pool_new(0);
    /* uploads are scanned since issue 11: these tests are about what a
     * person sends, so scanning is off (dev), as av.c allows */
    {
        cfg_t    c;
        en_err_t err;

        memset(&c, 0, sizeof(c));
        c.path = "guichet.conf";
        c.av = "off";
        c.clamd_socket = "";
        c.dev = 1;
        c.clamd_timeout = 30;
        en_clear(&err);
        if (av_configure(&c, &err) != EN_OK)
            return -1;
    }
    wf_diag_init(&diags, fx->p);
    if (wf_load_file(fx->p, "workflows/subsidy.xml", &fx->def, &diags) != EN_OK) {
        wf_diag_print(&diags, stderr);
        return -1;
    }
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    fx_t *fx = *state;

    pool_free(fx->p);
    free(fx);
    return 0;
}

static wf_demand_t *
demand(pool_t *p, const char *state, const char *form_data)
{
    en_err_t     err;
    wf_demand_t *d;

    en_clear(&err);
    d = wf_demand_from_json(p, pool_printf(p,
        "{\"id\":\"0b1e4c1e-6a55-4d1c-9a55-8d6f3c1d2e01\",\"reference\":\"2026-000001\","
        "\"workflow_key\":\"subsidy\",\"definition_version\":1,\"state\":\"%s\","
        "\"bucket\":\"in-progress\",\"progress\":50,\"is_final\":false,"
        "\"owner_person_id\":\"0b1e4c1e-6a55-4d1c-9a55-8d6f3c1d2e02\","
        "\"form_data\":%s,\"lang\":\"fr\",\"version\":3}", state, form_data), &err);
    assert_non_null(d);
    return d;
}

static const char *
error_key(const wf_field_error_t *e, int n, const char *field)
{
    int i;

    for (i = 0; i < n; i++)
        if (!strcmp(e[i].field, field))
            return e[i].key;
    return NULL;
}

/* --- the matcher ------------------------------------------------------- */

static void
test_cond_match(void **state)
{
    const char *two[] = { "granted", "partly-granted", NULL };
    const char *empty[] = { "", NULL };
    wf_cond_t   c = { .text = "outcome=granted|partly-granted", .field_name = "outcome",
                      .values = two, .n_values = 2 };
    wf_cond_t   ne = c, blank = { .text = "x=", .field_name = "x", .values = empty,
                                  .n_values = 1 };

    (void) state;
    assert_true(wf_cond_match(&c, "granted"));
    assert_true(wf_cond_match(&c, "partly-granted"));
    assert_false(wf_cond_match(&c, "refused"));
    assert_false(wf_cond_match(&c, "grant"));          /* whole values only */
    assert_false(wf_cond_match(&c, "granted-x"));
    assert_false(wf_cond_match(&c, NULL));             /* absent is "" */
    assert_false(wf_cond_match(&c, ""));
    /* a multiple choice, one value a line: any line */
    assert_true(wf_cond_match(&c, "music\ngranted"));
    assert_false(wf_cond_match(&c, "music\ntheatre"));
    ne.negate = 1;
    assert_false(wf_cond_match(&ne, "granted"));
    assert_true(wf_cond_match(&ne, "refused"));
    assert_true(wf_cond_match(&ne, NULL));
    assert_true(wf_cond_match(&blank, ""));
    assert_true(wf_cond_match(&blank, NULL));
    assert_false(wf_cond_match(&blank, "y"));
    /* an absent condition holds */
    assert_true(wf_cond_match(NULL, "anything"));
    c.text = NULL;
    assert_true(wf_cond_match(&c, "refused"));
}

static void
test_cond_normal_and_subsidy_conditions(void **state)
{
    fx_t             *fx = *state;
    const wf_form_t  *form = wf_form_find(fx->def, "decision");
    const wf_field_t *amount, *outcome;

    assert_non_null(form);
    amount = wf_field_find(form, "amount-granted");
    outcome = wf_field_find(form, "outcome");
    assert_non_null(amount);
    assert_non_null(outcome);
    assert_ptr_equal(amount->shown_when.field, outcome);
    assert_string_equal(wf_cond_normal(fx->p, outcome, "  granted "), "granted");
    assert_true(wf_cond_match(&amount->shown_when,
                              wf_cond_normal(fx->p, outcome, " partly-granted")));
    assert_false(wf_cond_match(&amount->shown_when, wf_cond_normal(fx->p, outcome, "refused")));
    /* what does not validate is compared as sent; what is not UTF-8 is
     * not compared at all (the stored value is) */
    assert_string_equal(wf_cond_normal(fx->p, outcome, "peut-être"), "peut-être");
    assert_null(wf_cond_normal(fx->p, outcome, "granted\xff"));
    assert_string_equal(wf_cond_normal(fx->p, amount, "1'200.50"), "120050");
    assert_null(wf_cond_normal(fx->p, amount, NULL));
}

/* --- the input --------------------------------------------------------- */

static void
test_decision_input(void **state)
{
    fx_t                  *fx = *state;
    const wf_transition_t *t = wf_transition_find(fx->def, "decide");
    wf_demand_t           *d = demand(fx->p, "in-review", "{\"amount-granted\":\"100\"}");
    wf_input_check_t       c;
    wf_input_t             in;
    kv_t                  *form = NULL;
    upload_t               up;
    wf_field_error_t      *errs;
    int                    n;
    en_err_t               err;

    assert_non_null(t);
    /* refused: the money has no valid value; the letter is missing */
    kv_add(fx->p, &form, "outcome", "granted");
    kv_add(fx->p, &form, "amount-granted", "12.345");
    memset(&in, 0, sizeof(in));
    in.form = form;
    en_clear(&err);
    wf_input_init(&c, fx->p, d, &in);
    wf_input_normalise(&c, t->form);
    wf_input_pages(&c, t->form, t->pages, t->n_pages, 1);
    assert_null(wf_input_comment(&c, t->comment, NULL));
    wf_input_attachments(&c, t);
    /* checked twice (a form-complete guard, then the step's pages): said once */
    wf_input_pages(&c, t->form, t->pages, t->n_pages, 1);
    assert_int_equal(wf_input_verdict(&c, &err, &errs, &n), EN_BADINPUT);
    assert_int_equal(n, 2);
    assert_string_equal(error_key(errs, n, "amount-granted"), "field.money.decimals");
    assert_string_equal(error_key(errs, n, "decision"), "field.required");

    /* refused: the letter's name is not UTF-8 (jansson would drop it) */
    form = NULL;
    kv_add(fx->p, &form, "outcome", " refused ");
    in.form = form;
    memset(&up, 0, sizeof(up));
    up.field = "decision";
    up.filename = "\xff\xfe.pdf";
    up.data = (const unsigned char *) PDF;
    up.len = sizeof(PDF) - 1;
    in.uploads = &up;
    wf_input_init(&c, fx->p, d, &in);
    wf_input_normalise(&c, t->form);
    wf_input_pages(&c, t->form, t->pages, t->n_pages, 1);
    wf_input_attachments(&c, t);
    assert_int_equal(wf_input_verdict(&c, &err, &errs, &n), EN_BADINPUT);
    assert_int_equal(n, 1);
    assert_string_equal(error_key(errs, n, "decision"), "wf.file.name_utf8");
    assert_int_equal(c.nfiles, 0);

    /* accepted: "refused" hides the amount, whose stored value goes */
    up.filename = "décision.pdf";
    wf_input_init(&c, fx->p, d, &in);
    wf_input_normalise(&c, t->form);
    wf_input_pages(&c, t->form, t->pages, t->n_pages, 1);
    wf_input_attachments(&c, t);
    assert_int_equal(wf_input_verdict(&c, &err, &errs, &n), EN_OK);
    assert_string_equal(json_string_value(json_object_get(c.set, "outcome")), "refused");
    assert_null(json_object_get(c.set, "amount-granted"));
    assert_int_equal(json_array_size(c.unset), 1);
    assert_string_equal(json_string_value(json_array_get(c.unset, 0)), "amount-granted");
    assert_int_equal(c.nfiles, 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(c.files, 0),
                                                          "filename")), "décision.pdf");
}

static void
test_comment(void **state)
{
    fx_t                  *fx = *state;
    const wf_transition_t *t = wf_transition_find(fx->def, "ask-completion");
    wf_demand_t           *d = demand(fx->p, "in-review", "{}");
    wf_input_check_t       c;
    wf_field_error_t      *errs;
    int                    n;
    en_err_t               err;
    char                   longer[WF_COMMENT_MAX + 2];

    assert_int_equal(t->comment, WF_COMMENT_REQUIRED);
    en_clear(&err);
    /* not UTF-8: refused, never dropped (it would get round "required") */
    wf_input_init(&c, fx->p, d, NULL);
    wf_input_comment(&c, t->comment, "\xff\xfe manque le budget");
    assert_int_equal(wf_input_verdict(&c, &err, &errs, &n), EN_BADINPUT);
    assert_int_equal(n, 1);
    assert_string_equal(errs[0].field, "comment");
    assert_string_equal(errs[0].key, "field.utf8");
    /* truncated sequence, overlong form */
    wf_input_init(&c, fx->p, d, NULL);
    wf_input_comment(&c, WF_COMMENT_OPTIONAL, "budget \xc3");
    assert_int_equal(wf_input_verdict(&c, &err, &errs, &n), EN_BADINPUT);
    wf_input_init(&c, fx->p, d, NULL);
    wf_input_comment(&c, WF_COMMENT_OPTIONAL, "\xc0\xaf");
    assert_int_equal(wf_input_verdict(&c, &err, &errs, &n), EN_BADINPUT);
    /* blank: required */
    wf_input_init(&c, fx->p, d, NULL);
    assert_string_equal(wf_input_comment(&c, t->comment, " \r\n "), "");
    assert_int_equal(wf_input_verdict(&c, &err, &errs, &n), EN_BADINPUT);
    assert_string_equal(errs[0].key, "wf.comment.required");
    /* too long: counted in characters */
    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    wf_input_init(&c, fx->p, d, NULL);
    wf_input_comment(&c, t->comment, longer);
    assert_int_equal(wf_input_verdict(&c, &err, &errs, &n), EN_BADINPUT);
    assert_string_equal(errs[0].key, "wf.comment.too_long");
    /* accepted, trimmed */
    wf_input_init(&c, fx->p, d, NULL);
    assert_string_equal(wf_input_comment(&c, t->comment, "  Merci de joindre le budget. "),
                        "Merci de joindre le budget.");
    assert_int_equal(wf_input_verdict(&c, &err, &errs, &n), EN_OK);
    /* comment="none": nothing kept */
    wf_input_init(&c, fx->p, d, NULL);
    assert_null(wf_input_comment(&c, WF_COMMENT_NONE, "ignored"));
}

static void
test_page_save_values(void **state)
{
    fx_t             *fx = *state;
    const wf_state_t *s = wf_state_find(fx->def, "draft");
    wf_demand_t      *d = demand(fx->p, "draft", "{\"discipline\":\"other\"}");
    wf_input_check_t  c;
    wf_input_t        in;
    kv_t             *form = NULL;
    wf_field_error_t *errs;
    int               n;
    en_err_t          err;

    assert_non_null(s);
    assert_non_null(s->form);
    en_clear(&err);
    /* a value that is not UTF-8 is refused by its field; the rest passes */
    kv_add(fx->p, &form, "project-title", "Festival \xff\xfe");
    kv_add(fx->p, &form, "place", "Lausanne");
    memset(&in, 0, sizeof(in));
    in.form = form;
    wf_input_init(&c, fx->p, d, &in);
    wf_input_normalise(&c, s->form);
    wf_input_pages(&c, s->form, s->pages, s->n_pages, 0);
    assert_int_equal(wf_input_verdict(&c, &err, &errs, &n), EN_BADINPUT);
    assert_int_equal(n, 1);
    assert_string_equal(errs[0].field, "project-title");
    assert_string_equal(errs[0].key, "field.utf8");
    assert_string_equal(json_string_value(json_object_get(c.set, "place")), "Lausanne");
    /* the stored "other" shows discipline-other; a posted "music" hides it */
    assert_true(wf_input_cond(&c, &wf_def_field_find(fx->def, "discipline-other")->shown_when));
    form = NULL;
    kv_add(fx->p, &form, "discipline", "music");
    in.form = form;
    wf_input_init(&c, fx->p, d, &in);
    wf_input_normalise(&c, s->form);
    assert_false(wf_input_cond(&c, &wf_def_field_find(fx->def, "discipline-other")->shown_when));
}

/* The page (demand_view.c) and the runtime (wf_input.c) judge a
 * shown-when alike on the same posted and stored values: a page never
 * hides a field the server requires, nor shows one it ignores. */
static void
test_page_and_runtime_agree(void **state)
{
    fx_t             *fx = *state;
    const wf_state_t *s = wf_state_find(fx->def, "draft");
    const wf_cond_t  *c = &wf_def_field_find(fx->def, "discipline-other")->shown_when;
    static const char *const stored[] = {
        "{}", "{\"discipline\":\"other\"}", "{\"discipline\":\"music\"}", NULL
    };
    /* NULL: not posted */
    static const char *const posted[] = {
        NULL, "other", " other ", "music", "", "Other", "autre", "\xff", NULL
    };
    req_t            *r = pool_calloc(fx->p, sizeof(*r));
    size_t            i, j;
    int               shown = 0, hidden = 0;

    r->pool = fx->p;
    r->lang = "fr";
    for (i = 0; stored[i] != NULL; i++)
        for (j = 0; j < sizeof(posted) / sizeof(posted[0]); j++) {
            wf_demand_t      *d = demand(fx->p, "draft", stored[i]);
            kv_t             *form = NULL;
            wf_input_t        in;
            wf_input_check_t  ck;
            int               page, runtime;

            if (j > 0 && posted[j] == NULL)
                break;
            if (posted[j] != NULL)
                kv_add(fx->p, &form, "discipline", posted[j]);
            memset(&in, 0, sizeof(in));
            in.form = form;
            wf_input_init(&ck, fx->p, d, &in);
            wf_input_normalise(&ck, s->form);
            runtime = wf_input_cond(&ck, c);
            page = dv_cond_holds(r, c, d, form);
            if (page != runtime)
                fail_msg("stored %s, posted \"%s\": page %d, runtime %d", stored[i],
                         posted[j] ? posted[j] : "(none)", page, runtime);
            shown += runtime;
            hidden += !runtime;
        }
    assert_true(shown > 0 && hidden > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cond_match),
        cmocka_unit_test_setup_teardown(test_cond_normal_and_subsidy_conditions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_decision_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_comment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_save_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_and_runtime_agree, setup, teardown),
    };

    xml_safe_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
