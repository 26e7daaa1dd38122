/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_demand.c -- the pages through which people file and follow demands:
 *
 *   GET  /dashboard                    "Avancement des démarches": the active
 *                                      context's demands by bucket, with
 *                                      counts, and the procedures it may start
 *                                      (with the reason when it may not)
 *   POST /demands                      start one (workflow=KEY): a draft, then
 *                                      303 to its first page
 *   GET  /demands/<id>                 the demand: state, progress, data,
 *                                      documents, history, the steps the reader
 *                                      may take (buttons); viewing fires an
 *                                      auto="on-view" step (read receipt)
 *   GET  /demands/<id>/page/<page>     one page of the form ("Étape 2 sur 5")
 *   POST /demands/<id>/page/<page>     saves it (wf_save); 422 with every
 *                                      message next to its field and
 *                                      everything typed kept
 *   POST /demands/<id>/fire/<step>     fires a transition (wf_fire): 303 to the
 *                                      demand, 409 "already done", 422 form again
 *   GET  /documents/<id>               a document, as an attachment
 *
 * Every handler asks authz_check before it reads an object; wf_fire and
 * wf_save ask again for the action itself.  Pages are xslt/pages/
 * dashboard.xsl, demand.xsl, demand_page.xsl, demand_done.xsl and
 * demand_refused.xsl (fields: xslt/form.xsl; texts: xslt/i18n/demand.xml).
 * Round trips per page are counted in docs/pages.md.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "db.h"
#include "demand_view.h"
#include "field.h"
#include "i18n.h"
#include "log.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_demand.h"
#include "wf_fire.h"
#include "wf_store.h"

#define DASHBOARD_PER_BUCKET 50

/* --- small helpers ----------------------------------------------------------- */

/* An id from a URL (page, transition): 1 to 64 of [A-Za-z0-9_.-]. */
static int
word_ok(const char *s, size_t n)
{
    size_t i;

    if (s == NULL || n == 0 || n > 64)
        return 0;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char) s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

static int
not_found(req_t *r)
{
    return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no such page");
}

static const wf_def_t *
def_of(req_t *r, const wf_demand_t *d)
{
    return wf_store_get(&r->err, d->workflow_key, d->definition_version);
}

static const char *
state_label(req_t *r, const wf_def_t *def, const char *id)
{
    const wf_state_t *s = def ? wf_state_find(def, id) : NULL;

    return s != NULL && s->label.n > 0 ? dv_text(r, &s->label) : id;
}

static void
no_store(req_t *r)
{
    req_header(r, "Cache-Control", "no-store");
}

/* The common head of every page about one demand. */
static xmlNodePtr
demand_node(req_t *r, xmlNodePtr root, const wf_def_t *def, const wf_demand_t *d)
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

/* --- GET /dashboard -------------------------------------------------------------- */

/* The order of the dashboard: what asks for an action first. */
static const char *const bucket_order[] = {
    "to-do", "decision-unread", "in-progress", "draft", "archived", NULL
};

typedef struct {
    const char     *key;
    const wf_def_t *def;
    const char     *reason_key;    /* refused: a catalogue key ... */
    const char     *reason_text;   /* ... or the definition's own words */
    int             check_start;   /* index in the batch, -1 when none */
    int             check_grant;
} proc_t;

