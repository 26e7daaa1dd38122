/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_input.c -- checking what a person sends (form fields, comment,
 * attachments, uploads) against the definition (see wf_input.h).
 *
 * Owns: which fields of which pages are checked and how strictly (a
 * transition, a save), the fallback on stored values, the unsetting of
 * hidden fields, the comment's rules, the attachments', the refusal of any
 * text that is not UTF-8 (values, comment, filenames), and the JSON the
 * writing statement receives.  Does not own: the per-type rules
 * (field_validate / field_validate_file), the condition matching
 * (wf_cond.c), the state, the actor or the guards (wf_fire.c), nor any SQL.
 */
#include "wf_input.h"

#include <string.h>

#include "av.h"
#include "en_assert.h"
#include "field.h"
#include "wf_cond.h"
#include "wf_group.h"
#include "wf_rule.h"

static void
jdecref(void *j)
{
    json_decref(j);
}

int
wf_json_set(json_t *o, const char *key, json_t *v)
{
    if (v == NULL || o == NULL)
        return -1;
    return json_object_set_new(o, key, v) == 0 ? 0 : -1;
}

static void
add_error(wf_input_check_t *c, const char *field, const char *key, const char *arg)
{
    if (c->nerrors == c->cap) {
        wf_field_error_t *n;

        c->cap = c->cap ? c->cap * 2 : 8;
        n = pool_alloc(c->p, sizeof(*n) * (size_t) c->cap);
        if (c->nerrors > 0)
            memcpy(n, c->errors, sizeof(*n) * (size_t) c->nerrors);
        c->errors = n;
    }
    c->errors[c->nerrors].field = field;
    c->errors[c->nerrors].key = key;
    c->errors[c->nerrors].arg = arg;
    c->nerrors++;
}

void
wf_input_error(wf_input_check_t *c, const char *field, const char *key, const char *arg)
{
    add_error(c, field, key, arg);
}

/* Whether field was already refused: a form-complete guard and the
 * transition's own pages both validate it, and the page should say once
 * what to correct. */
static int
has_error(const wf_input_check_t *c, const char *field)
{
    int i;

    for (i = 0; i < c->nerrors; i++)
        if (!strcmp(c->errors[i].field, field))
            return 1;
    return 0;
}

/* The submitted text of a field: its one value, or for a multiple choice
 * every value sent under that name, one a line (field.c's convention).
 * NULL when the field was not sent at all. */
static const char *
input_text(wf_input_check_t *c, const wf_field_t *f)
{
    const kv_t *kv;
    buf_t       b;
    int         found = 0;

    if (c->in == NULL)
        return NULL;
    buf_init(&b, c->p);
    buf_add(&b, "", 0);
    for (kv = c->in->form; kv != NULL; kv = kv->next) {
        if (strcmp(kv->name, f->name) != 0)
            continue;
        if (!f->rules.multiple)
            return kv->value;
        if (found)
            buf_putc(&b, '\n');
        buf_puts(&b, kv->value);
        found = 1;
    }
    return found ? b.data : NULL;
}

static const upload_t *
input_file(wf_input_check_t *c, const char *name)
{
    const upload_t *u;

    for (u = c->in ? c->in->uploads : NULL; u != NULL; u = u->next)
        if (!strcmp(u->field, name) && u->len > 0)
            return u;
    return NULL;
}

void
wf_input_init(wf_input_check_t *c, pool_t *p, const wf_demand_t *d, const wf_input_t *in)
{
    memset(c, 0, sizeof(*c));
    c->p = p;
    c->d = d;
    c->in = in;
    c->set = json_object();
    c->unset = json_array();
    c->files = json_array();
    c->norm = json_object();
    pool_on_free(p, jdecref, c->set);
    pool_on_free(p, jdecref, c->unset);
    pool_on_free(p, jdecref, c->files);
    pool_on_free(p, jdecref, c->norm);
}

void
wf_input_normalise(wf_input_check_t *c, const wf_form_t *form)
{
    size_t i, j;

    for (i = 0; form != NULL && i < form->n_pages; i++)
        for (j = 0; j < form->pages[i].n_fields; j++) {
            const wf_field_t *f = &form->pages[i].fields[j];
            const char       *t;

            if (f->type == FIELD_FILE || f->type < 0 || f->filled_by != NULL
                || (t = input_text(c, f)) == NULL)
                continue;
            /* a value that is not UTF-8 is refused by its field's check
             * (wf_input_pages); conditions then see the stored one */
            if ((t = wf_cond_normal(c->p, f, t)) == NULL)
                continue;
            if (wf_json_set(c->norm, f->name, json_string(t)) != 0)
                c->json_failed = 1;
        }
}

