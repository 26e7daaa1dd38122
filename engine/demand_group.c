/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * demand_group.c -- repeating groups and looked-up fields on the demand
 * pages (see demand_group.h): page XML only, no SQL, no rule.
 */
#include "demand_group.h"

#include <string.h>

#include "i18n.h"
#include "render.h"
#include "wf_group.h"

static const char *
jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *
item_legend(req_t *r, const wf_group_t *g, size_t i)
{
    const char *l = dv_text(r, &g->label);

    return pool_printf(r->pool, "%s %zu", *l ? l : g->name, i + 1);
}

xmlNodePtr
dv_filled(req_t *r, xmlNodePtr parent, const wf_field_t *f, const char *id, const char *value)
{
    xmlNodePtr n = render_node(parent, "filled");

    render_attr(n, "id", id);
    render_attr(n, "label", f->label.n ? dv_text(r, &f->label) : f->name);
    if (value != NULL && *value != '\0')
        render_attr(n, "value", dv_display_value(r, f, value));
    return n;
}

/* The inputs of item i of g (its values in it) under path "g.i". */
static void
item_inputs(req_t *r, xmlNodePtr in, const wf_group_t *g, json_t *it, int stored,
            const wf_field_error_t *errs, int nerrs, const char *ip, const wf_demand_t *d)
{
    size_t k, gi = 0;

    for (k = 0; k <= g->n_fields; k++) {
        const wf_field_t *f;
        wf_field_t        copy;
        const char       *v, *fp;

        for (; gi < g->n_groups && g->groups[gi].pos == k; gi++) {
            const wf_group_t *s = &g->groups[gi];

            dv_group_inputs(r, in, s, json_object_get(it, s->name), stored, errs, nerrs,
                            pool_printf(r->pool, "%s.%s", ip, s->name), d);
        }
        if (k == g->n_fields)
            break;
        f = &g->fields[k];
        fp = pool_printf(r->pool, "%s.%s", ip, f->name);
        v = jstr(it, f->name);
        if (f->filled_by != NULL) {
            dv_filled(r, in, f, pool_printf(r->pool, "f-%s", fp), v);
            continue;
        }
        /* the field as the page posts it: "communes.1.ofs" */
        copy = *f;
        copy.name = fp;
        if (stored && v != NULL)
            v = dv_input_value(r->pool, f, v);
        /* its condition (on an earlier field of the item) is said next to it */
        dv_field(r, in, &copy, "f-", v, dv_error_for(errs, nerrs, fp), d);
    }
}

void
dv_group_inputs(req_t *r, xmlNodePtr parent, const wf_group_t *g, json_t *items, int stored,
                const wf_field_error_t *errs, int nerrs, const char *path, const wf_demand_t *d)
{
    xmlNodePtr              gn = render_node(parent, "group");
    const wf_field_error_t *e = dv_error_for(errs, nerrs, path);
    size_t                  n = json_array_size(items), shown, i;

    shown = n < g->min ? g->min : n;
    render_attr(gn, "name", g->name);
    render_attr(gn, "path", path);
    render_attr(gn, "id", pool_printf(r->pool, "f-%s", path));
    render_attr(gn, "depth", g->depth > 1 ? "2" : "1");
    render_attr(gn, "label", g->label.n ? dv_text(r, &g->label) : g->name);
    if (g->title.n > 0)
        render_attr(gn, "title", dv_text(r, &g->title));
    if (g->help.n > 0)
        render_attr(gn, "help", dv_text(r, &g->help));
    if (g->add.n > 0)
        render_attr(gn, "add", dv_text(r, &g->add));
    render_attr(gn, "count", pool_printf(r->pool, "%zu", shown));
    render_attr(gn, "min", pool_printf(r->pool, "%zu", g->min));
    render_attr(gn, "max", pool_printf(r->pool, "%zu", g->max));
    if (shown < g->max)
        render_attr(gn, "can-add", "yes");
    if (e != NULL) {
        render_attr(gn, "error", e->key ? e->key : "field.invalid");
        if (e->arg != NULL)
            render_attr(gn, "error-arg", e->arg);
    }
    for (i = 0; i < shown; i++) {
        xmlNodePtr  in = render_node(gn, "item");
        const char *ip = pool_printf(r->pool, "%s.%zu", path, i);

        render_attr(in, "n", pool_printf(r->pool, "%zu", i + 1));
        render_attr(in, "path", ip);
        render_attr(in, "id", pool_printf(r->pool, "f-%s", ip));
        render_attr(in, "legend", item_legend(r, g, i));
        if (shown > g->min)
            render_attr(in, "can-remove", "yes");
        item_inputs(r, in, g, i < n ? json_array_get(items, i) : NULL, stored, errs, nerrs,
                    ip, d);
    }
}