static int
h_dashboard(req_t *r)
{
    const session_t *s = r->session;
    json_t          *j, *demands, *counts, *keys, *groups, *row;
    xmlNodePtr       root, buckets, procs;
    proc_t          *pr;
    const char     **objs, **args, **reasons;
    az_action_t     *acts;
    int             *allowed, nq = 0, b, rc;
    size_t           i, nk;

    /* one round trip: the demands the reader may see (wf_demand_list's
     * rule), their counts, the procedures published, the agent groups */
    if ((j = wf_demand_dashboard(r->pool, &r->err, s->person_id, s->space_id,
                                 DASHBOARD_PER_BUCKET)) == NULL)
        return r->err.code;
    demands = json_object_get(j, "demands");
    counts = json_object_get(j, "counts");
    keys = json_object_get(j, "keys");
    groups = json_object_get(j, "groups");

    root = render_begin(r, "dashboard");
    buckets = render_node(root, "buckets");
    for (b = 0; bucket_order[b] != NULL; b++) {
        xmlNodePtr bn = render_node(buckets, "bucket");

        render_attr(bn, "name", bucket_order[b]);
        render_attr(bn, "count", pool_printf(r->pool, "%lld", dv_jint(counts, bucket_order[b])));
        json_array_foreach(demands, i, row)
            if (!strcmp(dv_jstr(row, "bucket", ""), bucket_order[b]))
                dv_demand_summary(r, bn, row);
    }

    /* the procedures: the audience judged here (the definition's own
     * reason), the rest by authz_may in one batch */
    nk = json_array_size(keys);
    pr = pool_calloc(r->pool, sizeof(*pr) * (nk + 1));
    objs = pool_calloc(r->pool, sizeof(*objs) * (2 * nk + 1));
    args = pool_calloc(r->pool, sizeof(*args) * (2 * nk + 1));
    reasons = pool_calloc(r->pool, sizeof(*reasons) * (2 * nk + 1));
    allowed = pool_calloc(r->pool, sizeof(*allowed) * (2 * nk + 1));
    acts = pool_calloc(r->pool, sizeof(*acts) * (2 * nk + 1));
    for (i = 0; i < nk; i++) {
        const wf_audience_t *a;
        en_err_t             err;
        int                  ver;

        en_clear(&err);
        pr[i].key = json_string_value(json_array_get(keys, i));
        pr[i].check_start = pr[i].check_grant = -1;
        if (pr[i].key == NULL || (pr[i].def = wf_store_current(&err, pr[i].key, &ver)) == NULL)
            continue;
        a = &pr[i].def->audience;
        if ((a->space == WF_SPACE_PROFESSIONAL && s->space_id == NULL)
            || (a->space == WF_SPACE_PERSONAL && s->space_id != NULL)) {
            pr[i].reason_text = a->refusal.n > 0 ? dv_text(r, &a->refusal) : NULL;
            pr[i].reason_key = a->space == WF_SPACE_PROFESSIONAL ? "authz.professional_only"
                                                                : "authz.personal_only";
            continue;
        }
        if ((int) a->assurance > (int) s->assurance) {
            pr[i].reason_key = "demand.start.assurance";
            continue;
        }
        pr[i].check_start = nq;
        acts[nq] = AZ_START_DEMAND;
        objs[nq] = pr[i].key;
        args[nq++] = wf_audience_arg(r->pool, a);
        if (a->protected_service && s->space_id != NULL) {
            /* the grant, asked as POST /demands asks it */
            pr[i].check_grant = nq;
            acts[nq] = AZ_USE_SERVICE;
            objs[nq] = NULL;                    /* the active space */
            args[nq++] = pr[i].key;
        }
    }
    if ((rc = authz_check_many(r, nq, acts, objs, args, allowed, reasons)) != EN_OK)
        return rc;
    procs = render_node(root, "procedures");
    for (i = 0; i < nk; i++) {
        xmlNodePtr pn;
        int        ok = 1;

        if (pr[i].def == NULL)
            continue;
        if (pr[i].check_start >= 0 && !allowed[pr[i].check_start]) {
            if (reasons[pr[i].check_start][0] == '\0')
                continue;                       /* notfound: not for this reader */
            ok = 0;
            pr[i].reason_key = reasons[pr[i].check_start];
        } else if (pr[i].check_grant >= 0 && !allowed[pr[i].check_grant]) {
            ok = 0;
            pr[i].reason_key = reasons[pr[i].check_grant][0] ? reasons[pr[i].check_grant]
                                                            : "authz.no_grant";
        } else if (pr[i].check_start < 0) {
            ok = 0;
        }
        pn = render_node(procs, "procedure");
        render_attr(pn, "key", pr[i].key);
        render_attr(pn, "title", pr[i].def->title.n ? dv_text(r, &pr[i].def->title) : pr[i].key);
        if (pr[i].def->description.n > 0)
            render_text(pn, "description", dv_text(r, &pr[i].def->description));
        render_attr(pn, "available", ok ? "yes" : "no");
        if (!ok) {
            if (pr[i].reason_text != NULL)
                render_text(pn, "reason", pr[i].reason_text);
            else
                render_attr(pn, "reason-key", pr[i].reason_key ? pr[i].reason_key
                                                               : "err.forbidden");
        }
    }
    if (json_array_size(groups) > 0) {
        xmlNodePtr gs = render_node(root, "agent-groups");
        json_t    *g;

        json_array_foreach(groups, i, g) {
            xmlNodePtr gn = render_node(gs, "group");

            render_attr(gn, "id", dv_jstr(g, "id", ""));
            render_attr(gn, "name", dv_jstr(g, "name", ""));
        }
    }
    if (s->nspaces > 0)
        render_attr(root, "has-spaces", "yes");
    no_store(r);
    return render_finish(r, 200);
}

/* --- POST /demands ------------------------------------------------------------------- */

static int
render_refused(req_t *r, const wf_def_t *def, const char *key)
{
    xmlNodePtr root = render_begin(r, "demand_refused"), n;

    n = render_node(root, "refused");
    render_attr(n, "workflow", key);
    render_attr(n, "title", def && def->title.n ? dv_text(r, &def->title) : key);
    /* the definition's own words for a wrong space; a catalogue key else */
    if (!strncmp(r->err.key, "wf.audience.", 12) && r->err.msg[0])
        render_text(n, "reason", r->err.msg);
    else
        render_attr(n, "reason-key", r->err.key[0] ? r->err.key : "err.forbidden");
    if (r->session != NULL && r->session->nspaces > 0)
        render_attr(root, "has-spaces", "yes");
    no_store(r);
    return render_finish(r, r->err.code == EN_UNAUTH ? 401 : 403);
}

static int
h_demand_start(req_t *r)
{
    const char      *key = req_param(r, "workflow");
    const wf_def_t  *def;
    const wf_state_t *init;
    wf_demand_t     *d;
    wf_who_t         who;
    wf_page_t      **pages;
    size_t           np;
    int              ver, rc;

    if (key == NULL || !word_ok(key, strlen(key)))
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no such procedure");
    if ((def = wf_store_current(&r->err, key, &ver)) == NULL)
        return r->err.code == EN_NOTFOUND
               ? en_set(&r->err, EN_NOTFOUND, "err.notfound", "no such procedure") : r->err.code;
    /* a protected service: the member needs the référent's grant (the
     * référent always has it) -- asked before anything is written */
    if (def->audience.protected_service && r->session->space_id != NULL
        && (rc = authz_check(r, AZ_USE_SERVICE, NULL, key)) != EN_OK)
        return rc == EN_FORBIDDEN ? render_refused(r, def, key) : rc;
    wf_who_person(&who, r);
    rc = wf_demand_create(r->pool, &r->err, &who, key, &d);
    if (rc == EN_FORBIDDEN)
        return render_refused(r, def, key);
    if (rc != EN_OK)
        return rc;
    init = wf_state_find(def, d->state);
    pages = dv_edit_pages(r, init, d, &np);
    req_redirect(r, 303, np > 0
                 ? pool_printf(r->pool, "/demands/%s/page/%s", d->id, pages[0]->id)
                 : pool_printf(r->pool, "/demands/%s", d->id));
    return EN_OK;
}

