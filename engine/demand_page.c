/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * demand_page.c -- the frame of the pages about one demand (see
 * demand_page.h): the definition it runs on, its <demand> head, and the
 * 409 page of a step that can no longer happen.
 *
 * Moved unchanged from h_demand.c when it was split; reads a demand only
 * through wf_demand_load and writes nothing.
 */
#include "demand_page.h"

#include <string.h>

#include "demand_view.h"
#include "render.h"
#include "wf_store.h"

const wf_def_t *
dp_def_of(req_t *r, const wf_demand_t *d)
{
    return wf_store_get(&r->err, d->workflow_key, d->definition_version);
}

const char *
dp_state_label(req_t *r, const wf_def_t *def, const char *id)
{
    const wf_state_t *s = def ? wf_state_find(def, id) : NULL;

    return s != NULL && s->label.n > 0 ? dv_text(r, &s->label) : id;
}

void
dp_no_store(req_t *r)
{
    req_header(r, "Cache-Control", "no-store");
}

xmlNodePtr
dp_demand_node(req_t *r, xmlNodePtr root, const wf_def_t *def, const wf_demand_t *d)
{
    xmlNodePtr n = render_node(root, "demand");

    render_attr(n, "id", d->id);
    render_attr(n, "reference", d->reference);
    render_attr(n, "workflow", d->workflow_key);
    render_attr(n, "title", def && def->title.n ? dv_text(r, &def->title) : d->workflow_key);
    render_attr(n, "bucket", d->bucket);
    render_attr(n, "progress", pool_printf(r->pool, "%d", d->progress));
    render_attr(n, "version", pool_printf(r->pool, "%d", d->version));
    dv_state_attrs(r, n, def, d->state);
    return n;
}

int
dp_render_done(req_t *r, const char *id, const char *key, const char *tid)
{
    wf_demand_t     *d;
    const wf_def_t  *def;
    xmlNodePtr       root, c;
    en_err_t         keep = r->err;
    int              rc;

    if ((rc = wf_demand_load(r->pool, &r->err, id, &d)) != EN_OK)
        return rc;
    if ((def = dp_def_of(r, d)) == NULL)
        return r->err.code;
    /* the three things a refused step can mean to a reader */
    if (strcmp(key, "wf.conflict.already_done") && strcmp(key, "wf.save.closed"))
        key = "wf.conflict.moved_on";
    root = render_begin(r, "demand_done");
    c = render_node(root, "conflict");
    render_attr(c, "key", key);
    if (tid != NULL) {
        const wf_transition_t *t = wf_transition_find(def, tid);

        render_attr(c, "transition", t && t->label.n ? dv_text(r, &t->label) : tid);
    }
    dp_demand_node(r, root, def, d);
    r->err = keep;
    dp_no_store(r);
    return render_finish(r, 409);
}