int
wf_input_cond(wf_input_check_t *c, const wf_cond_t *cond)
{
    json_t     *v;
    const char *s;

    if (cond == NULL || cond->text == NULL || cond->field_name == NULL)
        return 1;
    v = json_object_get(c->norm, cond->field_name);
    if (json_is_string(v))
        s = json_string_value(v);
    else
        s = wf_demand_field(c->p, c->d, cond->field_name);
    return wf_cond_match(cond, s);
}

static int
stored_document(wf_input_check_t *c, const char *name)
{
    json_t *v = c->d->form_json ? json_object_get((json_t *) c->d->form_json, name) : NULL;

    return json_is_object(v) && json_object_get(v, "document") != NULL;
}

int
wf_input_upload_check(pool_t *p, const upload_t *u, const char *label,
                      const field_rules_t *rules, const char **mime, const char **key,
                      const char **arg)
{
    field_result_t res;
    en_err_t       av = { 0 };

    *mime = NULL;
    *key = NULL;
    *arg = NULL;
    if (u->filename != NULL && !field_utf8_ok(u->filename)) {
        /* jansson would drop it, and the row would have no name */
        *key = "wf.file.name_utf8";
        return EN_BADINPUT;
    }
    res = field_validate_file(p, rules, u->data, u->len);
    if (res.key != NULL) {
        *key = res.key;
        *arg = res.arg;
        return EN_BADINPUT;
    }
    /* nothing unscanned is stored: infected, or no answer, is refused */
    if (av_scan(&av, label, u->data, u->len) != EN_OK) {
        *key = pool_strdup(p, av.key);
        return EN_BADINPUT;
    }
    *mime = res.value;
    return EN_OK;
}

/* An upload that passed wf_input_upload_check, queued for storage. */
static void
add_file(wf_input_check_t *c, const upload_t *u, const char *field, const char *mime,
         const char *kind, const char *category)
{
    json_t  *o;
    int      bad = 0;

    c->file_list[c->nfiles++] = u;
    o = json_object();
    bad |= wf_json_set(o, "field", json_string(field));
    bad |= wf_json_set(o, "index", json_integer(c->nfiles));
    bad |= wf_json_set(o, "filename", json_string(u->filename && *u->filename
                                                  ? u->filename : field));
    bad |= wf_json_set(o, "mime", json_string(mime));
    bad |= wf_json_set(o, "kind", json_string(kind));
    if (u->source != NULL)
        bad |= wf_json_set(o, "source", json_string(u->source));
    if (category != NULL)
        bad |= wf_json_set(o, "category", json_string(category));
    if (json_array_append_new(c->files, o) != 0 || bad)
        c->json_failed = 1;
}

/* Checks one upload for field (a file field or an attachment) against
 * rules, and queues it when it passes. */
static void
check_upload(wf_input_check_t *c, const upload_t *u, const char *field,
             const field_rules_t *rules, const char *kind, const char *category)
{
    const char *mime, *key, *arg;

    if (c->nfiles == WF_MAX_FILES) {
        add_error(c, field, "wf.too_many_files", NULL);
        return;
    }
    if (wf_input_upload_check(c->p, u, field, rules, &mime, &key, &arg) != EN_OK)
        add_error(c, field, key, arg);
    else
        add_file(c, u, field, mime, kind, category);
}

/* Validates one field.  full: required-ness applies and an absent value
 * falls back on the stored one; else (saving a draft) only what was sent
 * is checked. */
static void
check_field(wf_input_check_t *c, const wf_field_t *f, int shown, int full)
{
    field_rules_t  r = f->rules;
    field_result_t res;
    const char    *t;

    if (json_object_get(c->set, f->name) != NULL || has_error(c, f->name))
        return;                       /* on two validated pages: once */
    if (f->filled_by != NULL)
        return;                       /* its lookup writes it (wf_group.c) */
    if (!shown) {
        /* a hidden field keeps no stale value */
        if (wf_demand_field(c->p, c->d, f->name) != NULL
            && json_array_append_new(c->unset, json_string(f->name)) != 0)
            c->json_failed = 1;
        return;
    }
    if (full && f->required_when.text != NULL && wf_input_cond(c, &f->required_when))
        r.required = 1;
    if (!full)
        r.required = 0;
    if (f->type == FIELD_FILE) {
        const upload_t *u = input_file(c, f->name);

        if (u != NULL)
            check_upload(c, u, f->name, &r, "field", f->category);
        else if (r.required && !stored_document(c, f->name))
            add_error(c, f->name, "field.required", NULL);
        return;
    }
    if (NEVER(f->type < 0)) {      /* a loaded definition knows every type */
        add_error(c, f->name, "wf.field.unknown_type", f->type_name);
        return;
    }
    t = input_text(c, f);
    if (t == NULL) {
        const char *stored;

        if (!full)
            return;
        stored = wf_demand_field(c->p, c->d, f->name);
        /* what was saved earlier was valid then; required-ness is now */
        if (r.required && (stored == NULL || *stored == '\0'))
            add_error(c, f->name, "field.required", NULL);
        return;
    }
    /* field_validate refuses text that is not UTF-8 ("field.utf8") */
    res = field_validate(c->p, (field_type_t) f->type, &r, t);
    if (res.key != NULL)
        add_error(c, f->name, res.key, res.arg);
    else if (wf_json_set(c->set, f->name, json_string(res.value)) != 0)
        c->json_failed = 1;
}

