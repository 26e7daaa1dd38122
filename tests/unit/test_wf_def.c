/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_wf_def.c -- the workflow model: workflows/subsidy.xml parsed into
 * the structures the runtime reads (states, transitions, forms, field
 * rules, mails, timers, lookups), durations, sizes, texts, the closed
 * vocabularies, and the state diagram.
 */
#include "test_util.h"

#include <time.h>

#include "en_err.h"
#include "pool.h"
#include "wf_check.h"
#include "wf_def.h"
#include "wf_fire.h"
#include "wf_graph.h"
#include "xml_safe.h"

/* ------------------------------------------------------------------ */
/* subsidy.xml                                                         */
/* ------------------------------------------------------------------ */

typedef struct {
    pool_t   *p;
    wf_def_t *def;
} fx_t;

static int
setup_subsidy(void **state)
{
    fx_t      *fx = calloc(1, sizeof(*fx));
    wf_diag_t  diags;

    fx->p = pool_new(0);
    wf_diag_init(&diags, fx->p);
    if (wf_load_file(fx->p, "workflows/subsidy.xml", &fx->def, &diags)
        != EN_OK) {
        wf_diag_print(&diags, stderr);
        return -1;
    }
    *state = fx;
    return 0;
}

static int
teardown_subsidy(void **state)
{
    fx_t *fx = *state;

    pool_free(fx->p);
    free(fx);
    return 0;
}

static void
test_subsidy_head(void **state)
{
    const wf_def_t *d = ((fx_t *) *state)->def;

    assert_string_equal(d->id, "subsidy");
    assert_int_equal(d->version, 1);
    assert_string_equal(wf_i18n_get(&d->title, "fr"),
                        "Demande de soutien culturel");
    assert_string_equal(wf_i18n_get(&d->title, "de"),
                        "Gesuch um Kulturförderung");
    assert_int_equal(d->audience.space, WF_SPACE_PROFESSIONAL);
    assert_int_equal(d->audience.assurance, WF_ASSURANCE_VERIFIED);
    assert_true(d->audience.protected_service);
    assert_int_equal(d->audience.n_entity_kinds, 3);
    assert_string_equal(d->audience.entity_kinds[1], "foundation");
    assert_null(d->audience.entity_kinds[3]);
    assert_non_null(strstr(wf_i18n_get(&d->audience.refusal, "en"),
                           "professional space"));
}

static void
test_subsidy_states(void **state)
{
    const wf_def_t   *d = ((fx_t *) *state)->def;
    const wf_state_t *s;

    assert_int_equal(d->n_states, 8);
    assert_non_null(d->initial);
    assert_string_equal(d->initial->id, "draft");
    s = wf_state_find(d, "incomplete");
    assert_non_null(s);
    assert_int_equal(s->bucket, WF_BUCKET_TODO);
    assert_string_equal(wf_bucket_name(s->bucket), "to-do");
    assert_string_equal(wf_i18n_get(&s->label, "fr"), "À compléter");
    assert_string_equal(s->form->id, "demand");
    assert_int_equal(s->progress, 50);
    assert_true(wf_state_find(d, "archived")->final);
    assert_false(wf_state_find(d, "decided")->final);
    /* progress not written: a final state is done */
    assert_int_equal(wf_state_find(d, "withdrawn")->progress, 100);
    assert_null(wf_state_find(d, "decidedd"));
    assert_true(s->line > 0);
}

