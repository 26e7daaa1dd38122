/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * demand_view.c -- page-building helpers shared by the demand pages (see
 * demand_view.h).
 *
 * Owns: how a field of a workflow form becomes the <field> element the
 * stylesheets (xslt/form.xsl) turn into a labelled, described input; the
 * labels of stored choices and yes/no (how money, dates and identifiers
 * are written back is field_display's, engine/field_display.c); which value a shown-when condition
 * looks at on a page (what was posted, normalised, else what is stored;
 * the matching itself is engine/wf_cond.c's, the runtime's own); and the
 * one batched authz_may() call a page makes to know which buttons to
 * show.  Does not write anything, and decides no access: actions are
 * checked again where they happen.
 */
#include "demand_view.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "demand_group.h"
#include "field.h"
#include "i18n.h"
#include "log.h"
#include "pool_json.h"
#include "render.h"
#include "session.h"
#include "wf_cond.h"
#include "wf_group.h"
#include "wf_store.h"

/* --- small things --------------------------------------------------------- */

const char *
dv_text(req_t *r, const wf_i18n_t *t)
{
    const char *s = wf_i18n_get(t, r->lang ? r->lang : "fr");

    return s != NULL ? s : "";
}

const char *
dv_jstr(json_t *o, const char *k, const char *dflt)
{
    json_t *v = json_object_get(o, k);

    return json_is_string(v) ? json_string_value(v) : dflt;
}

long long
dv_jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    if (json_is_integer(v))
        return (long long) json_integer_value(v);
    if (json_is_string(v))
        return atoll(json_string_value(v));
    return 0;
}

/* --- values ------------------------------------------------------------------ */

const char *
dv_posted(req_t *r, const kv_t *form, const wf_field_t *f)
{
    const kv_t *kv;
    buf_t       b;
    int         found = 0;

    buf_init(&b, r->pool);
    buf_add(&b, "", 0);
    for (kv = form; kv != NULL; kv = kv->next) {
        if (strcmp(kv->name, f->name) != 0)
            continue;
        if (!f->rules.multiple)
            return kv->value;
        if (*kv->value == '\0')
            continue;
        if (found)
            buf_putc(&b, '\n');
        buf_puts(&b, kv->value);
        found = 1;
    }
    return found ? b.data : NULL;
}

const char *
dv_input_value(pool_t *p, const wf_field_t *f, const char *stored)
{
    if (stored == NULL || f->type < 0)
        return stored;
    return field_display(p, (field_type_t) f->type, stored, FIELD_SHOW_INPUT);
}

static const char *
option_label(req_t *r, const wf_field_t *f, const char *value, size_t n)
{
    size_t i;

    for (i = 0; i < f->n_options; i++)
        if (strlen(f->options[i].value) == n && !strncmp(f->options[i].value, value, n))
            return dv_text(r, &f->options[i].label)[0] ? dv_text(r, &f->options[i].label)
                                                      : f->options[i].value;
    return pool_strndup(r->pool, value, n);
}

const char *
dv_display_value(req_t *r, const wf_field_t *f, const char *stored)
{
    const char *lang = r->lang ? r->lang : "fr";

    if (stored == NULL)
        return NULL;
    switch (f->type) {
    case FIELD_YESNO:
        return !strcmp(stored, "yes") ? i18n_get(lang, "demand.yes")
               : !strcmp(stored, "no") ? i18n_get(lang, "demand.no") : stored;
    case FIELD_CHOICE: {
        buf_t       b;
        const char *line = stored, *nl;

        buf_init(&b, r->pool);
        buf_add(&b, "", 0);
        while (*line) {
            size_t n;

            nl = strchr(line, '\n');
            n = nl ? (size_t) (nl - line) : strlen(line);
            if (n > 0) {
                if (b.len > 0)
                    buf_puts(&b, ", ");
                buf_puts(&b, option_label(r, f, line, n));
            }
            if (nl == NULL)
                break;
            line = nl + 1;
        }
        return b.data;
    }
    default:
        /* money, dates, phone numbers, IBANs...: the field module's */
        return f->type < 0 ? stored
               : field_display(r->pool, (field_type_t) f->type, stored, FIELD_SHOW_TEXT);
    }
}

int
dv_stored_document(const wf_demand_t *d, const char *name, const char **doc_id,
                   const char **filename, long long *size)
{
    json_t *v = d != NULL && d->form_json ? json_object_get((json_t *) d->form_json, name)
                                          : NULL;

    if (!json_is_object(v) || !json_is_string(json_object_get(v, "document")))
        return 0;
    if (doc_id)
        *doc_id = json_string_value(json_object_get(v, "document"));
    if (filename)
        *filename = dv_jstr(v, "filename", "");
    if (size)
        *size = dv_jint(v, "size");
    return 1;
}