/* --- GET /demands/<id> --------------------------------------------------------------- */


/* What a refused POST hands back to the page it re-renders. */
typedef struct {
    const char             *transition;  /* the step whose form is shown again */
    const wf_field_error_t *errors;
    int                     nerrors;
} fire_back_t;

typedef struct {
    const char     *demand_id;
    const wf_def_t *def;
    const wf_state_t *state;
    const char     *tid;                 /* the transition of inline fields */
} href_ctx_t;

static const wf_attach_t *
find_attach(const wf_def_t *def, const char *name)
{
    size_t i, k;

    for (i = 0; def != NULL && i < def->n_transitions; i++)
        for (k = 0; k < def->transitions[i].n_attach; k++)
            if (!strcmp(def->transitions[i].attach[k].name, name))
                return &def->transitions[i].attach[k];
    return NULL;
}

static const char *
field_label(req_t *r, const char *field, void *arg)
{
    href_ctx_t        *c = arg;
    const wf_field_t  *f;
    const wf_attach_t *a;

    if (field == NULL)
        return NULL;
    if (!strcmp(field, "comment"))
        return i18n_get(r->lang, "demand.comment");
    if ((f = wf_def_field_find(c->def, field)) != NULL && f->label.n > 0)
        return dv_text(r, &f->label);
    if ((a = find_attach(c->def, field)) != NULL && a->label.n > 0)
        return dv_text(r, &a->label);
    return field;
}

/* Where to fix a refused field: its form page for the owner's form, the
 * step's own form on this page otherwise. */
static const char *
detail_href(req_t *r, const char *field, void *arg)
{
    href_ctx_t       *c = arg;
    const wf_page_t  *pg;
    const wf_transition_t *t = c->tid ? wf_transition_find(c->def, c->tid) : NULL;

    if (field == NULL)
        return NULL;
    if (c->state != NULL && c->state->form != NULL
        && (t == NULL || t->form == NULL || t->form == c->state->form)
        && (pg = dv_field_page(c->state->form, field)) != NULL)
        return pool_printf(r->pool, "/demands/%s/page/%s#f-%s", c->demand_id, pg->id, field);
    return pool_printf(r->pool, "#t-%s-%s", c->tid ? c->tid : "x", field);
}

/* The stored data of one form, page by page, for reading. */
static void
data_form(req_t *r, xmlNodePtr parent, const wf_form_t *form, const wf_demand_t *d,
          int editable, const fire_back_t *back)
{
    xmlNodePtr fn = render_node(parent, "form");
    size_t     i, k;

    render_attr(fn, "id", form->id);
    render_attr(fn, "title", form->title.n ? dv_text(r, &form->title) : "");
    for (i = 0; i < form->n_pages; i++) {
        const wf_page_t *pg = &form->pages[i];
        xmlNodePtr       pn;

        if (!dv_page_shown(r, pg, d))
            continue;
        pn = render_node(fn, "page");
        render_attr(pn, "id", pg->id);
        render_attr(pn, "title", pg->title.n ? dv_text(r, &pg->title) : pg->id);
        if (editable)
            render_attr(pn, "edit-href", pool_printf(r->pool, "/demands/%s/page/%s", d->id, pg->id));
        for (k = 0; k < pg->n_fields; k++) {
            const wf_field_t       *f = &pg->fields[k];
            const char             *v, *doc = NULL, *fname = NULL;
            long long               size = 0;
            xmlNodePtr              it;
            const wf_field_error_t *e = back ? dv_error_for(back->errors, back->nerrors, f->name)
                                             : NULL;

            if (!dv_cond_holds(r, &f->shown_when, d, NULL))
                continue;
            it = render_node(pn, "item");
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
            if (e != NULL) {
                render_attr(it, "error", e->key ? e->key : "field.invalid");
                if (e->arg)
                    render_attr(it, "error-arg", e->arg);
            }
        }
    }
}

static int
form_has_data(const wf_form_t *form, const wf_demand_t *d)
{
    size_t i, k;

    for (i = 0; i < form->n_pages; i++)
        for (k = 0; k < form->pages[i].n_fields; k++)
            if (d->form_json && json_object_get(d->form_json, form->pages[i].fields[k].name))
                return 1;
    return 0;
}

/* A transition's attachment as a file <field>. */
static void
attach_field(req_t *r, xmlNodePtr parent, const wf_transition_t *t, const wf_attach_t *a,
             const fire_back_t *back)
{
    wf_field_t f;

    memset(&f, 0, sizeof(f));
    f.name = a->name;
    f.type_name = "file";
    f.type = FIELD_FILE;
    f.rules = a->rules;
    f.label = a->label;
    dv_field(r, parent, &f, pool_printf(r->pool, "t-%s-", t->id), NULL,
             back && back->transition && !strcmp(back->transition, t->id)
             ? dv_error_for(back->errors, back->nerrors, a->name) : NULL, NULL);
}