static void
test_subsidy_transitions(void **state)
{
    const wf_def_t        *d = ((fx_t *) *state)->def;
    const wf_state_t      *draft = wf_state_find(d, "draft");
    const wf_transition_t *t;
    size_t                 i;
    int                    seen_submit = 0, seen_discard = 0;

    for (i = 0; i < draft->n_out; i++) {
        seen_submit |= strcmp(draft->out[i]->id, "submit") == 0;
        seen_discard |= strcmp(draft->out[i]->id, "discard") == 0;
    }
    assert_true(seen_submit && seen_discard);
    assert_int_equal(draft->n_out, 3);      /* and the system's purge-warning */

    t = wf_transition_from(draft, "submit");
    assert_non_null(t);
    assert_string_equal(t->to->id, "submitted");
    assert_string_equal(t->form->id, "demand");
    assert_int_equal(t->comment, WF_COMMENT_NONE);
    assert_int_equal(t->n_guards, 2);
    assert_int_equal(t->guards[0].kind, WF_GUARD_SPACE);
    assert_int_equal(t->guards[0].space, WF_SPACE_PROFESSIONAL);
    assert_int_equal(t->guards[1].kind, WF_GUARD_ASSURANCE);
    assert_int_equal(t->guards[1].level, WF_ASSURANCE_VERIFIED);
    assert_null(wf_transition_from(draft, "decide"));

    t = wf_transition_find(d, "withdraw");
    assert_int_equal(t->n_from_states, 3);
    assert_true(wf_transition_leaves(t, wf_state_find(d, "incomplete")));
    assert_false(wf_transition_leaves(t, draft));

    t = wf_transition_find(d, "take");
    assert_true(wf_transition_allows(t, WF_BY_AGENT, "serac"));
    assert_false(wf_transition_allows(t, WF_BY_AGENT, "other"));
    assert_false(wf_transition_allows(t, WF_BY_OWNER, NULL));
    assert_string_equal(t->by[0].group, "serac");

    t = wf_transition_find(d, "ask-completion");
    assert_int_equal(t->comment, WF_COMMENT_REQUIRED);

    t = wf_transition_find(d, "read");
    assert_true(t->auto_on_view);
    assert_true(wf_transition_allows(t, WF_BY_OWNER, NULL));

    t = wf_transition_find(d, "decide");
    assert_int_equal(t->n_attach, 1);
    assert_string_equal(t->attach[0].name, "decision");
    assert_true(t->attach[0].rules.required);
    assert_string_equal(t->attach[0].rules.accept[0], "application/pdf");
    assert_int_equal(t->attach[0].rules.max_size, 10 * 1024 * 1024);
    assert_string_equal(wf_i18n_get(&t->attach[0].label, "en"),
                        "Decision letter");
    assert_string_equal(t->form->id, "decision");
}

/* notify= and <mail> resolve into one mail per recipient. */
static void
test_subsidy_mails(void **state)
{
    const wf_def_t        *d = ((fx_t *) *state)->def;
    const wf_transition_t *t = wf_transition_find(d, "submit");

    assert_int_equal(t->n_mails, 2);
    assert_string_equal(t->mails[0].to, "owner");
    assert_string_equal(t->mails[0].template, "demand-received");
    assert_string_equal(t->mails[1].to, "agent:serac");
    assert_string_equal(t->mails[1].template, "demand-new");

    t = wf_transition_find(d, "withdraw");
    assert_int_equal(t->n_mails, 1);
    assert_string_equal(t->mails[0].to, "agent:serac");
    assert_string_equal(t->mails[0].template, "demand-withdrawn");

    t = wf_transition_find(d, "take");
    assert_int_equal(t->n_mails, 1);
    assert_string_equal(t->mails[0].template, "status-changed");

    t = wf_transition_find(d, "lapse");
    assert_int_equal(t->n_mails, 2);

    assert_int_equal(wf_transition_find(d, "discard")->n_mails, 0);
}

static void
test_subsidy_timers(void **state)
{
    const wf_def_t   *d = ((fx_t *) *state)->def;
    const wf_state_t *draft = wf_state_find(d, "draft");
    const wf_state_t *inc = wf_state_find(d, "incomplete");

    assert_int_equal(draft->n_timers, 2);
    assert_true(draft->timers[0]->purge);
    assert_true(draft->timers[0]->from_expires);
    assert_int_equal(draft->timers[0]->after.days, 60);
    assert_null(draft->timers[0]->fire);
    /* the warning mailed 7 days before the purge stays in the draft */
    assert_int_equal(draft->timers[1]->after.days, 53);
    assert_string_equal(draft->timers[1]->fire->id, "purge-warning");
    assert_string_equal(draft->timers[1]->fire->to->id, "draft");

    assert_int_equal(inc->n_timers, 2);
    assert_string_equal(inc->timers[0]->id, "remind");
    assert_int_equal(inc->timers[0]->after.days, 30);
    assert_string_equal(inc->timers[0]->fire->id, "remind");
    assert_true(inc->timers[0]->fire->timer_fired);
    assert_string_equal(inc->timers[1]->fire->to->id, "lapsed");
    assert_int_equal(wf_state_find(d, "decided")->n_timers, 0);
}