static const wf_field_t *
form_field(const wf_form_t *form, const char *name)
{
    return form != NULL ? wf_field_find(form, name) : NULL;
}

int
dv_cond_holds(req_t *r, const wf_cond_t *c, const wf_demand_t *d, const kv_t *posted)
{
    const char *v = NULL;

    if (c == NULL || c->text == NULL || c->field_name == NULL)
        return 1;
    /* what was posted, normalised as the engine does (wf_input.c), else
     * what is stored; the match itself is wf_cond.c's, the engine's */
    if (c->field != NULL && posted != NULL && (v = dv_posted(r, posted, c->field)) != NULL)
        v = wf_cond_normal(r->pool, c->field, v);
    if (v == NULL)
        v = wf_demand_field(r->pool, d, c->field_name);
    return wf_cond_match(c, v);
}

int
dv_page_shown(req_t *r, const wf_page_t *pg, const wf_demand_t *d)
{
    return dv_cond_holds(r, &pg->shown_when, d, NULL);
}

wf_page_t **
dv_edit_pages(req_t *r, const wf_state_t *s, const wf_demand_t *d, size_t *n)
{
    wf_page_t **out;
    size_t      i, total;

    *n = 0;
    if (s == NULL || s->form == NULL)
        return NULL;
    total = s->n_pages > 0 ? s->n_pages : s->form->n_pages;
    out = pool_calloc(r->pool, sizeof(*out) * (total + 1));
    for (i = 0; i < total; i++) {
        wf_page_t *pg = s->n_pages > 0 ? s->pages[i] : &s->form->pages[i];

        if (pg != NULL && dv_page_shown(r, pg, d))
            out[(*n)++] = pg;
    }
    return out;
}

const wf_page_t *
dv_field_page(const wf_form_t *form, const char *name)
{
    const wf_field_t *f = form_field(form, name), *gf;
    const wf_group_t *g;
    size_t            i;
    int               item, outer;

    if (f != NULL)
        return f->page;
    /* a repeating group or one of its items' fields: "communes.1.ofs" */
    for (i = 0; form != NULL && i < form->n_pages; i++)
        if (wf_group_path(&form->pages[i], name, &gf, &g, &item, &outer) == 0)
            return &form->pages[i];
    return NULL;
}

const wf_field_error_t *
dv_error_for(const wf_field_error_t *errs, int n, const char *name)
{
    int i;

    for (i = 0; i < n; i++)
        if (errs[i].field != NULL && !strcmp(errs[i].field, name))
            return &errs[i];
    return NULL;
}

const char *
dv_error_arg(req_t *r, const wf_form_t *form, const wf_field_error_t *err)
{
    const wf_field_t *o;

    if (err->arg == NULL || err->key == NULL || strncmp(err->key, "wf.rule.", 8) != 0)
        return err->arg;
    o = wf_field_find(form, err->arg);
    return o != NULL && o->label.n > 0 ? dv_text(r, &o->label) : err->arg;
}

/* --- page XML ------------------------------------------------------------------ */

static const char *
input_kind(const wf_field_t *f)
{
    switch (f->type) {
    case FIELD_MULTILINE: return "textarea";
    case FIELD_EMAIL: return "email";
    case FIELD_PHONE: return "tel";
    case FIELD_CHOICE:
        if (f->rules.multiple)
            return "checkbox";
        return f->n_options > 4 ? "select" : "radio";
    case FIELD_YESNO: return "radio";
    case FIELD_FILE: return "file";
    default: return "text";
    }
}

static const char *
inputmode(const wf_field_t *f)
{
    switch (f->type) {
    case FIELD_NPA: case FIELD_OFS: case FIELD_NUMBER: case FIELD_AVS13:
        return "numeric";
    case FIELD_MONEY:
        return "decimal";
    default:
        return NULL;
    }
}

static const char *
autocomplete(const wf_field_t *f)
{
    if (f->prefill != NULL) {
        if (!strcmp(f->prefill, "person.name"))
            return "name";
        if (!strcmp(f->prefill, "person.email"))
            return "email";
        if (!strcmp(f->prefill, "person.phone"))
            return "tel";
        if (!strcmp(f->prefill, "entity.name"))
            return "organization";
    }
    if (f->type == FIELD_EMAIL)
        return "email";
    if (f->type == FIELD_PHONE)
        return "tel";
    if (f->type == FIELD_IBAN || f->type == FIELD_AVS13)
        return "off";
    return NULL;
}