/* One step the reader may take, as a form. */
static void
action_node(req_t *r, xmlNodePtr parent, const wf_demand_t *d, const wf_state_t *s,
            const wf_transition_t *t, const fire_back_t *back)
{
    xmlNodePtr  an = render_node(parent, "action");
    int         mine = back && back->transition && !strcmp(back->transition, t->id);
    int         multipart = t->n_attach > 0;
    const char *prefix = pool_printf(r->pool, "t-%s-", t->id);
    size_t      i, k;

    render_attr(an, "id", t->id);
    render_attr(an, "href", pool_printf(r->pool, "/demands/%s/fire/%s", d->id, t->id));
    render_attr(an, "label", t->label.n ? dv_text(r, &t->label) : t->id);
    if (t->description.n > 0)
        render_text(an, "description", dv_text(r, &t->description));
    render_attr(an, "comment", t->comment == WF_COMMENT_REQUIRED ? "required"
                               : t->comment == WF_COMMENT_NONE ? "none" : "optional");
    render_attr(an, "kind", t->to != NULL && t->to->final && t->to->bucket == WF_BUCKET_ARCHIVED
                            && t->n_attach == 0 ? "secondary" : "primary");
    render_attr(an, "prefix", prefix);
    if (mine) {
        const wf_field_error_t *ce = dv_error_for(back->errors, back->nerrors, "comment");
        const char             *cv = req_param(r, "comment");

        render_attr(an, "open", "yes");
        if (cv != NULL)
            render_text(an, "comment-value", cv);
        if (ce != NULL) {
            render_attr(an, "comment-error", ce->key);
            if (ce->arg)
                render_attr(an, "comment-error-arg", ce->arg);
        }
    }
    /* the step's own form (a decision), unless it is the form the owner
     * fills in page by page (submit, resubmit: validated from storage) */
    if (t->form != NULL && t->form != s->form) {
        size_t np = t->n_pages > 0 ? t->n_pages : t->form->n_pages;

        for (i = 0; i < np; i++) {
            const wf_page_t *pg = t->n_pages > 0 ? t->pages[i] : &t->form->pages[i];

            for (k = 0; pg != NULL && k < pg->n_fields; k++) {
                const wf_field_t *f = &pg->fields[k];
                const char       *v = mine ? dv_posted(r, r->form, f) : NULL;

                if (v == NULL)
                    v = dv_input_value(r->pool, f, wf_demand_field(r->pool, d, f->name));
                if (f->type == FIELD_FILE)
                    multipart = 1;
                dv_field(r, an, f, prefix, v,
                         mine ? dv_error_for(back->errors, back->nerrors, f->name) : NULL, d);
            }
        }
    }
    for (i = 0; i < t->n_attach; i++)
        attach_field(r, an, t, &t->attach[i], back);
    if (multipart)
        render_attr(an, "multipart", "yes");
}

static const char *
event_label(req_t *r, const wf_def_t *def, const char *tid)
{
    const wf_transition_t *t;

    if (!strcmp(tid, "create"))
        return i18n_get(r->lang, "demand.event.create");
    if (!strcmp(tid, "purge"))
        return i18n_get(r->lang, "demand.event.purge");
    t = def ? wf_transition_find(def, tid) : NULL;
    return t != NULL && t->label.n > 0 ? dv_text(r, &t->label) : tid;
}

