/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_decide.c -- the trusted third parties' pages for per-item decisions
 * (<decide>: engine/wf_decide.c):
 *
 *   GET  /verify                          the person's third-party groups,
 *                                         each with its items: "Demandes de
 *                                         rattachement à votre commune"
 *                                         (which=open|done|all)
 *   GET  /verify/{id}/{decide}/{item}     one item: the applicant's data,
 *                                         what the item asks, its answer or
 *                                         the form to answer
 *   POST /verify/{id}/{decide}/{item}     the answer (wf_decide): 303 back
 *                                         to /verify; 422 with the errors
 *                                         next to their fields; 409 when
 *                                         the demand moved on
 *
 * Every item page asks authz 'decide-item' (its group's members only:
 * anyone else, another commune's secretary included, gets the 404 of a
 * thing that does not exist); the list asks 'third-party' for each group
 * it shows.  The applicant's files are links to /documents/<id> (the item's
 * third party reads the demand: sql/0037, data_roles).  Holds no SQL; the
 * pages are xslt/pages/decide_queue.xsl and decide_item.xsl.
 */
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "field.h"
#include "demand_page.h"
#include "demand_view.h"
#include "i18n.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_decide.h"
#include "wf_demand.h"
#include "wf_store.h"

static const char *
which_of(req_t *r)
{
    const char *w = req_param(r, "which");

    if (w != NULL && (!strcmp(w, "done") || !strcmp(w, "all")))
        return w;
    return "open";
}

static const char *
decide_label(req_t *r, const wf_def_t *def, const char *id)
{
    const wf_decide_t *dc = def != NULL ? wf_decide_find(def, id) : NULL;

    return dc != NULL && dc->label.n > 0 ? dv_text(r, &dc->label) : id;
}

static int
h_verify(req_t *r)
{
    const principal_t *who = principal_of(r);
    const char        *which = which_of(r);
    json_t            *groups, *g, *items, *it;
    xmlNodePtr         root, gn, n;
    size_t             k, j;
    int                rc;

    if ((rc = wf_decide_groups(r->pool, &r->err, who, &groups)) != EN_OK)
        return rc;
    if (json_array_size(groups) == 0)
        return en_set(&r->err, EN_FORBIDDEN, "authz.not_third_party",
                      "not a trusted third party");
    root = render_begin(r, "decide_queue");
    render_attr(root, "which", which);
    if (req_param(r, "answered") != NULL)
        render_node(root, "answered");
    json_array_foreach(groups, k, g) {
        const char *gid = dv_jstr(g, "id", "");

        if ((rc = authz_check(r->pool, &r->err, who, AZ_THIRD_PARTY, gid, NULL)) != EN_OK)
            return rc;
        if ((rc = wf_decide_queue(r->pool, &r->err, gid, which, &items)) != EN_OK)
            return rc;
        gn = render_node(root, "group");
        render_attr(gn, "id", gid);
        render_attr(gn, "name", dv_jstr(g, "name", gid));
        render_attr(gn, "open", pool_printf(r->pool, "%lld", dv_jint(g, "open")));
        if (json_is_true(json_object_get(items, "more")))
            render_attr(gn, "shown", pool_printf(r->pool, "%d", WF_DECIDE_QUEUE_LIMIT));
        items = json_object_get(items, "items");
        json_array_foreach(items, j, it) {
            const wf_def_t *def = wf_store_get(&r->err, dv_jstr(it, "workflow", ""),
                                               (int) dv_jint(it, "version"));

            en_clear(&r->err);      /* an unknown definition: its key is shown */
            n = render_node(gn, "item");
            render_attr(n, "href", pool_printf(r->pool, "/verify/%s/%s/%lld",
                                               dv_jstr(it, "demand", ""),
                                               dv_jstr(it, "decide", ""), dv_jint(it, "item")));
            render_attr(n, "reference", dv_jstr(it, "reference", ""));
            render_attr(n, "workflow", def && def->title.n ? dv_text(r, &def->title)
                                                          : dv_jstr(it, "workflow", ""));
            render_attr(n, "decide", decide_label(r, def, dv_jstr(it, "decide", "")));
            render_attr(n, "applicant", dv_jstr(it, "applicant", ""));
            render_attr(n, "opened", dv_jstr(it, "opened", ""));
            render_attr(n, "key", dv_jstr(it, "key", ""));
            if (dv_jstr(it, "outcome", NULL))
                render_attr(n, "outcome", dv_jstr(it, "outcome", ""));
        }
    }
    dp_no_store(r);
    return render_finish(r, 200);
}

/* The repeating group called name in def's forms (a page's, or one nested
 * in it), or NULL. */
