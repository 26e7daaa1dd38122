/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_group.c -- repeating groups and lookups (see wf_group.h): the checks
 * of `guichet check`, the posted form of a group, adding and removing an
 * item, and the validation of items and lookups the input checker asks
 * for.  Per-type rules are field.c's, conditions are matched by
 * wf_cond.c, registers are read by refreg.c.  No SQL, no HTTP.
 */
#include "wf_group.h"

#include <stdlib.h>
#include <string.h>

#include "en_assert.h"
#include "field.h"
#include "pool_json.h"
#include "refreg.h"
#include "wf_cond.h"

/* ------------------------------------------------------------------ */
/* the checker                                                         */
/* ------------------------------------------------------------------ */

typedef struct {
    pool_t     *p;
    wf_diag_t  *d;
    const char *file;
    wf_form_t  *form;
} gk_t;

static int
gk_has_fr(const wf_i18n_t *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        if (!strcmp(t->v[i].lang, "fr") && t->v[i].text[0] != '\0')
            return 1;
    return 0;
}

/* The field called name among fields[0..n), or NULL. */
static wf_field_t *
scope_field(wf_field_t *fields, size_t n, const char *name)
{
    size_t i;

    for (i = 0; name != NULL && i < n; i++)
        if (!strcmp(fields[i].name, name))
            return &fields[i];
    return NULL;
}

static const char *
scope_dym(gk_t *k, const char *word, const wf_field_t *fields, size_t n)
{
    const char **names = pool_calloc(k->p, (n + 1) * sizeof(char *));
    size_t       i;

    for (i = 0; i < n; i++)
        names[i] = fields[i].name;
    return wf_did_you_mean(k->p, word, names, n);
}

/* Whether name is a top-level field or group of form other than self. */
static int
form_name_line(const wf_form_t *form, const char *name, const wf_group_t *self)
{
    size_t i, j;

    for (i = 0; i < form->n_pages; i++) {
        const wf_page_t *pg = &form->pages[i];

        for (j = 0; j < pg->n_fields; j++)
            if (!strcmp(pg->fields[j].name, name))
                return pg->fields[j].line;
        for (j = 0; j < pg->n_groups; j++) {
            if (&pg->groups[j] == self)
                return 0;             /* the first one with this name */
            if (!strcmp(pg->groups[j].name, name))
                return pg->groups[j].line;
        }
    }
    return 0;
}