/* The demand page.  status 200, or 422 with back (a refused step). */
static int
page_detail(req_t *r, const char *id, int status, const fire_back_t *back)
{
    json_t                *j, *ev, *docs;
    wf_demand_t           *d;
    const wf_def_t        *def;
    const wf_state_t      *s;
    const wf_transition_t **cand;
    const char           **objs, **roles;
    az_action_t           *acts;
    int                   *allowed, nc = 0, i, rc, fired = 0, owner_i;
    xmlNodePtr             root, dn, data, docs_n, hist, act_n;
    size_t                 k;
    char                  *text;
    href_ctx_t             hc;

again:
    /* the demand and whether the reader may see it, in one statement */
    if ((j = wf_demand_detail_as(r->pool, &r->err, r->session->person_id,
                                 r->session->space_id, id)) == NULL)
        return r->err.code == EN_NOTFOUND
               ? authz_verdict(r, AZ_VIEW_DEMAND, id, "notfound", NULL) : r->err.code;
    if ((rc = authz_verdict(r, AZ_VIEW_DEMAND, id, dv_jstr(j, "verdict", NULL),
                            dv_jstr(j, "reason", NULL))) != EN_OK)
        return rc;
    j = json_object_get(j, "detail");
    text = json_dumps(json_object_get(j, "demand"), JSON_COMPACT);
    d = wf_demand_from_json(r->pool, text ? text : "", &r->err);
    free(text);
    if (d == NULL)
        return r->err.code;
    if ((def = def_of(r, d)) == NULL)
        return r->err.code;
    if ((s = wf_state_find(def, d->state)) == NULL)
        return en_set(&r->err, EN_INTERNAL, "err.internal", "demand in unknown state %s",
                      d->state);

    /* which steps the reader may take: one batched question */
    cand = pool_calloc(r->pool, sizeof(*cand) * (s->n_out + 1));
    objs = pool_calloc(r->pool, sizeof(*objs) * (s->n_out + 2));
    roles = pool_calloc(r->pool, sizeof(*roles) * (s->n_out + 2));
    allowed = pool_calloc(r->pool, sizeof(*allowed) * (s->n_out + 2));
    acts = pool_calloc(r->pool, sizeof(*acts) * (s->n_out + 2));
    for (k = 0; k < s->n_out; k++) {
        const char *ro = wf_people_roles(r->pool, s->out[k]);

        if (*ro == '\0')
            continue;
        cand[nc] = s->out[k];
        acts[nc] = AZ_FIRE_TRANSITION;
        objs[nc] = d->id;
        roles[nc++] = ro;
    }
    owner_i = nc;
    acts[nc] = AZ_FIRE_TRANSITION;
    objs[nc] = d->id;
    roles[nc] = "owner";
    if ((rc = authz_check_many(r, nc + 1, acts, objs, roles, allowed, NULL)) != EN_OK)
        return rc;

    /* a read receipt: viewing the demand fires it (once; a conflict means
     * another window did it first) */
    if (!fired && back == NULL && !strcmp(r->method, "GET")) {
        for (i = 0; i < nc; i++) {
            wf_who_t    who;
            wf_result_t res;

            if (!cand[i]->auto_on_view || !allowed[i])
                continue;
            wf_who_person(&who, r);
            rc = wf_fire(r->pool, &r->err, &who, d->id, cand[i]->id, NULL, &res);
            if (rc != EN_OK && rc != EN_CONFLICT)
                return rc;
            en_clear(&r->err);
            fired = 1;
            goto again;
        }
    }

    root = render_begin(r, "demand");
    dn = demand_node(r, root, def, d);
    render_attr(dn, "created", dv_jstr(j, "created", ""));
    render_attr(dn, "updated", dv_jstr(j, "updated", ""));
    if (dv_jstr(j, "submitted", NULL))
        render_attr(dn, "submitted", dv_jstr(j, "submitted", ""));
    render_attr(dn, "owner", dv_jstr(j, "owner", ""));
    if (dv_jstr(j, "entity", NULL))
        render_attr(dn, "entity", dv_jstr(j, "entity", ""));
    if (allowed[owner_i])
        render_attr(dn, "viewer", "owner");

    if (status == 200 && !fired) {
        const char            *done = req_param(r, "done");
        const wf_transition_t *t = done && word_ok(done, strlen(done))
                                   ? wf_transition_find(def, done) : NULL;

        if (t != NULL)
            render_attr(render_node(root, "done"), "label",
                        t->label.n ? dv_text(r, &t->label) : t->id);
    }
    if (fired)
        render_attr(root, "read-receipt", "yes");

    /* editing the owner's form, page by page */
    if (s->form != NULL && allowed[owner_i]) {
        size_t      np;
        wf_page_t **pages = dv_edit_pages(r, s, d, &np);

        if (np > 0)
            render_attr(render_node(root, "edit"), "href",
                        pool_printf(r->pool, "/demands/%s/page/%s", d->id, pages[0]->id));
    }

    /* the data entered: the owner's form always, other forms once filled */
    data = render_node(root, "data");
    for (k = 0; k < def->n_forms; k++) {
        const wf_form_t *f = &def->forms[k];

        if (f == s->form || (s->form == NULL && k == 0) || form_has_data(f, d))
            data_form(r, data, f, d, f == s->form && allowed[owner_i], back);
    }

    /* documents that are no form field's (a decision letter...) */
    docs_n = render_node(root, "documents");
    docs = json_object_get(j, "documents");
    {
        json_t *doc;

        json_array_foreach(docs, k, doc) {
            const char        *field = dv_jstr(doc, "field", "");
            const wf_attach_t *a = find_attach(def, field);
            xmlNodePtr         dd;

            if (wf_def_field_find(def, field) != NULL)
                continue;               /* shown with the form's data */
            dd = render_node(docs_n, "document");
            render_attr(dd, "id", dv_jstr(doc, "id", ""));
            render_attr(dd, "label", a != NULL && a->label.n ? dv_text(r, &a->label) : field);
            render_attr(dd, "filename", dv_jstr(doc, "filename", ""));
            render_attr(dd, "size-kb", pool_printf(r->pool, "%lld",
                                                   (dv_jint(doc, "size") + 1023) / 1024));
            render_attr(dd, "at", dv_jstr(doc, "at", ""));
        }
    }

    hist = render_node(root, "history");
    json_array_foreach(json_object_get(j, "events"), k, ev) {
        xmlNodePtr  e = render_node(hist, "event");
        const char *to = dv_jstr(ev, "to", NULL), *c = dv_jstr(ev, "comment", NULL);

        render_attr(e, "at", dv_jstr(ev, "at", ""));
        render_attr(e, "iso", dv_jstr(ev, "iso", ""));
        render_attr(e, "label", event_label(r, def, dv_jstr(ev, "transition", "")));
        if (to != NULL)
            render_attr(e, "to", state_label(r, def, to));
        render_attr(e, "kind", dv_jstr(ev, "kind", ""));
        if (dv_jstr(ev, "actor", NULL))
            render_attr(e, "actor", dv_jstr(ev, "actor", ""));
        if (c != NULL)
            render_text(e, "comment", c);
    }

    act_n = render_node(root, "actions");
    for (i = 0; i < nc; i++)
        if (allowed[i] && !cand[i]->auto_on_view)
            action_node(r, act_n, d, s, cand[i], back);

    if (back != NULL && back->nerrors > 0) {
        hc.demand_id = d->id;
        hc.def = def;
        hc.state = s;
        hc.tid = back->transition;
        dv_errors(r, root, back->errors, back->nerrors, field_label, detail_href, &hc);
    }
    no_store(r);
    return render_finish(r, status);
}

/* --- the form, page by page ------------------------------------------------------------ */

typedef struct {
    const wf_field_error_t *errors;
    int                     nerrors;
    const kv_t             *posted;     /* what was typed, to give back */
} page_back_t;

static const char *
page_label(req_t *r, const char *field, void *arg)
{
    const wf_page_t  *pg = arg;
    size_t            i;

    for (i = 0; field != NULL && i < pg->n_fields; i++)
        if (!strcmp(pg->fields[i].name, field))
            return pg->fields[i].label.n ? dv_text(r, &pg->fields[i].label) : field;
    return field;
}

/* The value a field's input shows: what was just typed, else what is
 * stored, else (never saved yet) what the person's profile says. */