static const wf_group_t *
group_named(const wf_def_t *def, const char *name)
{
    size_t f, i, k, n;

    for (f = 0; f < def->n_forms; f++)
        for (i = 0; i < def->forms[f].n_pages; i++)
            for (k = 0; k < def->forms[f].pages[i].n_groups; k++) {
                const wf_group_t *g = &def->forms[f].pages[i].groups[k];

                if (!strcmp(g->name, name))
                    return g;
                for (n = 0; n < g->n_groups; n++)
                    if (!strcmp(g->groups[n].name, name))
                        return &g->groups[n];
            }
    return NULL;
}

static const wf_field_t *
group_field(const wf_group_t *g, const char *name)
{
    size_t i;

    for (i = 0; g != NULL && i < g->n_fields; i++)
        if (!strcmp(g->fields[i].name, name))
            return &g->fields[i];
    return NULL;
}

/* One value of an item of group g, as read: a field's text, or a nested
 * group's items (applications, each with its comment), one line each. */
static void
item_value(req_t *r, xmlNodePtr parent, const wf_def_t *def, const wf_group_t *g,
           const char *key, json_t *v)
{
    const wf_field_t *f = group_field(g, key);
    const wf_group_t *ng = json_is_array(v) ? group_named(def, key) : NULL;
    xmlNodePtr        n;
    size_t            i;
    json_t           *e;

    if (json_is_string(v) && *json_string_value(v) == '\0')
        return;
    n = render_node(parent, "value");
    if (ng != NULL)
        render_attr(n, "label", ng->label.n ? dv_text(r, &ng->label) : key);
    else
        render_attr(n, "label", f != NULL && f->label.n ? dv_text(r, &f->label) : key);
    if (json_is_string(v)) {
        render_attr(n, "text", f != NULL ? dv_display_value(r, f, json_string_value(v))
                                         : json_string_value(v));
        return;
    }
    if (json_is_integer(v)) {
        render_attr(n, "text", pool_printf(r->pool, "%lld", (long long) json_integer_value(v)));
        return;
    }
    json_array_foreach(v, i, e) {
        xmlNodePtr  line = render_node(n, "line");
        const char *k2;
        json_t     *v2;

        json_object_foreach(e, k2, v2) {
            const wf_field_t *f2 = group_field(ng, k2);

            if (!json_is_string(v2) || *json_string_value(v2) == '\0')
                continue;
            render_text(line, "part", f2 != NULL ? dv_display_value(r, f2, json_string_value(v2))
                                                 : json_string_value(v2));
        }
    }
}

static const char *
error_label(req_t *r, const char *field, void *arg)
{
    (void) arg;
    return i18n_get(r->lang, !strcmp(field, "comment") ? "decide.field.comment"
                                                       : "decide.field.outcome");
}