static void
test_subsidy_form(void **state)
{
    const wf_def_t   *d = ((fx_t *) *state)->def;
    const wf_form_t  *f = wf_form_find(d, "demand");
    const wf_page_t  *pg;
    const wf_field_t *fd;

    assert_non_null(f);
    assert_int_equal(f->n_pages, 5);
    pg = wf_page_find(f, "budget");
    assert_non_null(pg);
    assert_int_equal(pg->index, 2);
    assert_ptr_equal(pg->form, f);

    fd = wf_field_find(f, "amount-requested");
    assert_non_null(fd);
    assert_ptr_equal(fd->page, pg);
    assert_int_equal(fd->type, FIELD_MONEY);
    assert_true(fd->rules.required);
    assert_true(fd->rules.has_min && fd->rules.has_max);
    assert_int_equal(fd->rules.min, 50000);          /* CHF 500 in cents */
    assert_int_equal(fd->rules.max, 50000000);

    fd = wf_field_find(f, "discipline");
    assert_int_equal(fd->type, FIELD_CHOICE);
    assert_int_equal(fd->n_options, 9);
    assert_string_equal(fd->rules.choices[0], "music");
    assert_null(fd->rules.choices[9]);
    assert_string_equal(wf_i18n_get(&fd->options[1].label, "de"), "Theater");

    fd = wf_field_find(f, "discipline-other");
    assert_string_equal(fd->shown_when.field_name, "discipline");
    assert_ptr_equal(fd->shown_when.field, wf_field_find(f, "discipline"));
    assert_string_equal(fd->required_when.values[0], "other");
    assert_false(fd->rules.required);

    fd = wf_field_find(f, "start-date");
    assert_int_equal(fd->rules.min, 20200101);

    fd = wf_field_find(f, "description");
    assert_int_equal(fd->rules.min_length, 50);
    assert_int_equal(fd->rules.max_length, 4000);

    fd = wf_field_find(f, "budget-file");
    assert_int_equal(fd->type, FIELD_FILE);
    assert_int_equal(fd->rules.max_size, 10 * 1024 * 1024);
    assert_string_equal(fd->rules.accept[0], "application/pdf");
    assert_string_equal(wf_field_find(f, "contact-email")->prefill,
                        "person.email");

    fd = wf_def_field_find(d, "amount-granted");
    assert_non_null(fd);
    assert_string_equal(fd->page->form->id, "decision");
    assert_int_equal(fd->shown_when.n_values, 2);
    assert_string_equal(fd->shown_when.values[1], "partly-granted");
    assert_null(wf_field_find(f, "amount-granted"));
}

/* ------------------------------------------------------------------ */
/* durations and sizes                                                 */
/* ------------------------------------------------------------------ */

typedef struct {
    const char *text;
    int         months, days;
    long long   seconds;
    const char *why;      /* substring of the reason, NULL when valid */
} dur_case_t;