/* The value a rule compares: the one just checked, else the stored one;
 * NULL when the field is not asked (hidden) or was refused. */
static const char *
rule_value(wf_input_check_t *c, const wf_field_t *f)
{
    json_t *v = json_object_get(c->set, f->name);

    if (has_error(c, f->name) || !wf_input_cond(c, &f->page->shown_when)
        || !wf_input_cond(c, &f->shown_when))
        return NULL;
    if (json_is_string(v))
        return json_string_value(v);
    if (input_text(c, f) != NULL)
        return NULL;                  /* sent, but not valid: refused */
    return wf_demand_field(c->p, c->d, f->name);
}

/* The page's rules across fields (wf_rule.h), once its fields passed: the
 * message next to the rule's field, naming the other (its name as the
 * argument; the page writes its label). */
static void
check_rules(wf_input_check_t *c, const wf_page_t *pg)
{
    size_t i;

    for (i = 0; i < pg->n_rules; i++) {
        const wf_rule_t *ru = &pg->rules[i];

        if (NEVER(ru->field == NULL || ru->other == NULL))   /* wf_def_sound */
            continue;
        if (!wf_rule_holds(ru, rule_value(c, ru->field), rule_value(c, ru->other)))
            add_error(c, ru->field->name, wf_rule_message_key(c->p, ru), ru->other->name);
    }
}

static void
check_page(wf_input_check_t *c, const wf_page_t *pg, int full)
{
    int    shown = wf_input_cond(c, &pg->shown_when);
    size_t j;

    /* the lookups first: a condition on what they found holds below */
    if (shown)
        wf_group_input_lookups(c, pg, full);
    for (j = 0; j < pg->n_fields; j++) {
        const wf_field_t *f = &pg->fields[j];

        check_field(c, f, shown && wf_input_cond(c, &f->shown_when), full);
    }
    if (shown) {
        check_rules(c, pg);
        wf_group_input_groups(c, pg, full);
    } else {
        for (j = 0; j < pg->n_groups; j++)   /* a hidden page keeps no items */
            if (wf_demand_field(c->p, c->d, pg->groups[j].name) != NULL
                && json_array_append_new(c->unset, json_string(pg->groups[j].name)) != 0)
                c->json_failed = 1;
    }
}

void
wf_input_pages(wf_input_check_t *c, const wf_form_t *form, wf_page_t *const *pages,
               size_t n, int full)
{
    size_t i;

    if (form == NULL)
        return;
    if (n == 0)
        for (i = 0; i < form->n_pages; i++)
            check_page(c, &form->pages[i], full);
    else
        for (i = 0; i < n; i++)
            if (pages[i] != NULL)
                check_page(c, pages[i], full);
}

static const char *
trimmed(pool_t *p, const char *s)
{
    const char *e;

    if (s == NULL)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    return pool_strndup(p, s, (size_t) (e - s));
}

const char *
wf_input_comment(wf_input_check_t *c, wf_comment_t rule, const char *comment)
{
    if (rule == WF_COMMENT_NONE)
        return NULL;
    comment = trimmed(c->p, comment);
    if (comment != NULL && !field_utf8_ok(comment))
        add_error(c, "comment", "field.utf8", NULL);
    else if (rule == WF_COMMENT_REQUIRED && (comment == NULL || *comment == '\0'))
        add_error(c, "comment", "wf.comment.required", NULL);
    else if (comment != NULL && field_utf8_count(comment) > WF_COMMENT_MAX)
        add_error(c, "comment", "wf.comment.too_long", "5000");
    return comment;
}

void
wf_input_attachments(wf_input_check_t *c, const wf_transition_t *t)
{
    size_t i;

    for (i = 0; i < t->n_attach; i++) {
        const wf_attach_t *a = &t->attach[i];
        const upload_t    *u = input_file(c, a->name);

        if (u != NULL)
            check_upload(c, u, a->name, &a->rules, "attachment", NULL);
        else if (a->rules.required)
            add_error(c, a->name, "field.required", NULL);
    }
}

int
wf_input_verdict(wf_input_check_t *c, en_err_t *err, wf_field_error_t **errors,
                 int *nerrors)
{
    *errors = NULL;
    *nerrors = 0;
    if (c->nerrors > 0) {
        *errors = c->errors;
        *nerrors = c->nerrors;
        return en_set(err, EN_BADINPUT, "wf.input.invalid",
                      "%d field(s) to correct", c->nerrors);
    }
    if (c->json_failed)
        return en_set(err, EN_INTERNAL, "err.internal",
                      "a checked value could not be put into JSON");
    return EN_OK;
}