static void
check_lookup(gk_t *k, wf_lookup_t *l, wf_field_t *fields, size_t n, const char *where)
{
    const refreg_t *reg = refreg_find(l->register_name);
    const char     *what = pool_printf(k->p, "%s: lookup", where);
    size_t          i;

    if (l->register_name == NULL)
        return;                       /* the parser said so */
    if (reg == NULL) {
        const char *names[8];
        size_t      nn = 0;

        while (nn < 8 && (names[nn] = refreg_name(nn)) != NULL)
            nn++;
        wf_diag_error(k->d, k->file, l->line, "%s: unknown register \"%s\" (registers: "
                      "communes, persons, applications)%s", what, l->register_name,
                      wf_did_you_mean(k->p, l->register_name, names, nn));
        return;
    }
    if (l->n_keys != reg->n_keys) {
        wf_diag_error(k->d, k->file, l->line, "%s: register \"%s\" is looked up by %zu "
                      "key(s) (%s%s%s); key= names %zu", what, reg->name, reg->n_keys,
                      reg->key_names[0], reg->n_keys > 1 ? ", then " : "",
                      reg->n_keys > 1 ? reg->key_names[1] : "", l->n_keys);
        return;
    }
    for (i = 0; i < l->n_keys; i++) {
        wf_field_t *f = scope_field(fields, n, l->key_names[i]);

        if (f == NULL) {
            wf_diag_error(k->d, k->file, l->line, "%s: key \"%s\" is not a field of this "
                          "%s%s", what, l->key_names[i], l->group ? "item" : "page",
                          scope_dym(k, l->key_names[i], fields, n));
            continue;
        }
        if (f->type != reg->key_types[i]) {
            wf_diag_error(k->d, k->file, l->line, "%s: key \"%s\" is of type %s; register "
                          "\"%s\" needs a field of type %s (%s)", what, f->name,
                          f->type_name ? f->type_name : "?", reg->name,
                          field_type_name((field_type_t) reg->key_types[i]),
                          reg->key_names[i]);
            continue;
        }
        l->keys[i] = f;
    }
    for (i = 0; i < l->n_fill; i++) {
        const char *eq = strchr(l->fill_names[i], '=');
        const char *name = eq ? pool_strndup(k->p, l->fill_names[i],
                                             (size_t) (eq - l->fill_names[i]))
                              : l->fill_names[i];
        const char *col = eq ? eq + 1 : reg->columns[0];
        wf_field_t *f = scope_field(fields, n, name);

        if (!refreg_has_column(reg, col)) {
            wf_diag_error(k->d, k->file, l->line, "%s: register \"%s\" has no column "
                          "\"%s\"%s", what, reg->name, col,
                          wf_did_you_mean(k->p, col, reg->columns, 0));
            continue;
        }
        if (f == NULL) {
            wf_diag_error(k->d, k->file, l->line, "%s: fill \"%s\" is not a field of this "
                          "%s%s", what, name, l->group ? "item" : "page",
                          scope_dym(k, name, fields, n));
            continue;
        }
        if (f->type != FIELD_TEXT) {
            wf_diag_error(k->d, k->file, l->line, "%s: fill \"%s\" is of type %s; a lookup "
                          "fills text fields", what, f->name, f->type_name ? f->type_name : "?");
            continue;
        }
        if (f->filled_by != NULL && f->filled_by != l) {
            wf_diag_error(k->d, k->file, l->line, "%s: field \"%s\" is already filled by "
                          "the lookup at line %d", what, f->name, f->filled_by->line);
            continue;
        }
        l->fill[i] = f;
        l->fill_columns[i] = col;
        f->filled_by = l;
    }
    if (l->found_name != NULL) {
        wf_field_t *f = scope_field(fields, n, l->found_name);

        if (f == NULL)
            wf_diag_error(k->d, k->file, l->line, "%s: found \"%s\" is not a field of this "
                          "%s%s", what, l->found_name, l->group ? "item" : "page",
                          scope_dym(k, l->found_name, fields, n));
        else if (f->type != FIELD_YESNO)
            wf_diag_error(k->d, k->file, l->line, "%s: found \"%s\" is of type %s; it "
                          "must be a yesno field", what, f->name,
                          f->type_name ? f->type_name : "?");
        else if (f->filled_by != NULL && f->filled_by != l)
            wf_diag_error(k->d, k->file, l->line, "%s: field \"%s\" is already filled by "
                          "the lookup at line %d", what, f->name, f->filled_by->line);
        else {
            l->found = f;
            f->filled_by = l;
        }
    }
    for (i = 0; i < l->n_keys; i++)
        if (l->keys[i] != NULL && l->keys[i]->filled_by != NULL)
            wf_diag_error(k->d, k->file, l->line, "%s: key \"%s\" is filled by a lookup; "
                          "the person types a key", what, l->keys[i]->name);
    if (l->n_fill == 0 && l->found_name == NULL)
        wf_diag_warn(k->d, k->file, l->line, "%s: neither fill= nor found=, so the "
                     "lookup changes nothing", what);
}

/* A shown-when / required-when of field f of g's items: on an earlier
 * field of the same item. */