void
dv_group_data(req_t *r, xmlNodePtr parent, const wf_group_t *g, json_t *items, const char *path)
{
    xmlNodePtr gn;
    size_t     i, k;

    if (!json_is_array(items) || json_array_size(items) == 0)
        return;
    gn = render_node(parent, "group");
    render_attr(gn, "id", pool_printf(r->pool, "f-%s", path));
    render_attr(gn, "label", g->title.n ? dv_text(r, &g->title)
                             : g->label.n ? dv_text(r, &g->label) : g->name);
    for (i = 0; i < json_array_size(items); i++) {
        json_t     *it = json_array_get(items, i);
        xmlNodePtr  en = render_node(gn, "entry");
        const char *ip = pool_printf(r->pool, "%s.%zu", path, i);
        size_t      gi = 0;

        render_attr(en, "legend", item_legend(r, g, i));
        render_attr(en, "id", pool_printf(r->pool, "f-%s", ip));
        for (k = 0; k <= g->n_fields; k++) {
            const wf_field_t *f;
            const char       *v;
            xmlNodePtr        vn;

            for (; gi < g->n_groups && g->groups[gi].pos == k; gi++)
                dv_group_data(r, en, &g->groups[gi], json_object_get(it, g->groups[gi].name),
                              pool_printf(r->pool, "%s.%s", ip, g->groups[gi].name));
            if (k == g->n_fields)
                break;
            f = &g->fields[k];
            if (json_object_get(it, f->name) == NULL)
                continue;                  /* hidden by its condition */
            v = jstr(it, f->name);
            vn = render_node(en, "item");
            render_attr(vn, "name", f->name);
            render_attr(vn, "id", pool_printf(r->pool, "f-%s.%s", ip, f->name));
            render_attr(vn, "label", f->label.n ? dv_text(r, &f->label) : f->name);
            render_attr(vn, "type", f->type_name ? f->type_name : "text");
            if (v != NULL && *v != '\0')
                render_attr(vn, "value", dv_display_value(r, f, v));
        }
    }
}

const char *
dv_group_label(req_t *r, const wf_page_t *page, const char *path)
{
    const wf_field_t *f;
    const wf_group_t *g;
    int               item, outer;
    const char       *l;

    if (wf_group_path(page, path, &f, &g, &item, &outer) != 0)
        return NULL;
    if (f != NULL) {
        l = f->label.n ? dv_text(r, &f->label) : f->name;
        if (g->parent != NULL && outer >= 0)
            return pool_printf(r->pool, "%s – %s – %s", item_legend(r, g->parent, (size_t) outer),
                               item_legend(r, g, (size_t) item), l);
        return pool_printf(r->pool, "%s – %s", item_legend(r, g, (size_t) item), l);
    }
    l = g->title.n ? dv_text(r, &g->title) : g->label.n ? dv_text(r, &g->label) : g->name;
    if (g->parent != NULL && outer >= 0)
        return pool_printf(r->pool, "%s – %s", item_legend(r, g->parent, (size_t) outer), l);
    return l;
}