static const dur_case_t dur_cases[] = {
    { "P30D", 0, 30, 0, NULL },
    { "P60D", 0, 60, 0, NULL },
    { "P3M", 3, 0, 0, NULL },
    { "P1Y2M", 14, 0, 0, NULL },
    { "P2W", 0, 14, 0, NULL },
    { "P1W2D", 0, 9, 0, NULL },
    { "PT12H", 0, 0, 43200, NULL },
    { "P1DT1H1M1S", 0, 1, 3661, NULL },
    { "PT90M", 0, 0, 5400, NULL },
    { "P100Y", 1200, 0, 0, NULL },
    { "", 0, 0, 0, "must start with P" },
    { "30D", 0, 0, 0, "must start with P" },
    { "p30d", 0, 0, 0, "must start with P" },
    { "P", 0, 0, 0, "has no parts" },
    { "PT", 0, 0, 0, "nothing follows" },
    { "P3X", 0, 0, 0, "unknown unit" },
    { "PT1D", 0, 0, 0, "unknown unit after T" },
    { "P1.5D", 0, 0, 0, "fractions" },
    { "P-1D", 0, 0, 0, "signed" },
    { "P1D1M", 0, 0, 0, "in the order" },
    { "P1M1M", 0, 0, 0, "in the order" },
    { "P1DT1HT1M", 0, 0, 0, "twice" },
    { "P0D", 0, 0, 0, "is zero" },
    { "P101Y", 0, 0, 0, "100 years" },
    { "P9999999999D", 0, 0, 0, "too large" },
    { "PD", 0, 0, 0, "expected a number" },
    { "P30D ", 0, 0, 0, "expected a number" },
};

static void
test_durations(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(dur_cases) / sizeof(*dur_cases); i++) {
        const dur_case_t *c = &dur_cases[i];
        wf_duration_t     d;
        const char       *why = NULL;
        int               rc = wf_duration_parse(c->text, &d, &why);

        if ((rc == 0) != (c->why == NULL)
            || (c->why != NULL && strstr(why, c->why) == NULL))
            fprintf(stderr, "duration \"%s\": rc %d why %s\n", c->text, rc,
                    why ? why : "-");
        if (c->why == NULL) {
            assert_int_equal(rc, 0);
            assert_int_equal(d.months, c->months);
            assert_int_equal(d.days, c->days);
            assert_int_equal(d.seconds, c->seconds);
            assert_string_equal(d.text, c->text);
        } else {
            assert_int_equal(rc, -1);
            assert_non_null(strstr(why, c->why));
        }
    }
}

static void
test_duration_iso_and_add(void **state)
{
    pool_t        *p = pool_new(0);
    wf_duration_t  d;
    const char    *why;
    struct tm      tm = { 0 };
    time_t         t, r;

    (void) state;
    assert_int_equal(wf_duration_parse("P1Y2M3W4DT5H6M7S", &d, &why), 0);
    assert_string_equal(wf_duration_iso(p, &d), "P14M25DT18367S");
    assert_int_equal(wf_duration_parse("PT1S", &d, &why), 0);
    assert_string_equal(wf_duration_iso(p, &d), "PT1S");

    setenv("TZ", "UTC", 1);
    tzset();
    tm.tm_year = 2025 - 1900;
    tm.tm_mon = 0;
    tm.tm_mday = 31;
    tm.tm_hour = 10;
    t = timegm(&tm);
    /* Jan 31 + 1 month = Feb 28, as PostgreSQL does */
    assert_int_equal(wf_duration_parse("P1M", &d, &why), 0);
    r = wf_duration_add(t, &d);
    gmtime_r(&r, &tm);
    assert_int_equal(tm.tm_mon, 1);
    assert_int_equal(tm.tm_mday, 28);
    assert_int_equal(tm.tm_hour, 10);
    /* days and seconds on top */
    assert_int_equal(wf_duration_parse("P1M2DT1H", &d, &why), 0);
    r = wf_duration_add(t, &d);
    gmtime_r(&r, &tm);
    assert_int_equal(tm.tm_mon, 2);
    assert_int_equal(tm.tm_mday, 2);
    assert_int_equal(tm.tm_hour, 11);
    assert_int_equal(wf_duration_parse("P60D", &d, &why), 0);
    assert_int_equal(wf_duration_add(t, &d) - t, 60 * 86400);
    pool_free(p);
}