static void
check_item_cond(gk_t *k, wf_group_t *g, wf_field_t *f, wf_cond_t *c, const char *attr)
{
    wf_field_t *o;
    size_t      i;

    if (c->text == NULL)
        return;
    o = scope_field(g->fields, g->n_fields, c->field_name);
    if (o == NULL || o >= f) {
        wf_diag_error(k->d, k->file, c->line, "group \"%s\": field \"%s\": %s \"%s\": in a "
                      "group, a condition looks at an earlier field of the same item%s",
                      g->name, f->name, attr, c->text,
                      o == NULL ? scope_dym(k, c->field_name, g->fields, g->n_fields) : "");
        return;
    }
    for (i = 0; i < c->n_values; i++) {
        const char *v = c->values[i];
        size_t      j;
        int         ok = 1;

        if (o->type == FIELD_YESNO)
            ok = !strcmp(v, "yes") || !strcmp(v, "no");
        else if (o->type == FIELD_CHOICE) {
            ok = 0;
            for (j = 0; j < o->n_options; j++)
                ok |= !strcmp(o->options[j].value, v);
        }
        if (!ok) {
            wf_diag_error(k->d, k->file, c->line, "group \"%s\": field \"%s\": %s \"%s\": "
                          "field \"%s\" can never be \"%s\"", g->name, f->name, attr,
                          c->text, o->name, v);
            return;
        }
    }
    c->field = o;
}

static void
check_group(gk_t *k, wf_group_t *g)
{
    const char *owner = pool_printf(k->p, "group \"%s\"", g->name);
    size_t      i, j;
    int         line;

    if (g->parent == NULL && (line = form_name_line(k->form, g->name, g)) != 0)
        wf_diag_error(k->d, k->file, g->line, "form \"%s\": name \"%s\" is already used "
                      "at line %d", k->form->id, g->name, line);
    if (g->min > g->max)
        wf_diag_error(k->d, k->file, g->line, "%s: min=%zu is greater than max=%zu", owner,
                      g->min, g->max);
    if (!gk_has_fr(&g->label))
        wf_diag_error(k->d, k->file, g->label.line ? g->label.line : g->line,
                      "%s: no French label (add <label xml:lang=\"fr\">: the name of one "
                      "item, e.g. \"Commune\")", owner);
    if (g->n_fields == 0 && g->depth <= 2)
        wf_diag_error(k->d, k->file, g->line, "%s: a group needs at least one <field>",
                      owner);
    for (i = 0; i < g->n_fields; i++) {
        wf_field_t *f = &g->fields[i];

        for (j = 0; j < i; j++)
            if (!strcmp(g->fields[j].name, f->name))
                wf_diag_error(k->d, k->file, f->line, "%s: field name \"%s\" is already "
                              "used at line %d", owner, f->name, g->fields[j].line);
        for (j = 0; j < g->n_groups; j++)
            if (!strcmp(g->groups[j].name, f->name))
                wf_diag_error(k->d, k->file, g->groups[j].line, "%s: name \"%s\" is "
                              "already used by a field at line %d", owner, f->name, f->line);
        if (f->type == FIELD_FILE)
            wf_diag_error(k->d, k->file, f->line, "%s: field \"%s\": a file cannot be "
                          "repeated in a group (put it on a page)", owner, f->name);
        if (f->prefill != NULL)
            wf_diag_error(k->d, k->file, f->line, "%s: field \"%s\": prefill does not "
                          "apply inside a group", owner, f->name);
        check_item_cond(k, g, f, &f->shown_when, "shown-when");
        check_item_cond(k, g, f, &f->required_when, "required-when");
    }
    for (i = 0; i < g->n_groups; i++)
        for (j = 0; j < i; j++)
            if (!strcmp(g->groups[j].name, g->groups[i].name))
                wf_diag_error(k->d, k->file, g->groups[i].line, "%s: group name \"%s\" is "
                              "already used at line %d", owner, g->groups[i].name,
                              g->groups[j].line);
    for (i = 0; i < g->n_lookups; i++)
        check_lookup(k, &g->lookups[i], g->fields, g->n_fields, owner);
    for (i = 0; i < g->n_groups; i++)
        check_group(k, &g->groups[i]);
}