/* A hint on the expected form, as a catalogue key. */
static const char *
format_hint(const wf_field_t *f)
{
    switch (f->type) {
    case FIELD_DATE: return "demand.hint.date";
    case FIELD_MONEY: return "demand.hint.money";
    case FIELD_IBAN: return "demand.hint.iban";
    case FIELD_PHONE: return "demand.hint.phone";
    case FIELD_AVS13: return "demand.hint.avs13";
    case FIELD_IDE: return "demand.hint.ide";
    case FIELD_NPA: return "demand.hint.npa";
    case FIELD_EMAIL: return "demand.hint.email";
    default: return NULL;
    }
}

static const char *
mime_short(const char *m)
{
    if (!strcmp(m, "application/pdf"))
        return "PDF";
    if (!strcmp(m, "image/png"))
        return "PNG";
    if (!strcmp(m, "image/jpeg"))
        return "JPEG";
    return m;
}

static void
file_rules_attrs(req_t *r, xmlNodePtr node, const field_rules_t *rules)
{
    buf_t  b;
    size_t i, max = rules->max_size ? rules->max_size : 10u * 1024 * 1024;

    buf_init(&b, r->pool);
    buf_add(&b, "", 0);
    if (rules->accept == NULL || rules->accept[0] == NULL) {
        buf_puts(&b, "PDF");
        render_attr(node, "accept", "application/pdf,.pdf");
    } else {
        buf_t a;

        buf_init(&a, r->pool);
        buf_add(&a, "", 0);
        for (i = 0; rules->accept[i] != NULL; i++) {
            buf_printf(&b, "%s%s", i ? ", " : "", mime_short(rules->accept[i]));
            buf_printf(&a, "%s%s", i ? "," : "", rules->accept[i]);
        }
        render_attr(node, "accept", a.data);
    }
    render_attr(node, "accept-names", b.data);
    render_attr(node, "max-size-mb", pool_printf(r->pool, "%zu", (max + 512 * 1024) / (1024 * 1024)));
}

/* The condition that shows a field, as names a reader understands. */
static void
condition_node(req_t *r, xmlNodePtr node, const wf_cond_t *c)
{
    xmlNodePtr e;
    size_t     i;

    if (c->text == NULL || c->field == NULL)
        return;
    e = render_node(node, "condition");
    render_attr(e, "field", dv_text(r, &c->field->label)[0] ? dv_text(r, &c->field->label)
                                                            : c->field->name);
    if (c->negate)
        render_attr(e, "negate", "yes");
    for (i = 0; i < c->n_values; i++)
        render_attr(render_node(e, "value"), "label",
                    c->field->type == FIELD_CHOICE || c->field->type == FIELD_YESNO
                    ? dv_display_value(r, c->field, c->values[i]) : c->values[i]);
}

