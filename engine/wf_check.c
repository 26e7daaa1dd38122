/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_check.c -- the rules a workflow definition must follow beyond its
 * XML shape, and the RELAX NG validation of that shape.
 *
 * Owns: the schema (loaded once per process, errors collected through a
 * structured handler so libxml2 prints nothing), and the semantic rules:
 * ids unique and well formed, every reference (state, transition, form,
 * page, field) resolved into a pointer, every text in French, field
 * limits that make sense, actors, guards and notifications that can be
 * honoured, timers that can fire, every state reachable and none a dead
 * end.  Each problem becomes one `file:line: message` diagnostic, with a
 * "did you mean" when a name is a near miss; checking never stops at the
 * first problem.
 *
 * Also links the model: the transitions and timers leaving each state.
 * Parsing and the vocabularies themselves live in wf_def.c.
 */
#include "wf_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "authz.h"
#include "cfg.h"
#include "en_err.h"
#include "wf_group.h"
#include "wf_rule.h"
#include "xml_safe.h"

/* ------------------------------------------------------------------ */
/* the schema                                                          */
/* ------------------------------------------------------------------ */

/* Process-lifetime cache (like compiled stylesheets): malloc'd, not in a
 * pool, and released by wf_schema_forget(). */
static struct {
    char          *path;
    xmlRelaxNGPtr  schema;
} wf_schema_cache;

static char *wf_schema_fallback;

typedef struct {
    wf_diag_t  *d;
    const char *name;
} wf_rng_ctx_t;

const char *
wf_schema_path(void)
{
    static char  installed[4096];
    const char  *env = getenv("GUICHET_SCHEMA");

    if (env != NULL && *env != '\0')
        return env;
    if (wf_schema_fallback != NULL)
        return wf_schema_fallback;
    /* a checkout's own schema first, then the installed one */
    if (access("workflows/workflow.rng", R_OK) == 0)
        return "workflows/workflow.rng";
    snprintf(installed, sizeof(installed), "%s/workflows/workflow.rng",
             cfg_datadir());
    return installed;
}

void
wf_schema_set_path(const char *path)
{
    free(wf_schema_fallback);
    wf_schema_fallback = path != NULL ? strdup(path) : NULL;
}

void
wf_schema_forget(void)
{
    if (wf_schema_cache.schema != NULL)
        xmlRelaxNGFree(wf_schema_cache.schema);
    free(wf_schema_cache.path);
    wf_schema_cache.schema = NULL;
    wf_schema_cache.path = NULL;
}

static void
wf_rng_error(void *ctx, xmlErrorPtr e)
{
    wf_rng_ctx_t *c = ctx;
    int           line = e->line;
    char         *msg;
    size_t        n;

    if (e->node != NULL)
        line = (int) xmlGetLineNo((xmlNodePtr) e->node);
    msg = pool_strdup(c->d->pool, e->message != NULL ? e->message
                                                     : "invalid document");
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    wf_diag_add(c->d, e->level == XML_ERR_WARNING ? WF_WARNING : WF_ERROR, 1,
                c->name, line > 0 ? line : 0,
                pool_printf(c->d->pool, "schema: %s", msg));
}

static xmlRelaxNGPtr
wf_schema_load(wf_diag_t *d)
{
    const char              *path = wf_schema_path();
    pool_t                  *tmp;
    en_err_t                 err;
    xmlDocPtr                doc;
    xmlRelaxNGParserCtxtPtr  pc;
    wf_rng_ctx_t             ctx = { d, path };
    int                      errors0 = d->errors;

    if (wf_schema_cache.schema != NULL
        && strcmp(wf_schema_cache.path, path) == 0)
        return wf_schema_cache.schema;
    wf_schema_forget();
    tmp = pool_new(0);
    en_clear(&err);
    if ((doc = xml_safe_read_file(tmp, path, &err)) == NULL) {
        wf_diag_error(d, path, 0, "cannot load the workflow schema (set "
                      "GUICHET_SCHEMA or root in the configuration): %s",
                      err.msg);
        pool_free(tmp);
        return NULL;
    }
    /* the parser context works on its own copy of doc */
    pc = xmlRelaxNGNewDocParserCtxt(doc);
    xmlRelaxNGSetParserStructuredErrors(pc, wf_rng_error, &ctx);
    wf_schema_cache.schema = xmlRelaxNGParse(pc);
    xmlRelaxNGFreeParserCtxt(pc);
    pool_free(tmp);
    if (wf_schema_cache.schema == NULL) {
        if (d->errors == errors0)
            wf_diag_error(d, path, 0, "the workflow schema does not compile");
        return NULL;
    }
    wf_schema_cache.path = strdup(path);
    if (wf_schema_cache.path == NULL) {
        xmlRelaxNGFree(wf_schema_cache.schema);
        wf_schema_cache.schema = NULL;
    }
    return wf_schema_cache.schema;
}

int
wf_check_schema(xmlDocPtr doc, const char *name, wf_diag_t *d)
{
    xmlRelaxNGPtr          schema = wf_schema_load(d);
    xmlRelaxNGValidCtxtPtr vc;
    wf_rng_ctx_t           ctx = { d, name };
    int                    rc, errors0 = d->errors;

    if (schema == NULL)
        return EN_INTERNAL;
    vc = xmlRelaxNGNewValidCtxt(schema);
    if (vc == NULL) {
        wf_diag_error(d, name, 0, "out of memory validating against the "
                      "schema");
        return EN_INTERNAL;
    }
    xmlRelaxNGSetValidStructuredErrors(vc, wf_rng_error, &ctx);
    rc = xmlRelaxNGValidateDoc(vc, doc);
    xmlRelaxNGFreeValidCtxt(vc);
    if (rc != 0 && d->errors == errors0)
        wf_diag_error(d, name, 0, "schema: the document does not follow "
                      "workflows/workflow.rng");
    return rc == 0 ? EN_OK : EN_BADINPUT;
}

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

typedef struct {
    pool_t     *p;
    wf_diag_t  *d;
    wf_def_t   *def;
    const char *file;
    int         errors0;    /* d->errors before the check */
} wf_ck_t;