static int
item_page(req_t *r, int status, const wf_field_error_t *errs, int nerrs)
{
    const principal_t *who = principal_of(r);
    const char        *id = req_path_param(r, "id"), *did = req_path_param(r, "decide");
    int                item = atoi(req_path_param(r, "item")), rc;
    wf_demand_t       *d;
    const wf_def_t    *def;
    const wf_decide_t *dc;
    json_t            *items, *it, *mine = NULL, *arr, *elem;
    xmlNodePtr         root, in, data, pn;
    size_t             k, i;
    const char        *key;
    json_t            *v;

    if ((rc = authz_check(r->pool, &r->err, who, AZ_DECIDE_ITEM, id,
                          pool_printf(r->pool, "%s:%d", did, item))) != EN_OK)
        return rc;
    if ((rc = wf_demand_load(r->pool, &r->err, id, &d)) != EN_OK)
        return rc;
    if ((def = dp_def_of(r, d)) == NULL)
        return r->err.code;
    if ((dc = wf_decide_find(def, did)) == NULL)
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no decision %s", did);
    if ((rc = wf_decide_items(r->pool, &r->err, d->id, &items)) != EN_OK)
        return rc;
    json_array_foreach(items, k, it)
        if (!strcmp(dv_jstr(it, "decide", ""), did) && dv_jint(it, "item") == item)
            mine = it;
    if (mine == NULL)
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no such item");

    root = render_begin(r, "decide_item");
    dp_demand_node(r, root, def, d);
    in = render_node(root, "item");
    render_attr(in, "href", pool_printf(r->pool, "/verify/%s/%s/%d", d->id, did, item));
    render_attr(in, "label", decide_label(r, def, did));
    if (dc->description.n > 0)
        render_text(in, "description", dv_text(r, &dc->description));
    render_attr(in, "group-name", dv_jstr(mine, "group_name", ""));
    render_attr(in, "key", dv_jstr(mine, "key", ""));
    if (dv_jstr(mine, "outcome", NULL)) {
        render_attr(in, "outcome", dv_jstr(mine, "outcome", ""));
        render_attr(in, "at", dv_jstr(mine, "at", ""));
        if (dv_jstr(mine, "comment", NULL))
            render_text(in, "comment", dv_jstr(mine, "comment", ""));
    }
    /* what the item asks: its own fields */
    arr = d->form_json != NULL ? json_object_get(d->form_json, dc->over) : NULL;
    elem = json_is_array(arr) ? json_array_get(arr, (size_t) item) : NULL;
    json_object_foreach(elem, key, v)
        item_value(r, in, def, group_named(def, dc->over), key, v);
    /* the form, while an answer is still awaited */
    if (json_is_false(json_object_get(mine, "final")) && dc->in != NULL
        && !strcmp(d->state, dc->in->id)) {
        xmlNodePtr f = render_node(root, "answer");
        const char *posted = req_param(r, "outcome");

        render_attr(f, "comment", dc->comment == WF_COMMENT_REQUIRED ? "required"
                                  : dc->comment == WF_COMMENT_NONE ? "none" : "optional");
        for (i = 0; i < dc->n_outcomes; i++) {
            xmlNodePtr o = render_node(f, "outcome");

            render_attr(o, "value", dc->outcomes[i]);
            if (posted != NULL && !strcmp(posted, dc->outcomes[i]))
                render_attr(o, "checked", "yes");
        }
        if (status != 200 && req_param(r, "comment") != NULL)
            render_text(f, "typed", req_param(r, "comment"));
        for (i = 0; i < (size_t) nerrs; i++)
            render_attr(f, pool_printf(r->pool, "error-%s",
                                       !strcmp(errs[i].field, "comment") ? "comment" : "outcome"),
                        errs[i].key);
    }
    /* the applicant's data, read-only (an item's group is shown above): the
     * forms the applicant fills in a state (a step's own form, such as the
     * one a mailed code is typed in, is not the applicant's data) */
    data = render_node(root, "data");
    for (k = 0; k < def->n_forms; k++) {
        const wf_form_t *fm = &def->forms[k];
        size_t           st;
        int              filled = 0;

        for (st = 0; st < def->n_states; st++)
            filled |= def->states[st].form == fm;
        if (!filled)
            continue;

        for (i = 0; i < fm->n_pages; i++) {
            const wf_page_t *pg = &fm->pages[i];
            size_t           f;

            if (!dv_page_shown(r, pg, d))
                continue;
            pn = render_node(data, "page");
            render_attr(pn, "title", pg->title.n ? dv_text(r, &pg->title) : pg->id);
            for (f = 0; f < pg->n_fields; f++) {
                json_t *sv = d->form_json ? json_object_get(d->form_json, pg->fields[f].name)
                                          : NULL;

                /* a group is shown as the item's values; a file (its stored
                 * reference, an object) is a link to /documents/<id>, which
                 * asks authz: the item's third party reads the demand */
                if (json_is_array(sv) || (json_is_object(sv) && pg->fields[f].type != FIELD_FILE))
                    continue;
                dv_data_item(r, pn, &pg->fields[f], d);
            }
        }
    }
    if (nerrs > 0)
        dv_errors(r, root, errs, nerrs, error_label, NULL, NULL);
    dp_no_store(r);
    return render_finish(r, status);
}

static int
h_verify_item(req_t *r)
{
    return item_page(r, 200, NULL, 0);
}

static int
h_verify_answer(req_t *r)
{
    const char        *id = req_path_param(r, "id"), *did = req_path_param(r, "decide");
    int                item = atoi(req_path_param(r, "item")), rc;
    wf_decide_result_t res;

    rc = wf_decide(r->pool, &r->err, principal_of(r), id, did, item,
                   req_param(r, "outcome"), req_param(r, "comment"), &res);
    if (rc == EN_BADINPUT && res.nerrors > 0) {
        en_clear(&r->err);
        return item_page(r, 422, res.errors, res.nerrors);
    }
    if (rc != EN_OK)
        return rc;
    req_redirect(r, 303, "/verify?answered=1");
    return EN_OK;
}

static const route_param_t verify_params[] = {
    { "which", ROUTE_WORD, 0, 0, 0 },
    { "answered", ROUTE_INT, 0, 1, 0 },
    { NULL, 0, 0, 0, 0 }
};

const route_t decide_routes[] = {
    { "GET", "/verify", "verify", h_verify, 0, verify_params },
    { "GET", "/verify/{id:uuid}/{decide:word}/{item:int}", "verify_item", h_verify_item, 0,
      NULL },
    { "POST", "/verify/{id:uuid}/{decide:word}/{item:int}", "verify_answer", h_verify_answer,
      0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