xmlNodePtr
dv_field(req_t *r, xmlNodePtr parent, const wf_field_t *f, const char *id_prefix,
         const char *value, const wf_field_error_t *err, const wf_demand_t *d)
{
    xmlNodePtr  node = render_node(parent, "field"), o;
    const char *id = pool_printf(r->pool, "%s%s", id_prefix ? id_prefix : "f-", f->name);
    const char *label = dv_text(r, &f->label), *help = dv_text(r, &f->help);
    const char *hint, *im, *ac, *doc_id = NULL, *fname = NULL;
    long long   size = 0;
    size_t      i;

    render_attr(node, "name", f->name);
    render_attr(node, "id", id);
    render_attr(node, "type", f->type_name ? f->type_name : "text");
    render_attr(node, "input", input_kind(f));
    render_attr(node, "label", *label ? label : f->name);
    if (*help)
        render_attr(node, "help", help);
    if ((hint = format_hint(f)) != NULL)
        render_attr(node, "hint", hint);
    if ((im = inputmode(f)) != NULL)
        render_attr(node, "inputmode", im);
    if ((ac = autocomplete(f)) != NULL)
        render_attr(node, "autocomplete", ac);
    if (f->rules.required)
        render_attr(node, "required", "yes");
    else if (f->required_when.text != NULL)
        render_attr(node, "required", "when");
    if (f->type == FIELD_FILE)
        file_rules_attrs(r, node, &f->rules);
    if (value != NULL && f->type != FIELD_FILE)
        render_attr(node, "value", value);
    if (err != NULL) {
        render_attr(node, "error", err->key ? err->key : "field.invalid");
        if (err->arg != NULL)
            render_attr(node, "error-arg", dv_error_arg(r, f->page ? f->page->form : NULL, err));
    }
    /* a condition on another field of the same page: said next to it, as
     * no script hides the field (one on another page hides it outright) */
    if (f->shown_when.text != NULL && f->shown_when.field != NULL
        && f->shown_when.field->page == f->page)
        condition_node(r, node, &f->shown_when);
    if (f->type == FIELD_CHOICE) {
        for (i = 0; i < f->n_options; i++) {
            const char *v = f->options[i].value, *l = dv_text(r, &f->options[i].label);
            const char *line, *nl;
            int         sel = 0;

            o = render_node(node, "option");
            render_attr(o, "value", v);
            render_attr(o, "label", *l ? l : v);
            for (line = value; line != NULL && !sel; line = nl ? nl + 1 : NULL) {
                nl = strchr(line, '\n');
                if ((nl ? (size_t) (nl - line) : strlen(line)) == strlen(v)
                    && !strncmp(line, v, strlen(v)))
                    sel = 1;
            }
            if (sel)
                render_attr(o, "selected", "yes");
        }
    } else if (f->type == FIELD_YESNO) {
        field_rules_t  rules = f->rules;
        field_result_t res;
        const char    *norm = NULL;

        rules.required = 0;
        if (value != NULL) {
            res = field_validate(r->pool, FIELD_YESNO, &rules, value);
            norm = res.key == NULL ? res.value : NULL;
        }
        o = render_node(node, "option");
        render_attr(o, "value", "yes");
        render_attr(o, "label", i18n_get(r->lang, "demand.yes"));
        if (norm != NULL && !strcmp(norm, "yes"))
            render_attr(o, "selected", "yes");
        o = render_node(node, "option");
        render_attr(o, "value", "no");
        render_attr(o, "label", i18n_get(r->lang, "demand.no"));
        if (norm != NULL && !strcmp(norm, "no"))
            render_attr(o, "selected", "yes");
    }
    if (f->type == FIELD_FILE && dv_stored_document(d, f->name, &doc_id, &fname, &size)) {
        o = render_node(node, "document");
        render_attr(o, "id", doc_id);
        render_attr(o, "filename", fname);
        render_attr(o, "size-kb", pool_printf(r->pool, "%lld", (size + 1023) / 1024));
    }
    return node;
}

xmlNodePtr
dv_errors(req_t *r, xmlNodePtr parent, const wf_field_error_t *errs, int n,
          const char *(*label_of)(req_t *r, const char *field, void *arg),
          dv_href_fn href_of, void *arg)
{
    xmlNodePtr list = render_node(parent, "errors");
    int        i, j, shown = 0;

    for (i = 0; i < n; i++) {
        xmlNodePtr  e;
        const char *href, *label;
        int         dup = 0;

        for (j = 0; j < i; j++)
            if (errs[j].field && errs[i].field && !strcmp(errs[j].field, errs[i].field))
                dup = 1;
        if (dup)
            continue;
        e = render_node(list, "error");
        render_attr(e, "field", errs[i].field ? errs[i].field : "");
        render_attr(e, "key", errs[i].key ? errs[i].key : "field.invalid");
        if (errs[i].arg != NULL) {
            /* a rule across fields names the other field: its label */
            const char *a = NULL;

            if (errs[i].key != NULL && !strncmp(errs[i].key, "wf.rule.", 8) && label_of != NULL)
                a = label_of(r, errs[i].arg, arg);
            render_attr(e, "arg", a != NULL ? a : errs[i].arg);
        }
        label = label_of != NULL ? label_of(r, errs[i].field, arg) : NULL;
        render_attr(e, "label", label != NULL ? label : errs[i].field);
        href = href_of != NULL ? href_of(r, errs[i].field, arg) : NULL;
        render_attr(e, "href", href != NULL ? href
                               : pool_printf(r->pool, "#f-%s", errs[i].field));
        shown++;
    }
    render_attr(list, "count", pool_printf(r->pool, "%d", shown));
    return list;
}

void
dv_state_attrs(req_t *r, xmlNodePtr node, const wf_def_t *def, const char *state_id)
{
    const wf_state_t *s = def != NULL ? wf_state_find(def, state_id) : NULL;

    render_attr(node, "state", state_id);
    if (s == NULL) {
        render_attr(node, "state-label", state_id);
        return;
    }
    render_attr(node, "state-label", dv_text(r, &s->label)[0] ? dv_text(r, &s->label) : s->id);
    if (s->description.n > 0)
        render_text(node, "state-description", dv_text(r, &s->description));
    if (s->final)
        render_attr(node, "final", "yes");
}