static void
wf_err(wf_ck_t *ck, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void
wf_warn(wf_ck_t *ck, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void
wf_err(wf_ck_t *ck, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    wf_diag_add(ck->d, WF_ERROR, 0, ck->file, line,
                pool_vprintf(ck->p, fmt, ap));
    va_end(ap);
}

static void
wf_warn(wf_ck_t *ck, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    wf_diag_add(ck->d, WF_WARNING, 0, ck->file, line,
                pool_vprintf(ck->p, fmt, ap));
    va_end(ap);
}

static int
wf_has_fr(const wf_i18n_t *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        if (strcmp(t->v[i].lang, "fr") == 0 && t->v[i].text[0] != '\0')
            return 1;
    return 0;
}

/* Reports a text without French: "state "draft": no French label". */
static void
wf_need_fr(wf_ck_t *ck, const wf_i18n_t *t, int line, const char *owner,
           const char *what)
{
    if (!wf_has_fr(t))
        wf_err(ck, t->line > 0 ? t->line : line, "%s: no French %s (add <%s "
               "xml:lang=\"fr\">)", owner, what, what);
}

/* The ids of the language: a lower-case letter, then a-z 0-9 - _. */
static int
wf_id_ok(const char *s)
{
    size_t i;

    if (s == NULL || s[0] < 'a' || s[0] > 'z' || strlen(s) > 64)
        return 0;
    for (i = 1; s[i] != '\0'; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')
              || s[i] == '-' || s[i] == '_'))
            return 0;
    return 1;
}

static void
wf_need_id(wf_ck_t *ck, const char *what, const char *id, int line)
{
    if (id[0] == '\0')
        return;                       /* missing: the parser said so */
    if (!wf_id_ok(id))
        wf_err(ck, line, "%s id \"%s\" must start with a lower-case letter "
               "and use only a-z, 0-9, - and _ (at most 64)", what, id);
}

/* Candidates for "did you mean": the ids of the states, transitions... */
static const char **
wf_state_ids(wf_ck_t *ck)
{
    const char **v = pool_calloc(ck->p, (ck->def->n_states + 1)
                                        * sizeof(char *));
    size_t       i;

    for (i = 0; i < ck->def->n_states; i++)
        v[i] = ck->def->states[i].id;
    return v;
}

static const char **
wf_transition_ids(wf_ck_t *ck)
{
    const char **v = pool_calloc(ck->p, (ck->def->n_transitions + 1)
                                        * sizeof(char *));
    size_t       i;

    for (i = 0; i < ck->def->n_transitions; i++)
        v[i] = ck->def->transitions[i].id;
    return v;
}

static const char **
wf_form_ids(wf_ck_t *ck)
{
    const char **v = pool_calloc(ck->p, (ck->def->n_forms + 1)
                                        * sizeof(char *));
    size_t       i;

    for (i = 0; i < ck->def->n_forms; i++)
        v[i] = ck->def->forms[i].id;
    return v;
}

static size_t
wf_field_names(wf_ck_t *ck, const wf_form_t *only, const char ***out)
{
    size_t       n = 0, i, k, f;
    const char **v;

    for (f = 0; f < ck->def->n_forms; f++)
        for (i = 0; i < ck->def->forms[f].n_pages; i++)
            n += ck->def->forms[f].pages[i].n_fields;
    v = pool_calloc(ck->p, (n + 1) * sizeof(char *));
    n = 0;
    for (f = 0; f < ck->def->n_forms; f++) {
        const wf_form_t *fm = &ck->def->forms[f];

        if (only != NULL && fm != only)
            continue;
        for (i = 0; i < fm->n_pages; i++)
            for (k = 0; k < fm->pages[i].n_fields; k++)
                v[n++] = fm->pages[i].fields[k].name;
    }
    *out = v;
    return n;
}

static const char *
wf_dym(wf_ck_t *ck, const char *word, const char *const *cands, size_t n)
{
    return wf_did_you_mean(ck->p, word, cands, n);
}

static const char *const wf_reserved_transitions[] = { "create", "purge", "migrate",
                                                       NULL };

/*
 * Names the demand pages post next to a definition's own fields and
 * attachments (h_demand.c): the comment of a step, the version the page was
 * drawn from, the page navigation button and the CSRF token. A field or an
 * attachment with one of these names would be read as the other.
 */
static const char *const wf_reserved_fields[] = { "comment", "version", "nav",
                                                  "csrf", NULL };

/* Reports name when the pages reserve it; what: "field" or "attachment". */
static void
wf_check_not_reserved(wf_ck_t *ck, const char *owner, const char *what,
                      const char *name, int line)
{
    size_t k;

    for (k = 0; wf_reserved_fields[k] != NULL; k++)
        if (name != NULL && strcmp(name, wf_reserved_fields[k]) == 0)
            wf_err(ck, line, "%s%s name \"%s\" is reserved: the pages "
                   "post their own \"%s\" (reserved: comment, version, nav, "
                   "csrf); choose another name, e.g. \"%s-%s\"", owner,
                   what, name, name, name, strcmp(what, "field") == 0 ? "text"
                   : "file");
}

/* ------------------------------------------------------------------ */
/* the workflow and its forms                                          */
/* ------------------------------------------------------------------ */

static void
wf_check_head(wf_ck_t *ck)
{
    const wf_def_t *d = ck->def;
    size_t          i;
    int             ok = d->id[0] != '\0' && strlen(d->id) <= 64;

    for (i = 0; ok && d->id[i] != '\0'; i++)
        ok = (d->id[i] >= 'a' && d->id[i] <= 'z')
             || (d->id[i] >= 'A' && d->id[i] <= 'Z')
             || (d->id[i] >= '0' && d->id[i] <= '9')
             || (i > 0 && strchr("_.-", d->id[i]) != NULL);
    if (!ok && d->id[0] != '\0')
        wf_err(ck, d->line, "workflow id \"%s\" must be letters, digits, "
               "\".\", \"-\" and \"_\" (at most 64, starting with a letter or "
               "digit)", d->id);
    if (!wf_has_fr(&d->title))
        wf_err(ck, d->title.line > 0 ? d->title.line : d->line,
               "workflow \"%s\": no French title (add <title "
               "xml:lang=\"fr\">)", d->id);
    if (d->audience.line == 0)
        wf_err(ck, d->line, "workflow \"%s\" has no <audience>: say who may "
               "start it", d->id);
}

static int
wf_mime_known(const char *m)
{
    size_t      i;
    const char *k;

    for (i = 0; (k = wf_mime_name(i)) != NULL; i++)
        if (strcmp(k, m) == 0)
            return 1;
    return 0;
}

/* accept= lists only types the engine can recognise from the bytes. */
static void
wf_check_accept(wf_ck_t *ck, const field_rules_t *r, const char *what,
                const char *name, int line)
{
    size_t i;

    for (i = 0; r->accept != NULL && r->accept[i] != NULL; i++)
        if (!wf_mime_known(r->accept[i]))
            wf_err(ck, line, "%s \"%s\": accept \"%s\" is not a type the "
                   "engine recognises from a file's content (application/pdf, "
                   "image/jpeg, image/png)", what, name, r->accept[i]);
}

static void
wf_check_limits(wf_ck_t *ck, const wf_field_t *f)
{
    const field_rules_t *r = &f->rules;

    if (r->has_min && r->has_max && r->min > r->max)
        wf_err(ck, f->line, "field \"%s\": min is greater than max", f->name);
    if (r->max_length > 0 && r->min_length > r->max_length)
        wf_err(ck, f->line, "field \"%s\": min-length %zu is greater than "
               "max-length %zu", f->name, r->min_length, r->max_length);
    if (r->pattern != NULL && field_pattern_ok(r->pattern) != 0)
        wf_err(ck, f->line, "field \"%s\": pattern \"%s\" is not a valid "
               "POSIX extended regular expression (or its parentheses do not "
               "balance)", f->name, r->pattern);
    wf_check_accept(ck, r, "field", f->name, f->line);
}

static void
wf_check_options(wf_ck_t *ck, const wf_field_t *f)
{
    size_t i, k;

    if (f->type == FIELD_CHOICE && f->n_options == 0)
        wf_err(ck, f->line, "field \"%s\": a choice needs <option> elements",
               f->name);
    if (f->type != FIELD_CHOICE && f->type >= 0 && f->n_options > 0)
        wf_err(ck, f->line, "field \"%s\": <option> only applies to type "
               "choice, not %s", f->name, f->type_name);
    for (i = 0; i < f->n_options; i++) {
        const wf_option_t *o = &f->options[i];

        for (k = 0; k < i; k++)
            if (strcmp(f->options[k].value, o->value) == 0)
                wf_err(ck, o->line, "field \"%s\": option \"%s\" appears "
                       "twice", f->name, o->value);
        wf_need_fr(ck, &o->label, o->line, pool_printf(ck->p, "field \"%s\": "
                   "option \"%s\"", f->name, o->value), "label");
    }
}

/* Whether field f comes before field g in their form (the page order,
 * then the order in a page). */
static int
wf_field_before(const wf_field_t *f, const wf_field_t *g)
{
    if (f->page->index != g->page->index)
        return f->page->index < g->page->index;
    return f < g;
}

static const char *const wf_yesno_values[] = { "yes", "no", NULL };

/* Checks value v against the field a condition or a guard names. */
static void
wf_check_value(wf_ck_t *ck, const wf_field_t *f, const char *v,
               const char *owner, int line)
{
    size_t       i;
    const char **opts;

    if (f->type == FIELD_YESNO && strcmp(v, "yes") != 0
        && strcmp(v, "no") != 0) {
        wf_err(ck, line, "%s: field \"%s\" is yes/no, so \"%s\" can never "
               "match (write yes or no)%s", owner, f->name, v,
               wf_did_you_mean(ck->p, v, wf_yesno_values, 2));
        return;
    }
    if (f->type != FIELD_CHOICE || f->n_options == 0)
        return;
    opts = pool_calloc(ck->p, (f->n_options + 1) * sizeof(char *));
    for (i = 0; i < f->n_options; i++) {
        opts[i] = f->options[i].value;
        if (strcmp(opts[i], v) == 0)
            return;
    }
    wf_err(ck, line, "%s: field \"%s\" has no option \"%s\"%s", owner,
           f->name, v, wf_dym(ck, v, opts, f->n_options));
}

/* A shown-when/required-when of field self (NULL for a page's) in form. */
static void
wf_check_cond(wf_ck_t *ck, wf_cond_t *c, const wf_form_t *form,
              const wf_field_t *self, const wf_page_t *page, const char *owner)
{
    const char **names;
    size_t       n, i;

    if (c->text == NULL)
        return;
    c->field = wf_field_find(form, c->field_name);
    if (c->field == NULL) {
        n = wf_field_names(ck, form, &names);
        wf_err(ck, c->line, "%s \"%s\": form \"%s\" has no field \"%s\"%s",
               owner, c->text, form->id, c->field_name,
               wf_dym(ck, c->field_name, names, n));
        return;
    }
    if (c->field == self) {
        wf_err(ck, c->line, "%s \"%s\": a field cannot depend on itself",
               owner, c->text);
        return;
    }
    if (self != NULL && !wf_field_before(c->field, self))
        wf_err(ck, c->line, "%s \"%s\": field \"%s\" comes after this one; a "
               "condition can only look at fields filled in before", owner,
               c->text, c->field_name);
    if (self == NULL && page != NULL && c->field->page->index >= page->index)
        wf_err(ck, c->line, "%s \"%s\": field \"%s\" is not on an earlier "
               "page", owner, c->text, c->field_name);
    if (c->age_op != WF_AGE_NONE && c->field->type != FIELD_DATE)
        wf_err(ck, c->line, "%s \"%s\": age() needs a date field; \"%s\" is of "
               "type %s", owner, c->text, c->field_name,
               c->field->type_name ? c->field->type_name : "?");
    for (i = 0; i < c->n_values; i++)
        wf_check_value(ck, c->field, c->values[i], owner, c->line);
}

static void
wf_check_field(wf_ck_t *ck, wf_form_t *form, wf_field_t *f)
{
    const char *owner = pool_printf(ck->p, "field \"%s\"", f->name);

    wf_need_id(ck, "field", f->name, f->line);
    wf_check_not_reserved(ck, "", "field", f->name, f->line);
    wf_need_fr(ck, &f->label, f->line, owner, "label");
    wf_check_limits(ck, f);
    wf_check_options(ck, f);
    wf_check_cond(ck, &f->shown_when, form, f, NULL,
                  pool_printf(ck->p, "%s: shown-when", owner));
    wf_check_cond(ck, &f->required_when, form, f, NULL,
                  pool_printf(ck->p, "%s: required-when", owner));
    if (f->required_when.text != NULL && f->rules.required)
        wf_warn(ck, f->line, "%s: required=\"yes\" makes required-when "
                "pointless", owner);
}

/* The fields of each item of g (and of its nested groups): what every
 * field must be; their conditions, names and lookups are wf_group_check's. */
static void
wf_check_group_fields(wf_ck_t *ck, const wf_group_t *g)
{
    size_t k;

    for (k = 0; k < g->n_fields; k++) {
        const wf_field_t *f = &g->fields[k];
        const char       *owner = pool_printf(ck->p, "group \"%s\": field \"%s\"",
                                              g->name, f->name);

        /* an item's field posts as "group.N.name": no reserved names */
        wf_need_id(ck, "field", f->name, f->line);
        wf_need_fr(ck, &f->label, f->line, owner, "label");
        wf_check_limits(ck, f);
        wf_check_options(ck, f);
    }
    for (k = 0; k < g->n_groups; k++) {
        wf_need_id(ck, "group", g->groups[k].name, g->groups[k].line);
        wf_check_group_fields(ck, &g->groups[k]);
    }
}

static void
wf_check_form(wf_ck_t *ck, wf_form_t *form)
{
    size_t i, k;

    wf_need_id(ck, "form", form->id, form->line);
    for (i = 0; i < form->n_pages; i++) {
        wf_page_t *pg = &form->pages[i];

        wf_need_id(ck, "page", pg->id, pg->line);
        for (k = 0; k < i; k++)
            if (strcmp(form->pages[k].id, pg->id) == 0)
                wf_err(ck, pg->line, "form \"%s\": page id \"%s\" is already "
                       "used at line %d", form->id, pg->id,
                       form->pages[k].line);
        wf_need_fr(ck, &pg->title, pg->line, pool_printf(ck->p, "page \"%s\"",
                   pg->id), "title");
        wf_check_cond(ck, &pg->shown_when, form, NULL, pg,
                      pool_printf(ck->p, "page \"%s\": shown-when", pg->id));
        for (k = 0; k < pg->n_fields; k++) {
            wf_field_t *f = &pg->fields[k];
            wf_field_t *first = wf_field_find(form, f->name);

            wf_check_field(ck, form, f);
            if (first != f)
                wf_err(ck, f->line, "form \"%s\": field name \"%s\" is "
                       "already used at line %d", form->id, f->name,
                       first->line);
        }
        for (k = 0; k < pg->n_groups; k++) {
            wf_need_id(ck, "group", pg->groups[k].name, pg->groups[k].line);
            wf_check_not_reserved(ck, "", "group", pg->groups[k].name, pg->groups[k].line);
            wf_check_group_fields(ck, &pg->groups[k]);
        }
    }
    wf_rule_check(ck->p, ck->d, ck->file, form);
    wf_group_check(ck->p, ck->d, ck->file, form);
}

static void
wf_check_forms(wf_ck_t *ck)
{
    size_t i, k;

    for (i = 0; i < ck->def->n_forms; i++) {
        wf_form_t *f = &ck->def->forms[i];

        for (k = 0; k < i; k++)
            if (strcmp(ck->def->forms[k].id, f->id) == 0)
                wf_err(ck, f->line, "form id \"%s\" is already used at line "
                       "%d", f->id, ck->def->forms[k].line);
        wf_check_form(ck, f);
    }
}

/* Resolves form= and pages= of a state or a transition. */
static wf_form_t *
wf_resolve_form(wf_ck_t *ck, const char *owner, const char *form_id,
                const char **page_ids, size_t n_pages, wf_page_t ***pages,
                int line)
{
    wf_form_t *form;
    size_t     i, n;

    if (form_id == NULL)
        return NULL;
    form = wf_form_find(ck->def, form_id);
    if (form == NULL) {
        wf_err(ck, line, "%s: form \"%s\" does not exist%s", owner, form_id,
               wf_dym(ck, form_id, wf_form_ids(ck), ck->def->n_forms));
        return NULL;
    }
    *pages = pool_calloc(ck->p, (n_pages + 1) * sizeof(**pages));
    for (i = 0; i < n_pages; i++) {
        (*pages)[i] = wf_page_find(form, page_ids[i]);
        if ((*pages)[i] != NULL)
            continue;
        {
            const char **ids = pool_calloc(ck->p, (form->n_pages + 1)
                                                  * sizeof(char *));

            for (n = 0; n < form->n_pages; n++)
                ids[n] = form->pages[n].id;
            wf_err(ck, line, "%s: form \"%s\" has no page \"%s\"%s", owner,
                   form_id, page_ids[i], wf_dym(ck, page_ids[i], ids,
                                                form->n_pages));
        }
    }
    return form;
}

/* ------------------------------------------------------------------ */
/* states                                                              */
/* ------------------------------------------------------------------ */

static void
wf_check_state(wf_ck_t *ck, wf_state_t *s)
{
    const char *owner = pool_printf(ck->p, "state \"%s\"", s->id);
    size_t      k;

    wf_need_id(ck, "state", s->id, s->line);
    for (k = 0; k < s->index; k++)
        if (strcmp(ck->def->states[k].id, s->id) == 0)
            wf_err(ck, s->line, "state id \"%s\" is already used at line %d",
                   s->id, ck->def->states[k].line);
    wf_need_fr(ck, &s->label, s->line, owner, "label");
    if (s->final && s->bucket == WF_BUCKET_DRAFT)
        wf_err(ck, s->line, "%s: a final state cannot be a draft (use bucket "
               "archived)", owner);
    if (s->final && s->form_id != NULL)
        wf_err(ck, s->line, "%s: a final state cannot be edited (remove "
               "form=)", owner);
    s->form = wf_resolve_form(ck, owner, s->form_id, s->page_ids, s->n_pages,
                              &s->pages, s->line);
}

static void
wf_check_states(wf_ck_t *ck)
{
    wf_def_t *d = ck->def;
    size_t    i;
    int       finals = 0;

    for (i = 0; i < d->n_states; i++) {
        wf_check_state(ck, &d->states[i]);
        finals += d->states[i].final;
    }
    if (d->n_states > 0 && finals == 0)
        wf_err(ck, d->initial_line > 0 ? d->initial_line : d->line,
               "no state is final=\"yes\": every demand must be able to "
               "end");
    if (d->initial_id == NULL || d->initial_id[0] == '\0')
        return;
    d->initial = wf_state_find(d, d->initial_id);
    if (d->initial == NULL)
        wf_err(ck, d->initial_line > 0 ? d->initial_line : d->line,
               "initial state \"%s\" does not exist%s", d->initial_id,
               wf_dym(ck, d->initial_id, wf_state_ids(ck), d->n_states));
    else if (d->initial->final)
        wf_err(ck, d->initial->line, "the initial state \"%s\" cannot be "
               "final", d->initial_id);
}

/* ------------------------------------------------------------------ */
/* transitions                                                         */
/* ------------------------------------------------------------------ */

static wf_state_t *
wf_need_state(wf_ck_t *ck, const wf_transition_t *t, const char *id)
{
    wf_state_t *s = wf_state_find(ck->def, id);

    if (s == NULL && id != NULL)
        wf_err(ck, t->line, "transition \"%s\": state \"%s\" does not "
               "exist%s", t->id, id, wf_dym(ck, id, wf_state_ids(ck),
                                             ck->def->n_states));
    return s;
}

/* Resolves from= into the states it leaves. */
static void
wf_check_from(wf_ck_t *ck, wf_transition_t *t)
{
    size_t      i, k;
    wf_state_t *s;

    t->from = pool_calloc(ck->p, (ck->def->n_states + 1) * sizeof(*t->from));
    if (t->from_any) {
        for (i = 0; i < ck->def->n_states; i++)
            if (!ck->def->states[i].final)
                t->from[t->n_from_states++] = &ck->def->states[i];
        return;
    }
    for (i = 0; i < t->n_from; i++) {
        for (k = 0; k < i; k++)
            if (strcmp(t->from_ids[k], t->from_ids[i]) == 0)
                wf_err(ck, t->line, "transition \"%s\": from names \"%s\" "
                       "twice", t->id, t->from_ids[i]);
        if ((s = wf_need_state(ck, t, t->from_ids[i])) == NULL)
            continue;
        if (s->final)
            wf_err(ck, t->line, "transition \"%s\" leaves final state \"%s\": "
                   "a final state ends the demand", t->id, s->id);
        else if (t->n_from_states < ck->def->n_states)
            t->from[t->n_from_states++] = s;
    }
}

static int
wf_by_has(const wf_transition_t *t, wf_actor_kind_t k)
{
    size_t i;

    for (i = 0; i < t->n_by; i++)
        if (t->by[i].kind == k)
            return 1;
    return 0;
}

static void
wf_check_actors(wf_ck_t *ck, wf_transition_t *t)
{
    int system = wf_by_has(t, WF_BY_SYSTEM);

    if (system && t->comment == WF_COMMENT_REQUIRED && t->n_by == 1)
        wf_err(ck, t->line, "transition \"%s\": comment=\"required\" but only "
               "the system fires it, and the system writes no comment", t->id);
    if (system && t->n_by == 1 && t->n_attach > 0)
        wf_err(ck, t->line, "transition \"%s\": the system cannot attach "
               "files", t->id);
    if (!t->auto_on_view)
        return;
    if (t->n_by != 1 || t->by[0].kind != WF_BY_OWNER)
        wf_err(ck, t->line, "transition \"%s\": auto=\"on-view\" fires when "
               "the owner views the demand, so it must be by=\"owner\" only",
               t->id);
    if (t->comment == WF_COMMENT_REQUIRED || t->form_id != NULL
        || t->n_attach > 0)
        wf_err(ck, t->line, "transition \"%s\": auto=\"on-view\" cannot ask "
               "for a comment, a form or attachments", t->id);
}

/* The field a guard or an effect argument names, with a suggestion. */
static wf_field_t *
wf_need_field(wf_ck_t *ck, const char *owner, const char *name, int line)
{
    wf_field_t  *f = wf_def_field_find(ck->def, name);
    const char **names;
    size_t       n;

    if (f == NULL) {
        n = wf_field_names(ck, NULL, &names);
        wf_err(ck, line, "%s: no form has a field \"%s\"%s", owner, name,
               wf_dym(ck, name, names, n));
    }
    return f;
}

/* by="third-party:@FIELD": FIELD exists, and its values can name a group
 * (a choice, each option a group id, or a text checked at run time). */
static void
wf_check_data_actors(wf_ck_t *ck, wf_transition_t *t)
{
    size_t i, k;

    for (i = 0; i < t->n_by; i++) {
        wf_actor_t *a = &t->by[i];
        const char *owner;

        if (a->field_name == NULL)
            continue;
        owner = pool_printf(ck->p, "transition \"%s\": by=\"%s\"", t->id, a->text);
        if ((a->field = wf_need_field(ck, owner, a->field_name, t->line)) == NULL)
            continue;
        if (a->field->type != FIELD_CHOICE && a->field->type != FIELD_TEXT) {
            wf_err(ck, t->line, "%s: field \"%s\" is of type %s; the group is "
                   "read from a choice or a text field", owner, a->field_name,
                   a->field->type_name ? a->field->type_name : "?");
            a->field = NULL;
            continue;
        }
        if (a->field->rules.multiple)
            wf_err(ck, t->line, "%s: field \"%s\" takes several values; the "
                   "actor's group is one value", owner, a->field_name);
        for (k = 0; k < a->field->n_options; k++)
            if (!authz_group_ok(a->field->options[k].value,
                                strlen(a->field->options[k].value)))
                wf_err(ck, a->field->options[k].line, "%s: option \"%s\" of field "
                       "\"%s\" cannot be a group id (a-z, 0-9 and -, at most 63)",
                       owner, a->field->options[k].value, a->field_name);
    }
}

static void
wf_check_guard(wf_ck_t *ck, wf_transition_t *t, wf_guard_t *g)
{
    const char *owner = pool_printf(ck->p, "transition \"%s\": guard \"%s\"",
                                    t->id, g->text);
    size_t      i;

    switch (g->kind) {
    case WF_GUARD_FORM_COMPLETE:
        for (i = 0; t->form_id == NULL && i < t->n_from_states; i++)
            if (t->from[i]->form_id == NULL)
                wf_err(ck, t->line, "%s: neither the transition nor state "
                       "\"%s\" has a form=", owner, t->from[i]->id);
        break;
    case WF_GUARD_FIELD:
        if ((g->field = wf_need_field(ck, owner, g->field_name, t->line)))
            for (i = 0; i < g->n_values; i++)
                wf_check_value(ck, g->field, g->values[i], owner, t->line);
        break;
    case WF_GUARD_SERVICE_APPROVAL:
        /* the field holds a procedure key (a choice of services); its
         * values are groups, compared with that procedure's audience */
        g->field = wf_need_field(ck, owner, g->field_name, t->line);
        break;
    case WF_GUARD_IDE_REGISTERED:
    case WF_GUARD_AVS_REGISTERED:
    case WF_GUARD_NO_OPEN_SPACE:
        g->field = wf_need_field(ck, owner, g->field_name, t->line);
        if (g->field != NULL && g->field->type
            != (g->kind == WF_GUARD_AVS_REGISTERED ? FIELD_AVS13 : FIELD_IDE))
            wf_err(ck, t->line, "%s: field \"%s\" is of type %s, not %s",
                   owner, g->field_name, g->field->type_name,
                   g->kind == WF_GUARD_AVS_REGISTERED ? "avs13" : "ide");
        break;
    default:
        break;
    }
}

static void
wf_check_effects(wf_ck_t *ck, wf_transition_t *t)
{
    size_t i, k;

    for (i = 0; i < t->n_effects; i++) {
        wf_effect_t *e = &t->effects[i];

        for (k = 0; k < e->n_args; k++) {
            const wf_arg_spec_t *s = wf_action_arg(e->action, e->args[k].name);

            if (s != NULL && s->kind == WF_ARG_FIELD)
                wf_need_field(ck, pool_printf(ck->p, "effect \"%s\"",
                              e->action), e->args[k].value, e->line);
        }
    }
}

static void
wf_check_attach(wf_ck_t *ck, wf_transition_t *t)
{
    size_t i, k;

    for (i = 0; i < t->n_attach; i++) {
        wf_attach_t *a = &t->attach[i];

        if (!wf_id_ok(a->name))
            wf_err(ck, a->line, "transition \"%s\": attachment name \"%s\" "
                   "must be lower case: a-z, 0-9, - and _", t->id, a->name);
        wf_check_not_reserved(ck, pool_printf(ck->p, "transition \"%s\": ",
                              t->id), "attachment", a->name, a->line);
        for (k = 0; k < i; k++)
            if (strcmp(t->attach[k].name, a->name) == 0)
                wf_err(ck, a->line, "transition \"%s\": attachment \"%s\" is "
                       "declared twice", t->id, a->name);
        wf_check_accept(ck, &a->rules, "attachment", a->name, a->line);
        if (a->label.n > 0)
            wf_need_fr(ck, &a->label, a->line, pool_printf(ck->p,
                       "attachment \"%s\"", a->name), "label");
        else
            wf_warn(ck, a->line, "transition \"%s\": attachment \"%s\" has no "
                    "label; add <attachment name=\"%s\"> with <label "
                    "xml:lang=\"fr\">", t->id, a->name, a->name);
    }
}

static void
wf_check_transition(wf_ck_t *ck, wf_transition_t *t)
{
    const char *owner = pool_printf(ck->p, "transition \"%s\"", t->id);
    size_t      k;

    wf_need_id(ck, "transition", t->id, t->line);
    for (k = 0; k < t->index; k++)
        if (strcmp(ck->def->transitions[k].id, t->id) == 0)
            wf_err(ck, t->line, "transition id \"%s\" is already used at line "
                   "%d", t->id, ck->def->transitions[k].line);
    for (k = 0; wf_reserved_transitions[k] != NULL; k++)
        if (strcmp(t->id, wf_reserved_transitions[k]) == 0)
            wf_err(ck, t->line, "transition id \"%s\" is reserved (the history "
                   "uses it for the engine's own events)", t->id);
    wf_need_fr(ck, &t->label, t->line, owner, "label");
    wf_check_from(ck, t);
    t->to = wf_need_state(ck, t, t->to_id);
    t->form = wf_resolve_form(ck, owner, t->form_id, t->page_ids, t->n_pages,
                              &t->pages, t->line);
    wf_check_actors(ck, t);
    wf_check_data_actors(ck, t);
    for (k = 0; k < t->n_guards; k++)
        wf_check_guard(ck, t, &t->guards[k]);
    wf_check_effects(ck, t);
    wf_check_attach(ck, t);
}

/* ------------------------------------------------------------------ */
/* notifications                                                       */
/* ------------------------------------------------------------------ */

/* The groups of kind k named in any transition's by=, NULL-terminated. */
static const char **
wf_groups(wf_ck_t *ck, wf_actor_kind_t k, size_t *n)
{
    size_t       cap = 1, i, j, m;
    const char **v;

    for (i = 0; i < ck->def->n_transitions; i++)
        cap += ck->def->transitions[i].n_by;
    v = pool_calloc(ck->p, cap * sizeof(char *));
    *n = 0;
    for (i = 0; i < ck->def->n_transitions; i++)
        for (j = 0; j < ck->def->transitions[i].n_by; j++) {
            const wf_actor_t *a = &ck->def->transitions[i].by[j];

            /* a group chosen by the data has no name to write here */
            if (a->kind != k || a->field_name != NULL)
                continue;
            for (m = 0; m < *n && strcmp(v[m], a->group) != 0; m++)
                ;
            if (m == *n)
                v[(*n)++] = a->group;
        }
    return v;
}

static const char *const wf_targets[] = {
    "owner", "actor", "referent", "members", "agents", "third-parties",
    "agent:GROUP", "third-party:GROUP", NULL
};

/* Adds a mail to t->mails unless that recipient already has one. */
static void
wf_mail_add(wf_transition_t *t, size_t cap, const char *to,
            const char *template, int line)
{
    size_t i;

    for (i = 0; i < t->n_mails; i++)
        if (strcmp(t->mails[i].to, to) == 0)
            return;
    if (t->n_mails >= cap)
        return;
    t->mails[t->n_mails].to = to;
    t->mails[t->n_mails].template = template;
    t->mails[t->n_mails++].line = line;
}

/* Expands one target ("agents" into agent:G for each group) and adds it. */
static void
wf_mail_target(wf_ck_t *ck, wf_transition_t *t, size_t cap, const char *to,
               const char *template, int line)
{
    size_t       n, i;
    const char **g;
    const char  *colon = strchr(to, ':');

    if (strcmp(to, "agents") == 0 || strcmp(to, "third-parties") == 0) {
        int agents = to[0] == 'a';

        g = wf_groups(ck, agents ? WF_BY_AGENT : WF_BY_THIRD_PARTY, &n);
        if (n == 0)
            wf_err(ck, line, "transition \"%s\": notify %s, but no transition "
                   "is by=\"%s:GROUP\"", t->id, to,
                   agents ? "agent" : "third-party");
        for (i = 0; i < n; i++)
            wf_mail_add(t, cap, pool_printf(ck->p, "%s:%s", agents
                        ? "agent" : "third-party", g[i]), template, line);
        return;
    }
    if ((colon != NULL && (strncmp(to, "agent:", 6) == 0
                           || strncmp(to, "third-party:", 12) == 0)
         && authz_group_ok(colon + 1, strlen(colon + 1)))
        || (colon == NULL && (strcmp(to, "owner") == 0
            || strcmp(to, "actor") == 0 || strcmp(to, "referent") == 0
            || strcmp(to, "members") == 0))) {
        wf_mail_add(t, cap, to, template, line);
        return;
    }
    wf_err(ck, line, "transition \"%s\": unknown recipient \"%s\"%s (owner, "
           "actor, referent, members, agents, third-parties, agent:GROUP, "
           "third-party:GROUP)", t->id, to, wf_dym(ck, to,
           wf_targets, 6));
}

/*
 * notify="owner agents" plus <mail to="..." template="..."/> become one
 * mail per recipient: a <mail> with to= sets that recipient's template
 * (and adds it if notify did not name it), a <mail> without to= sets the
 * template of the others, and "status-changed" is the default.
 */
static void
wf_resolve_mails(wf_ck_t *ck, wf_transition_t *t)
{
    const char *dflt = "status-changed";
    size_t      cap, i, k, n_groups_a, n_groups_t;

    wf_groups(ck, WF_BY_AGENT, &n_groups_a);
    wf_groups(ck, WF_BY_THIRD_PARTY, &n_groups_t);
    cap = (t->n_notify + t->n_mail_decl) * (n_groups_a + n_groups_t + 1) + 1;
    t->mails = pool_calloc(ck->p, cap * sizeof(*t->mails));
    for (i = 0; i < t->n_mail_decl; i++)
        if (t->mail_decl[i].to == NULL) {
            if (t->n_notify == 0)
                wf_err(ck, t->mail_decl[i].line, "transition \"%s\": <mail> "
                       "without to= needs notify= on the transition", t->id);
            dflt = t->mail_decl[i].template;
        }
    for (i = 0; i < t->n_mail_decl; i++)
        if (t->mail_decl[i].to != NULL)
            wf_mail_target(ck, t, cap, t->mail_decl[i].to,
                           t->mail_decl[i].template, t->mail_decl[i].line);
    for (i = 0; i < t->n_notify; i++) {
        for (k = 0; k < i; k++)
            if (strcmp(t->notify[k], t->notify[i]) == 0)
                wf_err(ck, t->line, "transition \"%s\": notify names \"%s\" "
                       "twice", t->id, t->notify[i]);
        wf_mail_target(ck, t, cap, t->notify[i], dflt, t->line);
    }
}

static void
wf_check_transitions(wf_ck_t *ck)
{
    size_t i;

    for (i = 0; i < ck->def->n_transitions; i++)
        wf_check_transition(ck, &ck->def->transitions[i]);
    for (i = 0; i < ck->def->n_transitions; i++)
        wf_resolve_mails(ck, &ck->def->transitions[i]);
}

/* ------------------------------------------------------------------ */
/* timers                                                              */
/* ------------------------------------------------------------------ */

static void
wf_check_timer_fire(wf_ck_t *ck, wf_timer_t *tm)
{
    tm->fire = wf_transition_find(ck->def, tm->fire_id);
    if (tm->fire == NULL) {
        wf_err(ck, tm->line, "timer in \"%s\": transition \"%s\" does not "
               "exist%s", tm->in_id, tm->fire_id, wf_dym(ck, tm->fire_id,
               wf_transition_ids(ck), ck->def->n_transitions));
        return;
    }
    tm->fire->timer_fired = 1;
    if (tm->in != NULL && !wf_transition_leaves(tm->fire, tm->in))
        wf_err(ck, tm->line, "timer in \"%s\" fires \"%s\", which does not "
               "leave \"%s\" (its from= is \"%s\")", tm->in_id, tm->fire_id,
               tm->in_id, tm->fire->n_from > 0 ? tm->fire->from_ids[0] : "");
    if (!wf_by_has(tm->fire, WF_BY_SYSTEM))
        wf_err(ck, tm->line, "timer in \"%s\" fires \"%s\", which is not "
               "by=\"system\"", tm->in_id, tm->fire_id);
}

static void
wf_check_timer(wf_ck_t *ck, wf_timer_t *tm, size_t index)
{
    size_t k;

    if (tm->in_id == NULL)
        return;
    tm->in = wf_state_find(ck->def, tm->in_id);
    if (tm->in == NULL)
        wf_err(ck, tm->line, "timer: state \"%s\" does not exist%s",
               tm->in_id, wf_dym(ck, tm->in_id, wf_state_ids(ck),
                                 ck->def->n_states));
    else if (tm->in->final)
        wf_err(ck, tm->line, "timer in \"%s\": the state is final, so the "
               "timer could never fire", tm->in_id);
    if (tm->purge && tm->in != NULL && tm->in->bucket != WF_BUCKET_DRAFT)
        wf_err(ck, tm->line, "timer in \"%s\": only a draft can be purged "
               "(the state's bucket is %s)", tm->in_id,
               wf_bucket_name(tm->in->bucket));
    if (tm->fire_id != NULL)
        wf_check_timer_fire(ck, tm);
    for (k = 0; k < index; k++) {
        const wf_timer_t *o = &ck->def->timers[k];

        if (o->in_id == NULL || strcmp(o->in_id, tm->in_id) != 0)
            continue;
        if (o->purge && tm->purge)
            wf_err(ck, tm->line, "state \"%s\" has two purge timers (expires= "
                   "and <timer purge=\"yes\"> are the same thing)", tm->in_id);
        else if (strcmp(o->id, tm->id) == 0)
            wf_err(ck, tm->line, "state \"%s\" has two timers called \"%s\" "
                   "(give them id=)", tm->in_id, tm->id);
    }
}

/* ------------------------------------------------------------------ */
/* per-item decisions                                                  */
/* ------------------------------------------------------------------ */

/* over names a repeating group of a form's page (wf_group.h), and the
 * by="third-party:@KEY" key one of its items' fields. */
static void
wf_check_decide_over(wf_ck_t *ck, wf_decide_t *dc)
{
    const wf_group_t *g = NULL;
    size_t            f, i, k, n = 0;
    const char      **names, **keys;

    for (f = 0; f < ck->def->n_forms; f++)
        for (i = 0; i < ck->def->forms[f].n_pages; i++)
            n += ck->def->forms[f].pages[i].n_groups;
    names = pool_calloc(ck->p, (n + 1) * sizeof(char *));
    n = 0;
    for (f = 0; f < ck->def->n_forms; f++)
        for (i = 0; i < ck->def->forms[f].n_pages; i++)
            for (k = 0; k < ck->def->forms[f].pages[i].n_groups; k++) {
                const wf_group_t *gg = &ck->def->forms[f].pages[i].groups[k];

                names[n++] = gg->name;
                if (g == NULL && strcmp(gg->name, dc->over) == 0)
                    g = gg;
            }
    if (g == NULL) {
        wf_err(ck, dc->line, "decide \"%s\": over=\"%s\" names no repeating group "
               "of the forms%s", dc->id, dc->over, wf_dym(ck, dc->over, names, n));
        return;
    }
    if (dc->key == NULL)
        return;
    keys = pool_calloc(ck->p, (g->n_fields + 1) * sizeof(char *));
    for (k = 0; k < g->n_fields; k++) {
        keys[k] = g->fields[k].name;
        if (strcmp(g->fields[k].name, dc->key) == 0)
            return;
    }
    wf_err(ck, dc->line, "decide \"%s\": by=\"%s\": group \"%s\" has no field "
           "\"%s\"%s", dc->id, dc->by_text, g->name, dc->key,
           wf_dym(ck, dc->key, keys, g->n_fields));
}

static void
wf_check_decide_then(wf_ck_t *ck, wf_decide_t *dc)
{
    wf_transition_t *t = wf_transition_find(ck->def, dc->then_id);

    dc->then = t;
    if (t == NULL) {
        wf_err(ck, dc->line, "decide \"%s\": then=\"%s\": no such transition%s",
               dc->id, dc->then_id, wf_dym(ck, dc->then_id, wf_transition_ids(ck),
                                          ck->def->n_transitions));
        return;
    }
    t->decide_fired = 1;
    if (t->n_by != 1 || t->by[0].kind != WF_BY_SYSTEM)
        wf_err(ck, dc->line, "decide \"%s\": then=\"%s\" must be by=\"system\" "
               "only: it fires by itself once every item has a final answer",
               dc->id, t->id);
    if (dc->in != NULL && !wf_transition_leaves(t, dc->in))
        wf_err(ck, dc->line, "decide \"%s\": then=\"%s\" does not leave \"%s\"",
               dc->id, t->id, dc->in->id);
    if (t->form_id != NULL || t->n_guards > 0)
        wf_err(ck, dc->line, "decide \"%s\": then=\"%s\" cannot have a form or "
               "guards: nobody fills a form when the last answer arrives",
               dc->id, t->id);
}

static void
wf_check_decide(wf_ck_t *ck, wf_decide_t *dc, size_t index)
{
    size_t k;
    int    finals = 0;

    wf_need_id(ck, "decide", dc->id, dc->line);
    wf_need_fr(ck, &dc->label, dc->line,
               pool_printf(ck->p, "decide \"%s\"", dc->id), "label");
    if (wf_transition_find(ck->def, dc->id) != NULL)
        wf_err(ck, dc->line, "decide \"%s\": a transition has that id too (the "
               "history names each answer by it)", dc->id);
    for (k = 0; k < index; k++)
        if (strcmp(ck->def->decides[k].id, dc->id) == 0)
            wf_err(ck, dc->line, "decide \"%s\" is declared twice", dc->id);
    if (dc->in_id != NULL) {
        dc->in = wf_state_find(ck->def, dc->in_id);
        if (dc->in == NULL)
            wf_err(ck, dc->line, "decide \"%s\": state \"%s\" does not exist%s",
                   dc->id, dc->in_id, wf_dym(ck, dc->in_id, wf_state_ids(ck),
                                              ck->def->n_states));
        else if (dc->in->final)
            wf_err(ck, dc->line, "decide \"%s\": state \"%s\" is final", dc->id,
                   dc->in_id);
        else if (dc->in->bucket == WF_BUCKET_DRAFT)
            wf_err(ck, dc->line, "decide \"%s\": state \"%s\" is a draft: "
                   "third parties never see drafts", dc->id, dc->in_id);
        for (k = 0; dc->in != NULL && k < index; k++)
            if (ck->def->decides[k].in == dc->in)
                wf_err(ck, dc->line, "decide \"%s\": state \"%s\" already has "
                       "a decision (\"%s\")", dc->id, dc->in_id,
                       ck->def->decides[k].id);
    }
    if (dc->over != NULL)
        wf_check_decide_over(ck, dc);
    for (k = 0; k < dc->n_outcomes; k++) {
        size_t j;

        finals += wf_outcome_final(dc->outcomes[k]) == 1;
        for (j = 0; j < k; j++)
            if (strcmp(dc->outcomes[j], dc->outcomes[k]) == 0)
                wf_err(ck, dc->line, "decide \"%s\": outcome \"%s\" is listed "
                       "twice", dc->id, dc->outcomes[k]);
    }
    if (dc->n_outcomes > 0 && finals == 0)
        wf_err(ck, dc->line, "decide \"%s\": outcomes=\"%s\" has no final "
               "outcome (valid or refused), so the items would never be done",
               dc->id, dc->outcomes[0]);
    if (dc->then_id != NULL)
        wf_check_decide_then(ck, dc);
}

/* ------------------------------------------------------------------ */
/* the graph                                                           */
/* ------------------------------------------------------------------ */

static void
wf_link(wf_ck_t *ck)
{
    wf_def_t *d = ck->def;
    size_t    i, k;

    for (i = 0; i < d->n_states; i++) {
        wf_state_t *s = &d->states[i];

        s->out = pool_calloc(ck->p, (d->n_transitions + 1) * sizeof(*s->out));
        s->timers = pool_calloc(ck->p, (d->n_timers + 1) * sizeof(*s->timers));
        for (k = 0; k < d->n_transitions; k++)
            if (wf_transition_leaves(&d->transitions[k], s))
                s->out[s->n_out++] = &d->transitions[k];
        for (k = 0; k < d->n_timers; k++)
            if (d->timers[k].in == s)
                s->timers[s->n_timers++] = &d->timers[k];
    }
}

/* Marks in seen[] every state reachable from s. */
static void
wf_reach(const wf_def_t *d, const wf_state_t *s, unsigned char *seen)
{
    size_t i;

    if (s == NULL || seen[s->index])
        return;
    seen[s->index] = 1;
    for (i = 0; i < s->n_out; i++)
        wf_reach(d, s->out[i]->to, seen);
}

/* Whether some final state can be reached from s. */
static int
wf_can_end(const wf_def_t *d, const wf_state_t *s, unsigned char *seen)
{
    size_t i;

    if (s == NULL || seen[s->index])
        return 0;
    seen[s->index] = 1;
    if (s->final)
        return 1;
    for (i = 0; i < s->n_out; i++)
        if (wf_can_end(d, s->out[i]->to, seen))
            return 1;
    return 0;
}

static void
wf_check_graph_state(wf_ck_t *ck, const wf_state_t *s,
                     const unsigned char *reached, int finals)
{
    unsigned char *seen;
    size_t         k;

    if (wf_state_find(ck->def, s->id) != s)
        return;                 /* a duplicate id: reported as such */
    if (ck->def->initial != NULL && !reached[s->index]) {
        wf_err(ck, s->line, "state \"%s\" is unreachable: no transition from "
               "the initial state \"%s\" leads to it", s->id,
               ck->def->initial->id);
        return;
    }
    if (s->final)
        return;
    for (k = 0; k < s->n_timers && !s->timers[k]->purge; k++)
        ;
    if (s->n_out == 0 && k == s->n_timers)
        wf_err(ck, s->line, "state \"%s\" is a dead end: nothing leaves it "
               "and it is not final=\"yes\"", s->id);
    else if (s->n_out > 0 && finals > 0 && ck->d->errors == ck->errors0) {
        seen = pool_calloc(ck->p, ck->def->n_states + 1);
        if (!wf_can_end(ck->def, s, seen))
            wf_warn(ck, s->line, "state \"%s\": no final state can be "
                    "reached from it", s->id);
    }
}

static void
wf_check_system(wf_ck_t *ck, const wf_transition_t *t)
{
    size_t i;

    if (t->timer_fired || t->decide_fired || !wf_by_has(t, WF_BY_SYSTEM)
        || t->n_by > 1)
        return;
    for (i = 0; i < t->n_from_states; i++)
        if (t->from[i]->bucket == WF_BUCKET_DRAFT) {
            wf_err(ck, t->line, "transition \"%s\" is by=\"system\" from the "
                   "draft \"%s\", but no timer fires it: only a timer may move "
                   "a draft on its owner's behalf", t->id, t->from[i]->id);
            return;
        }
    wf_warn(ck, t->line, "transition \"%s\" is by=\"system\" but no timer "
            "fires it (only an external trigger can)", t->id);
}

/*
 * A state without progress= keeps the progress the demand had: the
 * largest progress of the states leading to it (0 for the initial state,
 * 100 for a final one), so the runtime always has a value from 0 to 100.
 */
static void
wf_fill_progress(wf_ck_t *ck)
{
    wf_def_t      *d = ck->def;
    unsigned char *given = pool_calloc(ck->p, d->n_states + 1);
    size_t         i, k, round;

    for (i = 0; i < d->n_states; i++) {
        wf_state_t *s = &d->states[i];

        given[i] = s->progress >= 0;
        if (!given[i] && (s->final || s == d->initial)) {
            s->progress = s->final ? 100 : 0;
            given[i] = 1;
        }
    }
    for (round = 0; round < d->n_states; round++)
        for (i = 0; i < d->n_transitions; i++) {
            wf_transition_t *t = &d->transitions[i];

            for (k = 0; t->to != NULL && !given[t->to->index]
                        && k < t->n_from_states; k++)
                if (t->from[k]->progress > t->to->progress)
                    t->to->progress = t->from[k]->progress;
        }
    for (i = 0; i < d->n_states; i++)
        if (d->states[i].progress < 0)
            d->states[i].progress = 0;
}

static void
wf_check_graph(wf_ck_t *ck)
{
    wf_def_t      *d = ck->def;
    unsigned char *reached = pool_calloc(ck->p, d->n_states + 1);
    size_t         i;
    int            finals = 0;

    wf_reach(d, d->initial, reached);
    for (i = 0; i < d->n_states; i++)
        finals += d->states[i].final;
    for (i = 0; i < d->n_states; i++)
        wf_check_graph_state(ck, &d->states[i], reached, finals);
    for (i = 0; i < d->n_transitions; i++)
        wf_check_system(ck, &d->transitions[i]);
}

/* ------------------------------------------------------------------ */
/* entry point                                                         */
/* ------------------------------------------------------------------ */

int
wf_check_def(pool_t *p, wf_def_t *def, wf_diag_t *d)
{
    wf_ck_t ck = { p, d, def, def->source, d->errors };
    size_t  i;

    wf_check_head(&ck);
    wf_check_forms(&ck);
    wf_check_states(&ck);
    wf_check_transitions(&ck);
    for (i = 0; i < def->n_timers; i++)
        wf_check_timer(&ck, &def->timers[i], i);
    for (i = 0; i < def->n_decides; i++)
        wf_check_decide(&ck, &def->decides[i], i);
    wf_link(&ck);
    wf_fill_progress(&ck);
    wf_check_graph(&ck);
    return d->errors > ck.errors0 ? EN_BADINPUT : EN_OK;
}