static void
test_sizes(void **state)
{
    size_t n;

    (void) state;
    assert_int_equal(wf_size_parse("10M", &n), 0);
    assert_int_equal(n, 10 * 1024 * 1024);
    assert_int_equal(wf_size_parse("512K", &n), 0);
    assert_int_equal(n, 512 * 1024);
    assert_int_equal(wf_size_parse("2G", &n), 0);
    assert_int_equal(wf_size_parse("300000", &n), 0);
    assert_int_equal(n, 300000);
    assert_int_equal(wf_size_parse("10X", &n), -1);
    assert_int_equal(wf_size_parse("", &n), -1);
    assert_int_equal(wf_size_parse("M", &n), -1);
    assert_int_equal(wf_size_parse("0", &n), -1);
    assert_int_equal(wf_size_parse("5G", &n), -1);
    assert_int_equal(wf_size_parse("-1M", &n), -1);
    assert_int_equal(wf_size_parse(NULL, &n), -1);
}

/* ------------------------------------------------------------------ */
/* texts, suggestions, vocabularies                                    */
/* ------------------------------------------------------------------ */

static void
test_i18n_fallback(void **state)
{
    wf_text_t v[2] = { { "de", "Entwurf" }, { "fr", "Brouillon" } };
    wf_i18n_t t = { v, 2, 1 };
    wf_i18n_t empty = { NULL, 0, 0 };

    (void) state;
    assert_string_equal(wf_i18n_get(&t, "de"), "Entwurf");
    assert_string_equal(wf_i18n_get(&t, "en"), "Brouillon");
    assert_string_equal(wf_i18n_get(&t, NULL), "Brouillon");
    t.n = 1;
    assert_string_equal(wf_i18n_get(&t, "en"), "Entwurf");
    assert_null(wf_i18n_get(&empty, "fr"));
}

static void
test_did_you_mean(void **state)
{
    static const char *const c[] = { "draft", "submitted", "decided",
                                     "archived" };
    pool_t *p = pool_new(0);

    (void) state;
    assert_string_equal(wf_did_you_mean(p, "decidedd", c, 4),
                        " (did you mean \"decided\"?)");
    assert_string_equal(wf_did_you_mean(p, "darft", c, 4),
                        " (did you mean \"draft\"?)");
    assert_string_equal(wf_did_you_mean(p, "submited", c, 4),
                        " (did you mean \"submitted\"?)");
    assert_string_equal(wf_did_you_mean(p, "zzz", c, 4), "");
    assert_string_equal(wf_did_you_mean(p, "", c, 4), "");
    pool_free(p);
}

static int
listed(const char *(*name)(size_t), const char *s)
{
    size_t      i;
    const char *n;

    for (i = 0; (n = name(i)) != NULL; i++)
        if (strcmp(n, s) == 0)
            return 1;
    return 0;
}

static void
test_vocabularies(void **state)
{
    const wf_arg_spec_t *a;

    (void) state;
    assert_true(listed(wf_action_name, "create-space"));
    assert_true(listed(wf_action_name, "grant-access"));
    assert_true(listed(wf_action_name, "raise-assurance"));
    assert_true(listed(wf_action_name, "issue-code"));
    assert_true(listed(wf_action_name, "print-letter"));
    assert_false(listed(wf_action_name, "send-fax"));
    assert_true(listed(wf_guard_name, "form-complete"));
    assert_true(listed(wf_guard_name, "assurance>=LEVEL"));
    assert_true(listed(wf_entity_kind_name, "association"));
    assert_true(listed(wf_mime_name, "application/pdf"));
    assert_true(listed(wf_prefill_name, "person.email"));
    a = wf_action_arg("issue-code", "valid");
    assert_non_null(a);
    assert_int_equal(a->kind, WF_ARG_DURATION);
    assert_true(a->required);
    assert_null(wf_action_arg("issue-code", "colour"));
    assert_null(wf_action_arg("no-such-action", "valid"));
    assert_string_equal(wf_action_arg_at("raise-assurance", 0)->name, "level");
    assert_null(wf_action_arg_at("raise-assurance", 1));
    assert_null(wf_action_arg_at("noop", 0));
    assert_string_equal(wf_actor_kind_name(WF_BY_THIRD_PARTY), "third-party");
    assert_int_equal(wf_bucket_by_name("decision-unread"),
                     WF_BUCKET_DECISION_UNREAD);
    assert_int_equal(wf_bucket_by_name("done"), -1);
}