void
wf_group_check(pool_t *p, wf_diag_t *d, const char *file, wf_form_t *form)
{
    gk_t   k = { p, d, file, form };
    size_t i, j;

    for (i = 0; i < form->n_pages; i++) {
        wf_page_t *pg = &form->pages[i];

        for (j = 0; j < pg->n_lookups; j++)
            check_lookup(&k, &pg->lookups[j], pg->fields, pg->n_fields,
                         pool_printf(p, "page \"%s\"", pg->id));
        for (j = 0; j < pg->n_groups; j++)
            check_group(&k, &pg->groups[j]);
    }
}

static int
lookups_sound(const wf_lookup_t *l, size_t n)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        for (j = 0; j < l[i].n_keys; j++)
            if (l[i].keys[j] == NULL)
                return 0;
        for (j = 0; j < l[i].n_fill; j++)
            if (l[i].fill[j] == NULL || l[i].fill_columns[j] == NULL)
                return 0;
        if (l[i].found_name != NULL && l[i].found == NULL)
            return 0;
        if (refreg_find(l[i].register_name) == NULL)
            return 0;
    }
    return 1;
}

static int
group_sound(const wf_group_t *g)
{
    size_t i;

    if (g->depth > 2 || !lookups_sound(g->lookups, g->n_lookups))
        return 0;
    for (i = 0; i < g->n_fields; i++)
        if ((g->fields[i].shown_when.text && !g->fields[i].shown_when.field)
            || (g->fields[i].required_when.text && !g->fields[i].required_when.field)
            || g->fields[i].type < 0)
            return 0;
    for (i = 0; i < g->n_groups; i++)
        if (!group_sound(&g->groups[i]))
            return 0;
    return 1;
}

int
wf_group_sound(const wf_page_t *page)
{
    size_t i;

    if (!lookups_sound(page->lookups, page->n_lookups))
        return 0;
    for (i = 0; i < page->n_groups; i++)
        if (!group_sound(&page->groups[i]))
            return 0;
    return 1;
}

/* ------------------------------------------------------------------ */
/* paths and the posted form                                           */
/* ------------------------------------------------------------------ */

const wf_group_t *
wf_group_find(const wf_page_t *page, const char *name)
{
    size_t i;

    for (i = 0; page != NULL && name != NULL && i < page->n_groups; i++)
        if (!strcmp(page->groups[i].name, name))
            return &page->groups[i];
    return NULL;
}

static const wf_group_t *
sub_group(const wf_group_t *g, const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < g->n_groups; i++)
        if (strlen(g->groups[i].name) == len && !strncmp(g->groups[i].name, name, len))
            return &g->groups[i];
    return NULL;
}