static const char *
field_value(req_t *r, const wf_field_t *f, const wf_demand_t *d, const page_back_t *back)
{
    const session_t *s = r->session;
    const char      *v;

    if (back != NULL && back->posted != NULL && (v = dv_posted(r, back->posted, f)) != NULL)
        return v;
    if ((v = wf_demand_field(r->pool, d, f->name)) != NULL)
        return dv_input_value(r->pool, f, v);
    if (f->prefill == NULL || s == NULL)
        return NULL;
    if (!strcmp(f->prefill, "person.name"))
        return s->display_name;
    if (!strcmp(f->prefill, "person.email"))
        return s->email;
    if (!strcmp(f->prefill, "entity.name"))
        return s->space_name;
    return NULL;
}

static int
render_form_page(req_t *r, const wf_def_t *def, const wf_demand_t *d, wf_page_t **pages,
                 size_t np, size_t at, int status, const page_back_t *back)
{
    const wf_page_t *pg = pages[at];
    xmlNodePtr       root, steps, fp;
    size_t           i;
    int              multipart = 0;

    root = render_begin(r, "demand_page");
    demand_node(r, root, def, d);
    steps = render_node(root, "steps");
    render_attr(steps, "current", pool_printf(r->pool, "%zu", at + 1));
    render_attr(steps, "count", pool_printf(r->pool, "%zu", np));
    for (i = 0; i < np; i++) {
        xmlNodePtr st = render_node(steps, "step");

        render_attr(st, "n", pool_printf(r->pool, "%zu", i + 1));
        render_attr(st, "title", pages[i]->title.n ? dv_text(r, &pages[i]->title) : pages[i]->id);
        if (i == at)
            render_attr(st, "current", "yes");
        else if (i < at)
            render_attr(st, "done", "yes");
    }
    fp = render_node(root, "form-page");
    render_attr(fp, "id", pg->id);
    render_attr(fp, "title", pg->title.n ? dv_text(r, &pg->title) : pg->id);
    if (pg->help.n > 0)
        render_text(fp, "help", dv_text(r, &pg->help));
    render_attr(fp, "action", pool_printf(r->pool, "/demands/%s/page/%s", d->id, pg->id));
    if (at == 0)
        render_attr(fp, "first", "yes");
    if (at + 1 == np)
        render_attr(fp, "last", "yes");
    for (i = 0; i < pg->n_fields; i++) {
        const wf_field_t *f = &pg->fields[i];

        /* a condition on another page that does not hold: not asked */
        if (f->shown_when.text != NULL && f->shown_when.field != NULL
            && f->shown_when.field->page != pg && !dv_cond_holds(r, &f->shown_when, d, NULL))
            continue;
        if (f->type == FIELD_FILE)
            multipart = 1;
        dv_field(r, fp, f, "f-", field_value(r, f, d, back),
                 back ? dv_error_for(back->errors, back->nerrors, f->name) : NULL, d);
    }
    if (multipart)
        render_attr(fp, "multipart", "yes");
    if (back != NULL && back->nerrors > 0)
        dv_errors(r, root, back->errors, back->nerrors, page_label, NULL, (void *) pg);
    if (status == 200 && req_param(r, "saved") != NULL)
        render_node(root, "saved");
    no_store(r);
    return render_finish(r, status);
}

/* A step that cannot happen (any more): where the demand is now. */
static int
render_done(req_t *r, const char *id, const char *key, const char *tid)
{
    wf_demand_t     *d;
    const wf_def_t  *def;
    xmlNodePtr       root, c;
    en_err_t         keep = r->err;
    int              rc;

    if ((rc = wf_demand_load(r->pool, &r->err, id, &d)) != EN_OK)
        return rc;
    if ((def = def_of(r, d)) == NULL)
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
    demand_node(r, root, def, d);
    r->err = keep;
    no_store(r);
    return render_finish(r, 409);
}

/* Locates page_id among the pages the owner edits now. */
static int
load_for_edit(req_t *r, const char *id, const char *page_id, wf_demand_t **d,
              const wf_def_t **def, wf_page_t ***pages, size_t *np, size_t *at)
{
    const wf_state_t *s;
    int               rc;

    /* editing is the owner's step: asked before the demand is read */
    if ((rc = authz_check(r, AZ_FIRE_TRANSITION, id, "owner")) != EN_OK)
        return rc;
    if ((rc = wf_demand_load(r->pool, &r->err, id, d)) != EN_OK)
        return rc;
    if ((*def = def_of(r, *d)) == NULL)
        return r->err.code;
    s = wf_state_find(*def, (*d)->state);
    *pages = dv_edit_pages(r, s, *d, np);
    for (*at = 0; *at < *np; (*at)++)
        if (!strcmp((*pages)[*at]->id, page_id))
            return EN_OK;
    if (s == NULL || s->form == NULL)
        return en_set(&r->err, EN_CONFLICT, "wf.save.closed", "not editable");
    return not_found(r);
}

static int
page_get(req_t *r, const char *id, const char *page_id)
{
    wf_demand_t     *d;
    const wf_def_t  *def;
    wf_page_t      **pages;
    size_t           np, at;
    int              rc = load_for_edit(r, id, page_id, &d, &def, &pages, &np, &at);

    if (rc == EN_CONFLICT && !strcmp(r->err.key, "wf.save.closed")) {
        /* no longer editable: the demand itself says where it is */
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s", id));
        return EN_OK;
    }
    if (rc != EN_OK)
        return rc;
    return render_form_page(r, def, d, pages, np, at, 200, NULL);
}

/* Nothing but blanks (spaces, tabs, line ends, no-break spaces): what
 * field_validate counts as absent. */
static int
is_blank(const char *s)
{
    if (s == NULL)
        return 1;
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        else if ((unsigned char) s[0] == 0xC2 && (unsigned char) s[1] == 0xA0)
            s += 2;
        else
            return 0;
    }
    return 1;
}

static const upload_t *
upload_for(const upload_t *list, const char *name)
{
    const upload_t *u;

    for (u = list; u != NULL; u = u->next)
        if (!strcmp(u->field, name) && u->len > 0)
            return u;
    return NULL;
}