/* ------------------------------------------------------------------ */
/* a definition from memory, with effects and odd texts                */
/* ------------------------------------------------------------------ */

static const char mem_xml[] =
    "<workflow xmlns=\"urn:guichet:workflow:1\" id=\"space.open\">\n"
    "  <title xml:lang=\"fr\">Dire \"oui\" \\ non</title>\n"
    "  <audience space=\"personal\" assurance=\"verified\"/>\n"
    "  <form id=\"f\"><page id=\"p\"><title xml:lang=\"fr\">P</title>\n"
    "    <field name=\"ide\" type=\"ide\" required=\"yes\">"
    "<label xml:lang=\"fr\">IDE</label></field>\n"
    "    <field name=\"code\" type=\"text\" max-length=\"6\">"
    "<label xml:lang=\"fr\">Code</label></field>\n"
    "  </page></form>\n"
    "  <states initial=\"new\">\n"
    "    <state id=\"new\" bucket=\"draft\" form=\"f\">"
    "<label xml:lang=\"fr\">Nouveau</label></state>\n"
    "    <state id=\"wait\" bucket=\"to-do\" progress=\"60\">"
    "<label xml:lang=\"fr\">Attente</label></state>\n"
    "    <state id=\"check\" bucket=\"in-progress\">"
    "<label xml:lang=\"fr\">Contrôle</label></state>\n"
    "    <state id=\"on\" bucket=\"archived\" final=\"yes\">"
    "<label xml:lang=\"fr\">Actif</label></state>\n"
    "  </states>\n"
    "  <transition id=\"ask\" from=\"new\" to=\"wait\" by=\"owner\" "
    "form=\"f\" guard=\"ide-registered:ide\">\n"
    "    <label xml:lang=\"fr\">Demander</label>\n"
    "    <effect action=\"create-space\" entity-field=\"ide\"/>\n"
    "    <effect action=\"issue-code\" purpose=\"activation\" "
    "channel=\"letter\" valid=\"P30D\" length=\"8\"/>\n"
    "  </transition>\n"
    "  <transition id=\"confirm\" from=\"wait\" to=\"check\" by=\"owner\">\n"
    "    <label xml:lang=\"fr\">Confirmer</label>\n"
    "    <effect action=\"verify-code\" purpose=\"activation\" "
    "field=\"code\"/>\n"
    "  </transition>\n"
    "  <transition id=\"activate\" from=\"check\" to=\"on\" "
    "by=\"third-party:prefecture referent\">\n"
    "    <label xml:lang=\"fr\">Activer</label>\n"
    "    <effect action=\"activate-space\"/>\n"
    "  </transition>\n"
    "</workflow>\n";

static void
test_memory_definition(void **state)
{
    pool_t                *p = pool_new(0);
    wf_diag_t              diags;
    wf_def_t              *d;
    const wf_transition_t *t;

    (void) state;
    wf_diag_init(&diags, p);
    if (wf_load_memory(p, mem_xml, strlen(mem_xml), "mem", &d, &diags)
        != EN_OK)
        wf_diag_print(&diags, stderr);
    assert_int_equal(diags.errors, 0);
    assert_string_equal(d->id, "space.open");
    assert_int_equal(d->version, 0);
    assert_string_equal(d->source, "mem");
    t = wf_transition_find(d, "ask");
    assert_int_equal(t->n_effects, 2);
    assert_string_equal(t->effects[0].action, "create-space");
    assert_string_equal(wf_effect_arg(&t->effects[0], "entity-field"), "ide");
    assert_string_equal(wf_effect_arg(&t->effects[1], "valid"), "P30D");
    assert_null(wf_effect_arg(&t->effects[1], "template"));
    assert_int_equal(t->guards[0].kind, WF_GUARD_IDE_REGISTERED);
    assert_ptr_equal(t->guards[0].field, wf_def_field_find(d, "ide"));
    t = wf_transition_find(d, "activate");
    assert_true(wf_transition_allows(t, WF_BY_THIRD_PARTY, "prefecture"));
    assert_true(wf_transition_allows(t, WF_BY_REFERENT, NULL));
    /* progress not written: kept from the state before */
    assert_int_equal(wf_state_find(d, "check")->progress, 60);
    assert_int_equal(wf_state_find(d, "new")->progress, 0);
    pool_free(p);
}