/* An item index as posted: digits only, at most WF_GROUP index range. */
static int
index_of(const char *s, size_t len)
{
    size_t i;
    int    v = 0;

    if (len == 0 || len > 3)
        return -1;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int
wf_group_path(const wf_page_t *page, const char *path, const wf_field_t **field,
              const wf_group_t **group, int *item, int *outer_item)
{
    const wf_group_t *g;
    const char       *dot, *rest;
    size_t            i;
    int               idx;

    *field = NULL;
    *group = NULL;
    *item = *outer_item = -1;
    if (path == NULL || (dot = strchr(path, '.')) == NULL) {
        if ((*group = wf_group_find(page, path)) != NULL)
            return 0;
        return -1;
    }
    for (i = 0, g = NULL; page != NULL && i < page->n_groups; i++)
        if (strlen(page->groups[i].name) == (size_t) (dot - path)
            && !strncmp(page->groups[i].name, path, (size_t) (dot - path)))
            g = &page->groups[i];
    while (g != NULL) {
        rest = dot + 1;
        dot = strchr(rest, '.');
        if ((idx = index_of(rest, dot ? (size_t) (dot - rest) : strlen(rest))) < 0)
            return -1;
        if (dot == NULL) {
            *group = g;              /* an item of g: "communes.1" */
            *item = idx;
            return 0;
        }
        rest = dot + 1;
        dot = strchr(rest, '.');
        if (dot == NULL) {
            const wf_group_t *s = sub_group(g, rest, strlen(rest));

            for (i = 0; i < g->n_fields; i++)
                if (!strcmp(g->fields[i].name, rest)) {
                    *field = &g->fields[i];
                    *group = g;
                    *item = idx;
                    return 0;
                }
            if (s != NULL) {         /* "communes.0.applications" */
                *group = s;
                *outer_item = idx;
                return 0;
            }
            return -1;
        }
        if (*outer_item >= 0)
            return -1;               /* one level of nesting only */
        *outer_item = idx;
        g = sub_group(g, rest, (size_t) (dot - rest));
    }
    return -1;
}

static int
starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The text posted for a field of an item: its one value, a multiple
 * choice's values one a line; "" when not sent (an unticked box). */
static const char *
posted_text(pool_t *p, const wf_field_t *f, const kv_t *form, const char *name)
{
    const kv_t *kv;
    buf_t       b;
    int         found = 0;

    buf_init(&b, p);
    buf_add(&b, "", 0);
    for (kv = form; kv != NULL; kv = kv->next) {
        if (strcmp(kv->name, name) != 0)
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
    return b.data;
}

json_t *
wf_group_posted(pool_t *p, const wf_group_t *g, const kv_t *form, const char *prefix)
{
    const kv_t *kv;
    const char *count = NULL;
    int         n = -1, sent = 0, i;
    size_t      k, plen = strlen(prefix);
    json_t     *arr;

    for (kv = form; kv != NULL; kv = kv->next) {
        const char *rest, *dot;
        int         idx;

        if (!starts_with(kv->name, prefix))
            continue;
        sent = 1;
        rest = kv->name + plen;
        if (!strcmp(rest, "items")) {
            count = kv->value;
            continue;
        }
        dot = strchr(rest, '.');
        idx = index_of(rest, dot ? (size_t) (dot - rest) : strlen(rest));
        if (idx > n && idx <= WF_GROUP_MAX_INDEX)
            n = idx;
    }
    if (!sent)
        return NULL;
    n = n + 1;
    if (count != NULL) {
        int c = index_of(count, strlen(count));

        if (c >= 0 && c <= WF_GROUP_MAX_INDEX)
            n = c;
    }
    arr = pool_json(p, json_array());
    for (i = 0; i < n; i++) {
        json_t     *o = json_object();
        const char *ip = pool_printf(p, "%s%d.", prefix, i);

        for (k = 0; k < g->n_fields; k++) {
            const wf_field_t *f = &g->fields[k];
            const char       *t;

            if (f->filled_by != NULL)
                continue;             /* written by its lookup only */
            t = posted_text(p, f, form, pool_printf(p, "%s%s", ip, f->name));
            /* text that is not UTF-8 is kept as it came for the check
             * to refuse next to the field; JSON cannot hold it */
            json_object_set_new(o, f->name, field_utf8_ok(t) ? json_string(t)
                                                           : json_string("\xEF\xBF\xBD"));
            if (!field_utf8_ok(t))
                json_object_set_new(o, pool_printf(p, "%s#bad", f->name), json_true());
        }
        for (k = 0; k < g->n_groups; k++) {
            json_t *sub = wf_group_posted(p, &g->groups[k], form,
                                          pool_printf(p, "%s%s.", ip, g->groups[k].name));

            if (sub != NULL)
                json_object_set(o, g->groups[k].name, sub);
            else
                json_object_set_new(o, g->groups[k].name, json_array());
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

json_t *
wf_group_posted_page(pool_t *p, const wf_page_t *page, const kv_t *form)
{
    json_t *o = pool_json(p, json_object());
    size_t  i;

    for (i = 0; i < page->n_groups; i++) {
        const wf_group_t *g = &page->groups[i];
        json_t           *a = wf_group_posted(p, g, form, pool_printf(p, "%s.", g->name));

        if (a != NULL)
            json_object_set(o, g->name, a);
    }
    return o;
}

/* The array of posted that holds the items of g (outer: the item of its
 * parent group), created empty when absent; NULL when the outer item
 * does not exist. */
static json_t *
items_of(json_t *posted, const wf_group_t *g, int outer)
{
    json_t *holder = posted, *a;

    if (g->parent != NULL) {
        json_t *pa = json_object_get(posted, g->parent->name);

        if (outer < 0 || (holder = json_array_get(pa, (size_t) outer)) == NULL)
            return NULL;
    }
    if (!json_is_object(holder))
        return NULL;
    if (!json_is_array(a = json_object_get(holder, g->name))) {
        a = json_array();
        if (json_object_set_new(holder, g->name, a) != 0)
            return NULL;
    }
    return a;
}

/* An empty item of g: its nested groups with their minimum of empty
 * items, as the page shows a new one. */
static json_t *
new_item(const wf_group_t *g)
{
    json_t *o = json_object();
    size_t  i, k;

    for (i = 0; i < g->n_groups; i++) {
        json_t *a = json_array();

        for (k = 0; k < g->groups[i].min; k++)
            json_array_append_new(a, new_item(&g->groups[i]));
        json_object_set_new(o, g->groups[i].name, a);
    }
    return o;
}

int
wf_group_apply(pool_t *p, const wf_page_t *page, json_t *posted, const char *op)
{
    const wf_field_t *f;
    const wf_group_t *g;
    int               item, outer;
    json_t           *a;

    (void) p;
    if (op == NULL || posted == NULL)
        return -1;
    if (!strncmp(op, "add:", 4)) {
        if (wf_group_path(page, op + 4, &f, &g, &item, &outer) != 0 || f != NULL || item >= 0)
            return -1;
        if ((a = items_of(posted, g, outer)) == NULL)
            return -1;
        return json_array_append_new(a, new_item(g)) == 0 ? 0 : -1;
    }
    if (!strncmp(op, "remove:", 7)) {
        if (wf_group_path(page, op + 7, &f, &g, &item, &outer) != 0 || f != NULL || item < 0)
            return -1;
        if ((a = items_of(posted, g, outer)) == NULL || (size_t) item >= json_array_size(a))
            return -1;
        return json_array_remove(a, (size_t) item) == 0 ? 0 : -1;
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* validation and lookups                                              */
/* ------------------------------------------------------------------ */

static const char *
jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Runs lookup l on the values of vals (field -> normalised value):
 * writes its targets into out (fill: the column or "", found: yes/no),
 * or NULL for each when a key is empty.  err_at: where a register that
 * cannot be read is said.  0, or -1 when the register failed. */
static int
run_lookup(wf_input_check_t *c, const wf_lookup_t *l, const char *const *keys, json_t *out,
           const char *err_at)
{
    const refreg_t *reg = refreg_find(l->register_name);
    json_t         *row = NULL;
    en_err_t        e;
    size_t          i;
    int             empty = 0, bad = 0;

    if (NEVER(reg == NULL))        /* wf_def_sound */
        return -1;
    for (i = 0; i < l->n_keys; i++)
        if (keys[i] == NULL || *keys[i] == '\0')
            empty = 1;
    en_clear(&e);
    if (!empty && refreg_lookup(c->p, &e, reg, keys, &row) != EN_OK) {
        wf_input_error(c, err_at, "wf.lookup.unavailable", NULL);
        return -1;
    }
    for (i = 0; i < l->n_fill; i++) {
        const char *v = row != NULL ? jstr(row, l->fill_columns[i]) : NULL;

        bad |= json_object_set_new(out, l->fill[i]->name,
                                   empty ? json_null() : json_string(v ? v : ""));
    }
    if (l->found != NULL)
        bad |= json_object_set_new(out, l->found->name,
                                   empty ? json_null() : json_string(row ? "yes" : "no"));
    if (bad)
        c->json_failed = 1;
    return 0;
}

void
wf_group_input_lookups(wf_input_check_t *c, const wf_page_t *page, int full)
{
    size_t i, k;

    for (i = 0; i < page->n_lookups; i++) {
        const wf_lookup_t *l = &page->lookups[i];
        const char        *keys[REFREG_MAX_KEYS + 1] = { NULL };
        json_t            *out = json_object();
        const char        *name;
        json_t            *v;
        int                sent = 0, refused = 0;

        for (k = 0; k < l->n_keys && k < REFREG_MAX_KEYS; k++) {
            const wf_field_t *f = l->keys[k];
            const char       *t = c->in ? kv_get(c->in->form, f->name) : NULL;

            if (t != NULL) {
                field_rules_t  r = f->rules;
                field_result_t res;

                sent = 1;
                r.required = 0;
                res = field_validate(c->p, (field_type_t) f->type, &r, t);
                if (res.key != NULL)
                    refused = 1;     /* its own check says why */
                keys[k] = res.value;
            } else {
                keys[k] = wf_demand_field(c->p, c->d, f->name);
            }
        }
        if (refused || (!sent && !full) || run_lookup(c, l, keys, out, l->keys[0]->name) != 0) {
            json_decref(out);
            continue;
        }
        json_object_foreach(out, name, v) {
            if (json_is_null(v)) {
                json_object_del(c->norm, name);
                if (wf_demand_field(c->p, c->d, name) != NULL
                    && json_array_append_new(c->unset, json_string(name)) != 0)
                    c->json_failed = 1;
            } else if (wf_json_set(c->set, name, json_incref(v)) != 0
                       || wf_json_set(c->norm, name, json_incref(v)) != 0) {
                c->json_failed = 1;
            }
        }
        json_decref(out);
    }
}

/* Whether field f of an item is asked, given the item's values so far. */
static int
item_shown(const wf_field_t *f, json_t *item)
{
    if (f->shown_when.text == NULL || f->shown_when.field == NULL)
        return 1;
    return wf_cond_match(&f->shown_when, jstr(item, f->shown_when.field->name));
}

static int
item_required(const wf_field_t *f, json_t *item, int full)
{
    if (!full)
        return 0;
    if (f->rules.required)
        return 1;
    return f->required_when.text != NULL && f->required_when.field != NULL
           && wf_cond_match(&f->required_when, jstr(item, f->required_when.field->name));
}

/* Validates the items of g (raw: as posted, else as stored) under path,
 * into *out (an array of normalised items). */
static void
check_items(wf_input_check_t *c, const wf_group_t *g, json_t *items, int raw, int full,
            const char *path, json_t *out)
{
    size_t n = json_array_size(items), i, k;

    if (n > g->max)
        wf_input_error(c, path, "wf.group.max", pool_printf(c->p, "%zu", g->max));
    else if (n < g->min && (raw || full))
        wf_input_error(c, path, "wf.group.min", pool_printf(c->p, "%zu", g->min));
    for (i = 0; i < n && i < WF_GROUP_MAX_INDEX; i++) {
        json_t     *in = json_array_get(items, i), *o = json_object();
        const char *ip = pool_printf(c->p, "%s.%zu", path, i);

        if (json_array_append_new(out, o) != 0) {
            c->json_failed = 1;
            return;
        }
        for (k = 0; k < g->n_fields; k++) {
            const wf_field_t *f = &g->fields[k];
            const char       *fp = pool_printf(c->p, "%s.%s", ip, f->name);
            const char       *t = jstr(in, f->name);

            if (f->filled_by != NULL) {
                if (!raw && t != NULL && wf_json_set(o, f->name, json_string(t)) != 0)
                    c->json_failed = 1;
                continue;            /* else its lookup writes it below */
            }
            if (!item_shown(f, o))
                continue;
            if (raw) {
                field_rules_t  r = f->rules;
                field_result_t res;

                if (json_object_get(in, pool_printf(c->p, "%s#bad", f->name)) != NULL) {
                    wf_input_error(c, fp, "field.utf8", NULL);
                    continue;
                }
                r.required = item_required(f, o, full);
                res = field_validate(c->p, (field_type_t) f->type, &r, t ? t : "");
                if (res.key != NULL)
                    wf_input_error(c, fp, res.key, res.arg);
                else if (wf_json_set(o, f->name, json_string(res.value)) != 0)
                    c->json_failed = 1;
            } else {
                if (item_required(f, o, full) && (t == NULL || *t == '\0'))
                    wf_input_error(c, fp, "field.required", NULL);
                if (wf_json_set(o, f->name, json_string(t ? t : "")) != 0)
                    c->json_failed = 1;
            }
        }
        for (k = 0; k < g->n_groups; k++) {
            const wf_group_t *s = &g->groups[k];
            json_t           *sub = json_array();
            json_t           *sin = json_object_get(in, s->name);

            if (wf_json_set(o, s->name, sub) != 0) {
                c->json_failed = 1;
                continue;
            }
            check_items(c, s, json_is_array(sin) ? sin : NULL, raw, full,
                        pool_printf(c->p, "%s.%s", ip, s->name), sub);
        }
        for (k = 0; raw && k < g->n_lookups; k++) {
            const wf_lookup_t *l = &g->lookups[k];
            const char        *keys[REFREG_MAX_KEYS + 1] = { NULL };
            json_t            *res = json_object(), *v;
            const char        *name;
            size_t             j;
            int                ok = 1;

            for (j = 0; j < l->n_keys && j < REFREG_MAX_KEYS; j++)
                if ((keys[j] = jstr(o, l->keys[j]->name)) == NULL)
                    ok = 0;          /* refused or hidden: nothing to look up */
            if (ok && run_lookup(c, l, keys, res,
                                 pool_printf(c->p, "%s.%s", ip, l->keys[0]->name)) == 0)
                json_object_foreach(res, name, v)
                    if (!json_is_null(v) && wf_json_set(o, name, json_incref(v)) != 0)
                        c->json_failed = 1;
            json_decref(res);
        }
    }
}

void
wf_group_input_groups(wf_input_check_t *c, const wf_page_t *page, int full)
{
    size_t i;

    for (i = 0; i < page->n_groups; i++) {
        const wf_group_t *g = &page->groups[i];
        json_t           *items = NULL, *out;
        int               raw = 1, before = c->nerrors;

        if (c->in != NULL && c->in->groups != NULL)
            items = json_object_get((json_t *) c->in->groups, g->name);
        else if (c->in != NULL)
            items = wf_group_posted(c->p, g, c->in->form, pool_printf(c->p, "%s.", g->name));
        if (items == NULL) {
            if (!full)
                continue;            /* a save that did not send it */
            raw = 0;
            items = c->d && c->d->form_json
                    ? json_object_get((json_t *) c->d->form_json, g->name) : NULL;
            if (!json_is_array(items))
                items = NULL;
        }
        out = json_array();
        check_items(c, g, items, raw, full, g->name, out);
        if (c->nerrors == before && raw) {
            if (wf_json_set(c->set, g->name, out) != 0)
                c->json_failed = 1;
        } else {
            json_decref(out);
        }
    }
}

int
wf_group_page_complete(pool_t *p, const wf_demand_t *d, const wf_page_t *page,
                       const json_t *posted, wf_field_error_t **errors, int *nerrors)
{
    wf_input_check_t c;
    wf_input_t       in;

    memset(&in, 0, sizeof(in));
    in.groups = posted;
    wf_input_init(&c, p, d, &in);
    wf_group_input_groups(&c, page, 1);
    *errors = c.errors;
    *nerrors = c.nerrors;
    return c.nerrors;
}