/* The input of this page only: its fields as sent (an absent one, such as
 * an unticked box, as ""), its files; without those named in skip. */
static void
page_input(req_t *r, const wf_page_t *pg, const wf_field_error_t *skip, int nskip,
           kv_t **form, upload_t **files, int *n)
{
    size_t i;

    *form = NULL;
    *files = NULL;
    *n = 0;
    for (i = 0; i < pg->n_fields; i++) {
        const wf_field_t *f = &pg->fields[i];
        const kv_t       *kv;
        int               sent = 0;

        if (dv_error_for(skip, nskip, f->name) != NULL)
            continue;
        if (f->type == FIELD_FILE) {
            const upload_t *u = upload_for(r->uploads, f->name);

            if (u != NULL) {
                upload_t *c = pool_memdup(r->pool, u, sizeof(*u));

                c->next = *files;
                *files = c;
                (*n)++;
            }
            continue;
        }
        for (kv = r->form; kv != NULL; kv = kv->next)
            if (!strcmp(kv->name, f->name)) {
                kv_add(r->pool, form, f->name, kv->value);
                sent = 1;
            }
        if (!sent)
            kv_add(r->pool, form, f->name, "");
        (*n)++;
    }
}

static int
page_post(req_t *r, const char *id, const char *page_id)
{
    wf_demand_t      *d;
    const wf_def_t   *def;
    wf_page_t       **pages;
    const wf_page_t  *pg;
    size_t            np, at, i;
    const char       *nav = req_param(r, "nav");
    wf_input_t        in;
    wf_result_t       res;
    wf_who_t          who;
    kv_t             *form;
    upload_t         *files;
    wf_field_error_t *errs = NULL;
    int               nerrs = 0, n, rc, saved_file = 0;
    page_back_t       back;

    if (nav == NULL || (strcmp(nav, "prev") && strcmp(nav, "save")))
        nav = "next";
    rc = load_for_edit(r, id, page_id, &d, &def, &pages, &np, &at);
    if (rc == EN_CONFLICT && !strcmp(r->err.key, "wf.save.closed"))
        return render_done(r, id, "wf.save.closed", NULL);
    if (rc != EN_OK)
        return rc;
    pg = pages[at];
    wf_who_person(&who, r);
    memset(&in, 0, sizeof(in));
    page_input(r, pg, NULL, 0, &form, &files, &n);
    in.form = form;
    in.uploads = files;
    rc = wf_save_loaded(r->pool, &r->err, &who, d, &in, &res);
    if (rc == EN_BADINPUT) {
        /* keep what was right: save the rest (a valid file above all, which
         * a browser cannot send again by itself) */
        errs = res.errors;
        nerrs = res.nerrors;
        page_input(r, pg, errs, nerrs, &form, &files, &n);
        if (n > 0) {
            en_err_t    e2;
            wf_result_t r2;

            en_clear(&e2);
            memset(&in, 0, sizeof(in));
            in.form = form;
            in.uploads = files;
            if (wf_save_loaded(r->pool, &e2, &who, d, &in, &r2) == EN_OK)
                saved_file = files != NULL;
        }
        en_clear(&r->err);
    } else if (rc == EN_CONFLICT) {
        return render_done(r, id, r->err.key[0] ? r->err.key : "err.conflict", NULL);
    } else if (rc != EN_OK) {
        return rc;
    } else {
        saved_file = files != NULL;
    }

    /* "next": this page is complete before going on (required-ness) */
    if (!strcmp(nav, "next")) {
        wf_field_error_t *all = pool_calloc(r->pool, sizeof(*all) * (pg->n_fields + (size_t) nerrs + 1));
        int               na = 0;

        for (i = 0; i < pg->n_fields; i++) {
            const wf_field_t       *f = &pg->fields[i];
            const wf_field_error_t *e = dv_error_for(errs, nerrs, f->name);
            int                     req = f->rules.required;

            if (e != NULL) {
                all[na++] = *e;
                continue;
            }
            if (!dv_cond_holds(r, &f->shown_when, d, r->form))
                continue;
            if (!req && f->required_when.text != NULL)
                req = dv_cond_holds(r, &f->required_when, d, r->form);
            if (!req)
                continue;
            if (f->type == FIELD_FILE
                ? upload_for(r->uploads, f->name) == NULL
                  && !dv_stored_document(d, f->name, NULL, NULL, NULL)
                : is_blank(dv_posted(r, r->form, f))) {
                all[na].field = f->name;
                all[na].key = "field.required";
                all[na++].arg = NULL;
            }
        }
        errs = all;
        nerrs = na;
    }
    if (nerrs > 0) {
        /* shown again with what was typed; a file saved meanwhile shows */
        if (saved_file && wf_demand_load(r->pool, &r->err, id, &d) != EN_OK)
            return r->err.code;
        back.errors = errs;
        back.nerrors = nerrs;
        back.posted = r->form;
        return render_form_page(r, def, d, pages, np, at, 422, &back);
    }
    if (!strcmp(nav, "save"))
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s/page/%s?saved=1", id, pg->id));
    else if (!strcmp(nav, "prev"))
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s/page/%s", id,
                                         pages[at > 0 ? at - 1 : 0]->id));
    else if (at + 1 < np)
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s/page/%s", id, pages[at + 1]->id));
    else
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s#actions", id));
    return EN_OK;
}

/* --- POST /demands/<id>/fire/<step> ----------------------------------------------------- */