/* ------------------------------------------------------------------ */
/* by="...": parsed once, into what authz_may() compares               */
/* ------------------------------------------------------------------ */

/* mem_xml with the "activate" transition's by= replaced; the number of
 * errors, and the roles as authz receives them (NULL on errors). */
static const char *
load_by(pool_t *p, const char *by, int *errors)
{
    const char            *at = "by=\"third-party:prefecture referent\"";
    const char            *hit = strstr(mem_xml, at);
    const char            *xml;
    wf_diag_t              diags;
    wf_def_t              *d = NULL;

    assert_non_null(hit);
    xml = pool_printf(p, "%.*sby=\"%s\"%s", (int) (hit - mem_xml), mem_xml, by,
                      hit + strlen(at));
    wf_diag_init(&diags, p);
    wf_load_memory(p, xml, strlen(xml), "mem", &d, &diags);
    *errors = diags.errors;
    if (diags.errors > 0 || d == NULL)
        return NULL;
    return wf_people_roles(p, wf_transition_find(d, "activate"), NULL);
}

static void
by_ok(pool_t *p, const char *by, const char *roles)
{
    int         errors;
    const char *got = load_by(p, by, &errors);

    if (errors != 0)
        fail_msg("by=\"%s\" refused", by);
    assert_string_equal(got, roles);
}

static void
by_refused(pool_t *p, const char *by)
{
    int errors;

    load_by(p, by, &errors);
    if (errors == 0)
        fail_msg("by=\"%s\" accepted", by);
}

static void
test_by_parsed_once(void **state)
{
    pool_t *p = pool_new(0);
    char    g63[64], by[80];

    (void) state;
    by_ok(p, "owner", "owner");
    by_ok(p, "member referent", "member referent");
    by_ok(p, "  owner\treferent:grants   agent:serac  system ",
          "owner referent:grants agent:serac");
    by_ok(p, "referent:members third-party:prefecture-lausanne",
          "referent:members third-party:prefecture-lausanne");
    by_ok(p, "agent:9a-b", "agent:9a-b");
    memset(g63, 'a', 63);
    g63[63] = '\0';
    snprintf(by, sizeof(by), "agent:%s", g63);
    by_ok(p, by, by);
    /* the group id rule is the database's CHECK on group ids */
    by_refused(p, "owner agent:serac_vd");
    by_refused(p, "agent:SERAC");
    by_refused(p, "agent:-serac");
    by_refused(p, "agent:");
    by_refused(p, "agent");
    by_refused(p, "third-party");
    by_refused(p, "third-party:a.b");
    by_refused(p, "owner:x");
    by_refused(p, "system:now");
    by_refused(p, "referent:everything");
    by_refused(p, "owner,agent:serac");
    by_refused(p, "Owner");
    snprintf(by, sizeof(by), "agent:%sa", g63);
    by_refused(p, by);
    pool_free(p);
}

/* ------------------------------------------------------------------ */
/* the diagram                                                         */
/* ------------------------------------------------------------------ */

static void
test_graph_dot(void **state)
{
    fx_t       *fx = *state;
    const char *dot = wf_graph_dot(fx->p, fx->def, "fr");

    assert_non_null(strstr(dot, "digraph \"subsidy\" {"));
    assert_non_null(strstr(dot, "\"(start)\" -> \"draft\""));
    assert_non_null(strstr(dot, "\"draft\" -> \"submitted\" "
                                "[label=\"submit\\n(owner)\"]"));
    assert_non_null(strstr(dot, "\"submitted\" -> \"in-review\" "
                                "[label=\"take\\n(agent:serac)\"]"));
    assert_non_null(strstr(dot, "\"incomplete\" -> \"lapsed\" [label=\"lapse"
                                "\\n(system)\\nafter P60D\", style=dashed]"));
    assert_non_null(strstr(dot, "\"draft\" -> \"(deleted)\" [label=\"purge"
                                "\\nafter P60D\", style=dashed]"));
    assert_non_null(strstr(dot, "shape=doublecircle"));
    assert_non_null(strstr(dot, "fillcolor=\"#ffe5b4\""));   /* to-do */
    assert_non_null(strstr(dot, "[on view]"));
    assert_non_null(strstr(wf_graph_dot(fx->p, fx->def, "en"),
                           "Under review"));
}