xmlNodePtr
dv_demand_summary(req_t *r, xmlNodePtr parent, json_t *row)
{
    static const char *const copied[] = {
        "id", "reference", "bucket", "updated", "updated_iso", "created", "submitted",
        "since", "since_iso", "applicant", "applicant_kind", NULL
    };
    xmlNodePtr      node = render_node(parent, "demand");
    const char     *key = dv_jstr(row, "workflow", "");
    int             version = (int) dv_jint(row, "version");
    const wf_def_t *def;
    en_err_t        err;
    size_t          i;

    en_clear(&err);
    def = wf_store_get(&err, key, version);
    if (def == NULL)
        log_event(LOG_WARN, "definition does not load for a list", "workflow", key,
                  "error", err.msg, "request_id", r->request_id ? r->request_id : "", NULL);
    for (i = 0; copied[i] != NULL; i++) {
        const char *v = dv_jstr(row, copied[i], NULL);
        char        name[32];
        size_t      k;

        if (v == NULL)
            continue;
        snprintf(name, sizeof(name), "%s", copied[i]);
        for (k = 0; name[k]; k++)
            if (name[k] == '_')
                name[k] = '-';
        render_attr(node, name, v);
    }
    render_attr(node, "workflow", key);
    render_attr(node, "title", def != NULL && def->title.n > 0 ? dv_text(r, &def->title) : key);
    render_attr(node, "progress", pool_printf(r->pool, "%lld", dv_jint(row, "progress")));
    if (json_is_true(json_object_get(row, "counter")))     /* filed at the counter (0036) */
        render_attr(node, "counter", "yes");
    dv_state_attrs(r, node, def, dv_jstr(row, "state", ""));
    return node;
}

xmlNodePtr
dv_data_item(req_t *r, xmlNodePtr page, const wf_field_t *f, const wf_demand_t *d)
{
    const char *v, *doc = NULL, *fname = NULL;
    long long   size = 0;
    xmlNodePtr  it;

    if (!dv_cond_holds(r, &f->shown_when, d, NULL))
        return NULL;
    it = render_node(page, "item");
    render_attr(it, "name", f->name);
    render_attr(it, "id", pool_printf(r->pool, "f-%s", f->name));
    render_attr(it, "label", f->label.n ? dv_text(r, &f->label) : f->name);
    render_attr(it, "type", f->type_name ? f->type_name : "text");
    if (f->type == FIELD_FILE) {
        if (dv_stored_document(d, f->name, &doc, &fname, &size)) {
            render_attr(it, "document", doc);
            render_attr(it, "value", fname);
            render_attr(it, "size-kb", pool_printf(r->pool, "%lld", (size + 1023) / 1024));
        }
    } else if ((v = wf_demand_field(r->pool, d, f->name)) != NULL && *v) {
        render_attr(it, "value", dv_display_value(r, f, v));
    }
    return it;
}

xmlNodePtr
dv_form_data(req_t *r, xmlNodePtr parent, const wf_form_t *form, wf_page_t *const *pages,
             size_t np, const wf_demand_t *d)
{
    xmlNodePtr data = render_node(parent, "data"), fn = render_node(data, "form");
    size_t     i, k, gi;

    render_attr(fn, "id", form->id);
    render_attr(fn, "title", form->title.n ? dv_text(r, &form->title) : "");
    for (i = 0; i < np; i++) {
        const wf_page_t *pg = pages[i];
        xmlNodePtr       pn = render_node(fn, "page");

        render_attr(pn, "id", pg->id);
        render_attr(pn, "title", pg->title.n ? dv_text(r, &pg->title) : pg->id);
        render_attr(pn, "edit-href", pool_printf(r->pool, "/demands/%s/page/%s", d->id, pg->id));
        for (k = 0, gi = 0; k <= pg->n_fields; k++) {
            for (; gi < pg->n_groups && pg->groups[gi].pos == k; gi++)
                dv_group_data(r, pn, &pg->groups[gi], d->form_json
                              ? json_object_get(d->form_json, pg->groups[gi].name) : NULL,
                              pg->groups[gi].name);
            if (k < pg->n_fields)
                dv_data_item(r, pn, &pg->fields[k], d);
        }
    }
    return data;
}

const char *
dv_start_reason_key(const char *reason)
{
    if (reason == NULL)
        return "err.forbidden";
    if (!strcmp(reason, "wf.audience.professional"))
        return "authz.professional_only";
    if (!strcmp(reason, "wf.audience.personal"))
        return "authz.personal_only";
    if (!strcmp(reason, "wf.audience.assurance"))
        return "demand.start.assurance";
    return *reason ? reason : "authz.no_grant";
}