static int
fire_post(req_t *r, const char *id, const char *tid)
{
    wf_input_t  in;
    wf_result_t res;
    wf_who_t    who;
    const char *ver = req_param(r, "version");
    int         rc;

    /* the reader must at least see the demand: else a conflict would tell
     * a stranger that it exists and where it stands */
    if ((rc = authz_check(r, AZ_VIEW_DEMAND, id, NULL)) != EN_OK)
        return rc;
    memset(&in, 0, sizeof(in));
    in.form = r->form;
    in.uploads = r->uploads;
    in.comment = req_param(r, "comment");
    in.expected_version = ver != NULL ? atoi(ver) : 0;
    if (in.expected_version < 0)
        in.expected_version = 0;
    wf_who_person(&who, r);
    rc = wf_fire(r->pool, &r->err, &who, id, tid, &in, &res);
    if (rc == EN_OK) {
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s?done=%s", id, tid));
        return EN_OK;
    }
    if (rc == EN_CONFLICT)
        return render_done(r, id, r->err.key[0] ? r->err.key : "err.conflict", tid);
    if (rc == EN_BADINPUT && res.nerrors > 0) {
        fire_back_t back;

        back.transition = tid;
        back.errors = res.errors;
        back.nerrors = res.nerrors;
        en_clear(&r->err);
        return page_detail(r, id, 422, &back);
    }
    if (rc == EN_NOTFOUND && !strcmp(r->err.key, "wf.transition.unknown"))
        return not_found(r);
    return rc;
}

/* --- /demands/<id>[/page/<p> | /fire/<t>] ------------------------------------------------ */

typedef enum { DR_DETAIL, DR_PAGE, DR_FIRE, DR_BAD } demand_route_t;

static demand_route_t
parse_demand_path(req_t *r, const char **id, const char **arg)
{
    const char *p = r->path_arg, *rest;

    *id = *arg = NULL;
    if (p == NULL || strlen(p) < 36)
        return DR_BAD;
    *id = pool_strndup(r->pool, p, 36);
    if (!wf_uuid_ok(*id))
        return DR_BAD;
    rest = p + 36;
    if (*rest == '\0')
        return DR_DETAIL;
    if (!strncmp(rest, "/page/", 6) && word_ok(rest + 6, strlen(rest + 6))) {
        *arg = rest + 6;
        return DR_PAGE;
    }
    if (!strncmp(rest, "/fire/", 6) && word_ok(rest + 6, strlen(rest + 6))) {
        *arg = rest + 6;
        return DR_FIRE;
    }
    return DR_BAD;
}

static int
h_demand_get(req_t *r)
{
    const char *id, *arg;

    switch (parse_demand_path(r, &id, &arg)) {
    case DR_DETAIL:
        /* page_detail asks AZ_VIEW_DEMAND with its read */
        return page_detail(r, id, 200, NULL);
    case DR_PAGE:
        return page_get(r, id, arg);
    default:
        return not_found(r);
    }
}

static int
h_demand_post(req_t *r)
{
    const char *id, *arg;

    switch (parse_demand_path(r, &id, &arg)) {
    case DR_PAGE:
        return page_post(r, id, arg);
    case DR_FIRE:
        return fire_post(r, id, arg);
    default:
        return not_found(r);
    }
}

/* --- GET /documents/<id> ----------------------------------------------------------------- */

/* Content-Disposition for a name the user chose: an ASCII fallback with
 * nothing that could break the header, and the UTF-8 name encoded. */
static const char *
disposition(pool_t *p, const char *name)
{
    buf_t       ascii, utf;
    const char *s;

    buf_init(&ascii, p);
    buf_init(&utf, p);
    buf_add(&ascii, "", 0);
    buf_add(&utf, "", 0);
    for (s = name; *s && ascii.len < 150; s++) {
        unsigned char c = (unsigned char) *s;

        buf_putc(&ascii, isalnum(c) || c == '.' || c == '-' || c == '_' || c == ' ' ? (char) c
                                                                                 : '_');
        if (isalnum(c) || c == '.' || c == '-' || c == '_')
            buf_putc(&utf, (char) c);
        else
            buf_printf(&utf, "%%%02X", c);
    }
    if (ascii.len == 0 || ascii.data[0] == '.')
        buf_puts(&ascii, "document");
    return pool_printf(p, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii.data,
                       utf.len ? utf.data : "document");
}

static int
h_document(req_t *r)
{
    const char    *id = r->path_arg, *mime, *filename;
    unsigned char *bytes;
    size_t         n;
    int            rc;

    if (id == NULL || !wf_uuid_ok(id))
        return not_found(r);
    if ((rc = authz_check(r, AZ_VIEW_DOCUMENT, id, NULL)) != EN_OK)
        return rc;
    rc = wf_document_content(r->pool, &r->err, id, &filename, &bytes, &n);
    if (rc == EN_NOTFOUND)
        return not_found(r);
    if (rc != EN_OK)
        return rc;
    /* the type the bytes say, never the one the uploader claimed */
    mime = field_sniff_mime(bytes, n);
    r->status = 200;
    req_header(r, "Content-Disposition", disposition(r->pool, filename));
    req_header(r, "Cache-Control", "private, no-store");
    req_header(r, "X-Content-Type-Options", "nosniff");
    req_body(r, mime != NULL ? mime : "application/octet-stream", (const char *) bytes, n);
    return EN_OK;
}

const route_t demand_routes[] = {
    { "GET", "/dashboard", "dashboard", h_dashboard, 0 },
    { "POST", "/demands", "demand_start", h_demand_start, 0 },
    { "GET", "/demands/*", "demand_view", h_demand_get, 0 },
    { "POST", "/demands/*", "demand_post", h_demand_post, 0 },
    { "GET", "/documents/*", "document", h_document, 0 },
    { NULL, NULL, NULL, NULL, 0 }
};