static void
test_graph_escapes_and_renders(void **state)
{
    pool_t    *p = pool_new(0);
    wf_diag_t  diags;
    wf_def_t  *d;
    en_err_t   err;
    char      *dot, *svg;
    size_t     len;

    (void) state;
    wf_diag_init(&diags, p);
    assert_int_equal(wf_load_memory(p, mem_xml, strlen(mem_xml), "mem", &d,
                                    &diags), EN_OK);
    dot = wf_graph_dot(p, d, "fr");
    assert_non_null(strstr(dot, "label=\"Dire \\\"oui\\\" \\\\ non\\n"));
    assert_int_equal(wf_graph_render(p, dot, "svg", &svg, &len, &err), EN_OK);
    assert_true(len > 100);
    assert_int_equal(strlen(svg), len);
    assert_non_null(strstr(svg, "<svg"));
    assert_non_null(strstr(svg, "Dire &quot;oui&quot;"));
    assert_int_equal(wf_graph_render(p, "digraph {", "svg", &svg, &len, &err),
                     EN_BADINPUT);
    pool_free(p);
}

/* The promises of a loaded definition (wf_def_sound), which the loaders
 * assert and the runtime relies on: they hold for subsidy.xml, and each
 * broken link is seen. */
static void
test_def_sound(void **state)
{
    fx_t            *fx = *state;
    wf_def_t        *d = fx->def;
    wf_transition_t *t = wf_transition_find(d, "decide");
    wf_state_t      *s = wf_state_find(d, "draft");
    wf_field_t      *f = wf_def_field_find(d, "amount-granted");
    wf_state_t      *to;
    wf_bucket_t      b;
    int              type;
    wf_field_t      *cond;

    assert_true(wf_def_sound(d));
    assert_false(wf_def_sound(NULL));
    to = t->to;
    t->to = NULL;
    assert_false(wf_def_sound(d));
    t->to = to;
    b = s->bucket;
    s->bucket = WF_BUCKET__COUNT;
    assert_false(wf_def_sound(d));
    s->bucket = b;
    type = f->type;
    f->type = -1;
    assert_false(wf_def_sound(d));
    f->type = type;
    cond = f->shown_when.field;
    f->shown_when.field = NULL;
    assert_false(wf_def_sound(d));
    f->shown_when.field = cond;
    assert_true(wf_def_sound(d));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_subsidy_head, setup_subsidy,
                                        teardown_subsidy),
        cmocka_unit_test_setup_teardown(test_subsidy_states, setup_subsidy,
                                        teardown_subsidy),
        cmocka_unit_test_setup_teardown(test_subsidy_transitions,
                                        setup_subsidy, teardown_subsidy),
        cmocka_unit_test_setup_teardown(test_subsidy_mails, setup_subsidy,
                                        teardown_subsidy),
        cmocka_unit_test_setup_teardown(test_subsidy_timers, setup_subsidy,
                                        teardown_subsidy),
        cmocka_unit_test_setup_teardown(test_subsidy_form, setup_subsidy,
                                        teardown_subsidy),
        cmocka_unit_test_setup_teardown(test_def_sound, setup_subsidy, teardown_subsidy),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_duration_iso_and_add),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_i18n_fallback),
        cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_vocabularies),
        cmocka_unit_test(test_memory_definition),
        cmocka_unit_test(test_by_parsed_once),
        cmocka_unit_test_setup_teardown(test_graph_dot, setup_subsidy,
                                        teardown_subsidy),
        cmocka_unit_test(test_graph_escapes_and_renders),
    };

    xml_safe_init();
    return cmocka_run_group_tests_name("wf_def", tests, NULL, NULL);
}
