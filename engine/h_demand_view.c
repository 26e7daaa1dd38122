/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_demand_view.c -- the page of one demand, and its steps:
 *
 *   GET  /demands/{id:uuid}                the demand: state, progress, data,
 *                                          documents, history, the steps the
 *                                          reader may take (buttons); viewing
 *                                          fires an auto="on-view" step (read
 *                                          receipt)
 *   GET  /demands/{id:uuid}/print          the printable copy: the same data,
 *                                          documents and history, no steps
 *   POST /demands/{id:uuid}/duplicate      a new draft with this demand's values
 *                                          and documents (wf_demand_duplicate);
 *                                          303 to it, 409 when the procedure
 *                                          changed since
 *   POST /demands/{id:uuid}/fire/{step:word}
 *                                          fires a transition (wf_fire): 303 to
 *                                          the demand, 409 "already done", 422
 *                                          the page again with the step's form
 *                                          open; version (the one the reader
 *                                          saw) is declared 0..2^31-1
 *   POST /demands/{id:uuid}/messages       a message on the demand's thread
 *                                          (message.c): 303 to the demand, 422
 *                                          the page again with the text kept
 *
 * The top of the page says what the service asks ("à compléter": the
 * comment of the step that led to the state) or the decision (its comment
 * and documents), read from the events the page already has.
 *
 * The dispatcher has checked the id, the step and the version (route.h)
 * before these run.  Every handler asks authz_check before it reads the
 * demand; wf_fire asks again for the step itself.  Pages are xslt/pages/
 * demand.xsl and demand_done.xsl (fields: xslt/form.xsl; texts:
 * xslt/i18n/demand.xml).  The form page by page is h_form.c's.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "demand_page.h"
#include "drafts.h"
#include "demand_group.h"
#include "demand_view.h"
#include "wf_decide.h"
#include "field.h"
#include "i18n.h"
#include "message.h"
#include "pool_json.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_demand.h"
#include "wf_fire.h"
#include "wf_store.h"

/* --- GET /demands/<id> --------------------------------------------------------------- */

/* What a refused POST hands back to the page it re-renders. */
typedef struct {
    const char             *transition;  /* the step whose form is shown again */
    const wf_field_error_t *errors;
    int                     nerrors;
    const char             *message;     /* a refused message: its text */
    const char             *message_error;
    const char             *message_error_arg;
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
    const wf_page_t   *pg;
    const char        *gl;

    if (field == NULL)
        return NULL;
    if (!strcmp(field, "comment"))
        return i18n_get(r->lang, "demand.comment");
    if ((f = wf_def_field_find(c->def, field)) != NULL && f->label.n > 0)
        return dv_text(r, &f->label);
    if ((a = find_attach(c->def, field)) != NULL && a->label.n > 0)
        return dv_text(r, &a->label);
    if (c->state != NULL && c->state->form != NULL
        && (pg = dv_field_page(c->state->form, field)) != NULL
        && (gl = dv_group_label(r, pg, field)) != NULL)
        return gl;                    /* "Commune 2 – Numéro OFS" */
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

/* Whether state s lets its owner edit page pg (<state pages=>; none
 * named: every page of its form). */
static int
state_edits_page(const wf_state_t *s, const wf_page_t *pg)
{
    size_t i;

    if (s == NULL || s->form == NULL || s->form != pg->form)
        return 0;
    if (s->n_pages == 0)
        return 1;
    for (i = 0; i < s->n_pages; i++)
        if (s->pages[i] == pg)
            return 1;
    return 0;
}

static int
page_has_data(const wf_page_t *pg, const wf_demand_t *d)
{
    size_t k;

    for (k = 0; k < pg->n_fields; k++)
        if (d->form_json && json_object_get(d->form_json, pg->fields[k].name))
            return 1;
    return 0;
}

/* The stored data of one form, page by page, for reading.  A page the
 * state does not let edit offers no "Modifier", and is left out while it
 * holds nothing (a page the engine fills, such as a register's data). */
static void
data_form(req_t *r, xmlNodePtr parent, const wf_form_t *form, const wf_demand_t *d,
          const wf_state_t *s, int editable, const fire_back_t *back)
{
    xmlNodePtr fn = render_node(parent, "form");
    size_t     i, k, gi;

    render_attr(fn, "id", form->id);
    render_attr(fn, "title", form->title.n ? dv_text(r, &form->title) : "");
    for (i = 0; i < form->n_pages; i++) {
        const wf_page_t *pg = &form->pages[i];
        xmlNodePtr       pn;

        if (!dv_page_shown(r, pg, d)
            || (!state_edits_page(s, pg) && !page_has_data(pg, d)))
            continue;
        pn = render_node(fn, "page");
        render_attr(pn, "id", pg->id);
        render_attr(pn, "title", pg->title.n ? dv_text(r, &pg->title) : pg->id);
        if (editable && state_edits_page(s, pg))
            render_attr(pn, "edit-href", pool_printf(r->pool, "/demands/%s/page/%s", d->id, pg->id));
        for (k = 0, gi = 0; k <= pg->n_fields; k++) {
            const wf_field_t       *f;
            xmlNodePtr              it;
            const wf_field_error_t *e;

            for (; gi < pg->n_groups && pg->groups[gi].pos == k; gi++)
                dv_group_data(r, pn, &pg->groups[gi], d->form_json
                              ? json_object_get(d->form_json, pg->groups[gi].name) : NULL,
                              pg->groups[gi].name);
            if (k == pg->n_fields)
                break;
            f = &pg->fields[k];
            it = dv_data_item(r, pn, f, d);
            e = back ? dv_error_for(back->errors, back->nerrors, f->name) : NULL;
            if (it == NULL)
                continue;
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

    for (i = 0; i < form->n_pages; i++) {
        for (k = 0; k < form->pages[i].n_fields; k++)
            if (d->form_json && json_object_get(d->form_json, form->pages[i].fields[k].name))
                return 1;
        for (k = 0; k < form->pages[i].n_groups; k++)
            if (d->form_json && json_object_get(d->form_json, form->pages[i].groups[k].name))
                return 1;
    }
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
    if (!strcmp(tid, "migrate"))
        return i18n_get(r->lang, "demand.event.migrate");
    if (!strcmp(tid, "letter-sent"))
        return i18n_get(r->lang, "letters.event.sent");
    if (!strcmp(tid, "letter-cancelled"))
        return i18n_get(r->lang, "ops.event.letter_cancelled");
    if (!strcmp(tid, "assign"))
        return i18n_get(r->lang, "queue.event.assign");
    if (!strcmp(tid, "release"))
        return i18n_get(r->lang, "queue.event.release");
    t = def ? wf_transition_find(def, tid) : NULL;
    if (t == NULL && def != NULL && wf_decide_find(def, tid) != NULL
        && wf_decide_find(def, tid)->label.n > 0)
        return dv_text(r, &wf_decide_find(def, tid)->label);   /* one item's answer */
    return t != NULL && t->label.n > 0 ? dv_text(r, &t->label) : tid;
}

/* Each item of a per-item decision and its latest answer (<decide>:
 * wf_decide.c), for whoever may read the demand. */
static int
answers_node(req_t *r, xmlNodePtr root, const wf_def_t *def, const wf_demand_t *d)
{
    json_t    *items, *it;
    xmlNodePtr an;
    size_t     k;
    int        rc;

    if (def->n_decides == 0)
        return EN_OK;
    if ((rc = wf_decide_items(r->pool, &r->err, d->id, &items)) != EN_OK)
        return rc;
    if (json_array_size(items) == 0)
        return EN_OK;
    an = render_node(root, "answers");
    json_array_foreach(items, k, it) {
        xmlNodePtr n = render_node(an, "answer");

        render_attr(n, "label", event_label(r, def, dv_jstr(it, "decide", "")));
        render_attr(n, "group-name", dv_jstr(it, "group_name", ""));
        if (dv_jstr(it, "outcome", NULL)) {
            render_attr(n, "outcome", dv_jstr(it, "outcome", ""));
            render_attr(n, "at", dv_jstr(it, "at", ""));
        }
        if (dv_jstr(it, "comment", NULL))
            render_text(n, "comment", dv_jstr(it, "comment", ""));
    }
    return EN_OK;
}

/* The latest event that led to the state the demand is in (a self-loop of
 * a timer, such as a reminder, is not it): what the service asked. */
static json_t *
event_into(json_t *events, const char *state)
{
    size_t  k = json_array_size(events);
    json_t *ev;

    while (k-- > 0) {
        ev = json_array_get(events, k);
        if (strcmp(dv_jstr(ev, "to", ""), state) != 0)
            return NULL;
        if (strcmp(dv_jstr(ev, "from", ""), state) != 0)
            return ev;
    }
    return NULL;
}

/* The decision: the latest event into a state of bucket decision-unread,
 * as long as the demand is in that state or went on from it to a final
 * archived one (the read receipt). */
static json_t *
decision_event(const wf_def_t *def, const wf_state_t *s, json_t *events)
{
    size_t            k = json_array_size(events);
    json_t           *ev;
    const wf_state_t *to;

    if (s->bucket != WF_BUCKET_DECISION_UNREAD && !(s->final && s->bucket == WF_BUCKET_ARCHIVED))
        return NULL;
    while (k-- > 0) {
        ev = json_array_get(events, k);
        to = wf_state_find(def, dv_jstr(ev, "to", ""));
        if (!strcmp(dv_jstr(ev, "transition", ""), "letter-sent")
            || !strcmp(dv_jstr(ev, "transition", ""), "letter-cancelled"))
            continue;               /* a letter posted or given up is no decision */
        if (to != NULL && to->bucket == WF_BUCKET_DECISION_UNREAD)
            return ev;
        if (to != s)
            return NULL;            /* withdrawn, lapsed: no decision */
    }
    return NULL;
}

/* "Ce que le service vous demande" or the decision, on top of the page. */
static void
top_node(req_t *r, xmlNodePtr root, const wf_def_t *def, const wf_state_t *s,
         const wf_demand_t *d, json_t *j)
{
    json_t                *events = json_object_get(j, "events"), *ev, *doc;
    const wf_transition_t *t;
    xmlNodePtr             n;
    size_t                 k, a;

    if (s->bucket == WF_BUCKET_TODO && (ev = event_into(events, d->state)) != NULL
        && strcmp(dv_jstr(ev, "transition", ""), "create") != 0) {
        n = render_node(root, "asked");
        render_attr(n, "at", dv_jstr(ev, "at", ""));
        if (dv_jstr(ev, "actor", NULL))
            render_attr(n, "actor", dv_jstr(ev, "actor", ""));
        if (dv_jstr(ev, "comment", NULL))
            render_text(n, "comment", dv_jstr(ev, "comment", ""));
        return;
    }
    if ((ev = decision_event(def, s, events)) == NULL)
        return;
    t = wf_transition_find(def, dv_jstr(ev, "transition", ""));
    n = render_node(root, "decision");
    render_attr(n, "at", dv_jstr(ev, "at", ""));
    render_attr(n, "label", t != NULL && t->label.n ? dv_text(r, &t->label)
                                                   : dv_jstr(ev, "transition", ""));
    if (dv_jstr(ev, "actor", NULL))
        render_attr(n, "actor", dv_jstr(ev, "actor", ""));
    if (dv_jstr(ev, "comment", NULL))
        render_text(n, "comment", dv_jstr(ev, "comment", ""));
    json_array_foreach(json_object_get(j, "documents"), k, doc) {
        for (a = 0; t != NULL && a < t->n_attach; a++) {
            xmlNodePtr dd;

            if (strcmp(t->attach[a].name, dv_jstr(doc, "field", "")) != 0)
                continue;
            dd = render_node(n, "document");
            render_attr(dd, "id", dv_jstr(doc, "id", ""));
            render_attr(dd, "label", t->attach[a].label.n ? dv_text(r, &t->attach[a].label)
                                                          : t->attach[a].name);
            render_attr(dd, "filename", dv_jstr(doc, "filename", ""));
            render_attr(dd, "size-kb", pool_printf(r->pool, "%lld",
                                                   (dv_jint(doc, "size") + 1023) / 1024));
        }
    }
}

/* The thread of messages, and the form to post one when the reader may. */
static void
messages_node(req_t *r, xmlNodePtr root, const wf_demand_t *d, json_t *thread, int may_post,
              const fire_back_t *back)
{
    json_t    *m;
    size_t     k;
    xmlNodePtr mn, it;

    mn = render_node(root, "messages");
    render_attr(mn, "max", pool_printf(r->pool, "%d", MESSAGE_MAX_CHARS));
    if (may_post)
        render_attr(mn, "href", pool_printf(r->pool, "/demands/%s/messages", d->id));
    json_array_foreach(thread, k, m) {
        it = render_node(mn, "message");
        render_attr(it, "side", dv_jstr(m, "side", ""));
        render_attr(it, "author", dv_jstr(m, "author", ""));
        render_attr(it, "at", dv_jstr(m, "at", ""));
        render_attr(it, "iso", dv_jstr(m, "iso", ""));
        if (json_is_true(json_object_get(m, "mine")))
            render_attr(it, "mine", "yes");
        if (json_is_true(json_object_get(m, "new")))
            render_attr(it, "new", "yes");
        render_text(it, "body", dv_jstr(m, "body", ""));
    }
    if (back != NULL && back->message_error != NULL) {
        render_attr(mn, "error", back->message_error);
        if (back->message_error_arg)
            render_attr(mn, "error-arg", back->message_error_arg);
        render_text(mn, "draft", message_displayable(r->pool, back->message));
    }
}

/* The demand page.  status 200, or 422 with back (a refused step); fired:
 * a read receipt was just taken (wf_on_view), which the page says; receipt:
 * take the read receipt first when one is open to the reader (GET of the
 * demand page only), then read the demand again; print: the printable
 * copy (demand_print.xsl: no steps, no links to edit). */
static int
page_detail(req_t *r, const char *id, int status, const fire_back_t *back, int fired,
            int receipt, int print)
{
    const principal_t     *who = principal_of(r);
    json_t                *j, *ev, *docs, *thread;
    wf_demand_t           *d;
    const wf_def_t        *def;
    const wf_state_t      *s;
    const wf_transition_t **cand;
    const char           **objs, **roles;
    az_action_t           *acts;
    int                   *allowed, nc = 0, i, rc, owner_i, unread;
    xmlNodePtr             root, dn, data, docs_n, hist, act_n;
    size_t                 k, nk;
    const char           **known, **kobjs, **kargs;
    az_action_t           *kacts;
    int                   *kallowed;
    char                  *text;
    href_ctx_t             hc;

    /* the steps' questions are asked before the demand's state is known:
     * every role list of the procedures this worker has loaded (a few:
     * "owner", "agent:serac"...), and the page's own (owner, message) */
    nk = wf_people_roles_known(r->pool, &known);
    kacts = pool_calloc(r->pool, sizeof(*kacts) * (nk + 1));
    kobjs = pool_calloc(r->pool, sizeof(*kobjs) * (nk + 1));
    kargs = pool_calloc(r->pool, sizeof(*kargs) * (nk + 1));
    kallowed = pool_calloc(r->pool, sizeof(*kallowed) * (nk + 1));
    for (k = 0; k <= nk; k++) {
        kacts[k] = k < nk ? AZ_FIRE_TRANSITION : AZ_POST_MESSAGE;
        kobjs[k] = id;
        kargs[k] = k < nk ? known[k] : NULL;
    }

    /* the demand, whether the reader may see it, its thread and those
     * answers, in one statement: the thread is read before the page
     * begins, since looking at the demand reads its notifications and the
     * header (drawn by render_begin) counts the rest; a refused POST (422)
     * writes nothing, not even that */
    if ((j = wf_demand_detail_as(r->pool, &r->err, who->person_id, who->space_id, id,
                                 status == 200,
                                 authz_questions_json(r->pool, (int) nk + 1, kacts, kobjs,
                                                      kargs))) == NULL)
        return r->err.code == EN_NOTFOUND
               ? authz_verdict(&r->err, who, AZ_VIEW_DEMAND, id, "notfound", NULL)
               : r->err.code;
    if ((rc = authz_verdict(&r->err, who, AZ_VIEW_DEMAND, id, dv_jstr(j, "verdict", NULL),
                            dv_jstr(j, "reason", NULL))) != EN_OK)
        return rc;
    if ((rc = message_thread_of(&r->err, json_object_get(j, "thread"), &thread,
                                &unread)) != EN_OK)
        return rc;
    if ((rc = authz_answers_json(r->pool, &r->err, json_object_get(j, "answers"), (int) nk + 1,
                                 kallowed, NULL)) != EN_OK)
        return rc;
    j = json_object_get(j, "detail");
    text = pool_json_dumps(r->pool, json_object_get(j, "demand"), JSON_COMPACT);
    d = wf_demand_from_json(r->pool, text ? text : "", &r->err);
    if (d == NULL)
        return r->err.code;
    if ((def = dp_def_of(r, d)) == NULL)
        return r->err.code;
    if ((s = wf_state_find(def, d->state)) == NULL)
        return en_set(&r->err, EN_INTERNAL, "err.internal", "demand in unknown state %s",
                      d->state);
    if (receipt) {
        if ((rc = wf_on_view(r->pool, &r->err, who, d, &fired)) != EN_OK)
            return rc;
        if (fired)
            return page_detail(r, id, status, back, 1, 0, print);
    }

    /* which steps the reader may take: one batched question */
    cand = pool_calloc(r->pool, sizeof(*cand) * (s->n_out + 1));
    objs = pool_calloc(r->pool, sizeof(*objs) * (s->n_out + 3));
    roles = pool_calloc(r->pool, sizeof(*roles) * (s->n_out + 3));
    allowed = pool_calloc(r->pool, sizeof(*allowed) * (s->n_out + 3));
    acts = pool_calloc(r->pool, sizeof(*acts) * (s->n_out + 3));
    for (k = 0; k < s->n_out; k++) {
        const char *ro = wf_people_roles(r->pool, s->out[k], d);

        if (*ro == '\0' || !wf_transition_applies(d, s->out[k]))
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
    acts[nc + 1] = AZ_POST_MESSAGE;
    objs[nc + 1] = d->id;
    roles[nc + 1] = NULL;
    /* answered above, unless a step's actors are chosen by the data
     * (by="third-party:@FIELD") or its procedure was loaded just now */
    for (i = 0; i < nc + 2; i++)
        if (!authz_answer_from((int) nk + 1, kacts, kobjs, kargs, kallowed, NULL, acts[i],
                               objs[i], roles[i], &allowed[i], NULL))
            break;
    if (i < nc + 2
        && (rc = authz_check_many(r->pool, &r->err, principal_of(r),
                                  nc + 2, acts, objs, roles, allowed, NULL)) != EN_OK)
        return rc;

    if (r->session != NULL)
        r->session->unread = unread;

    root = render_begin(r, print ? "demand_print" : "demand");
    dn = dp_demand_node(r, root, def, d);
    render_attr(dn, "created", dv_jstr(j, "created", ""));
    render_attr(dn, "updated", dv_jstr(j, "updated", ""));
    if (dv_jstr(j, "submitted", NULL))
        render_attr(dn, "submitted", dv_jstr(j, "submitted", ""));
    render_attr(dn, "owner", dv_jstr(j, "owner", ""));
    if (dv_jstr(j, "entity", NULL))
        render_attr(dn, "entity", dv_jstr(j, "entity", ""));
    if (json_is_object(json_object_get(j, "filed"))) {       /* at the counter (0036) */
        json_t *fd = json_object_get(j, "filed");

        render_attr(dn, "filed-agent", dv_jstr(fd, "agent", ""));
        render_attr(dn, "filed-group", dv_jstr(fd, "group", ""));
    }
    if (allowed[owner_i]) {
        render_attr(dn, "viewer", "owner");
    } else {
        /* the state's description speaks to the applicant ("Le SERAC a
         * reçu votre demande"): the staff get their own words instead */
        xmlNodePtr c;

        for (c = dn->children; c != NULL; c = c->next)
            if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, BAD_CAST "state-description")) {
                xmlUnlinkNode(c);
                xmlFreeNode(c);
                break;
            }
        render_attr(dn, "viewer", "staff");
    }
    if (!strcmp(d->bucket, "draft") && !d->is_final) {
        const char *expires;

        if ((rc = drafts_expiry(r->pool, &r->err, d->id, &expires)) != EN_OK)
            return rc;
        if (expires != NULL)
            render_attr(dn, "expires", expires);
    }
    if (!print && d->submitted_at != NULL && *d->submitted_at)
        render_attr(root, "print-href", pool_printf(r->pool, "/demands/%s/print", d->id));

    /* a copy into a new draft, for its owner, once it left the drafts; not
     * offered, with the reason, when the procedure changed since */
    if (!print && allowed[owner_i] && strcmp(d->bucket, "draft") != 0) {
        en_err_t    cerr;
        int         cur;
        const char *why;
        xmlNodePtr  dup;

        en_clear(&cerr);
        if (wf_store_current(&cerr, d->workflow_key, &cur) != NULL) {
            dup = render_node(root, "duplicate");
            if (wf_demand_may_duplicate(d, cur, &why))
                render_attr(dup, "href", pool_printf(r->pool, "/demands/%s/duplicate", d->id));
            else
                render_attr(dup, "reason-key", why);
        }
    }

    if (status == 200 && !fired) {
        const char            *done = req_param(r, "done");
        const wf_transition_t *t = done && route_word_ok(done)
                                   ? wf_transition_find(def, done) : NULL;

        if (t != NULL)
            render_attr(render_node(root, "done"), "label",
                        t->label.n ? dv_text(r, &t->label) : t->id);
        if (req_param(r, "duplicated") != NULL && !strcmp(d->bucket, "draft"))
            render_attr(root, "duplicated", "yes");
    }
    if (fired)
        render_attr(root, "read-receipt", "yes");
    if (status == 200 && req_param(r, "posted") != NULL)
        render_node(root, "posted");
    top_node(r, root, def, s, d, j);
    if ((rc = answers_node(r, root, def, d)) != EN_OK)
        return rc;

    /* editing the owner's form, page by page */
    if (!print && s->form != NULL && allowed[owner_i]) {
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
            data_form(r, data, f, d, s, !print && f == s->form && allowed[owner_i], back);
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
            if (json_is_true(json_object_get(doc, "sealed")))
                continue;               /* a code's letter: by post only (0035) */
            dd = render_node(docs_n, "document");
            render_attr(dd, "id", dv_jstr(doc, "id", ""));
            render_attr(dd, "label", a != NULL && a->label.n ? dv_text(r, &a->label)
                                     : !strcmp(field, "letter")   /* letters_job.c */
                                     ? i18n_get(r->lang, "letters.document") : field);
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
            render_attr(e, "to", dp_state_label(r, def, to));
        render_attr(e, "kind", dv_jstr(ev, "kind", ""));
        if (dv_jstr(ev, "actor", NULL))
            render_attr(e, "actor", dv_jstr(ev, "actor", ""));
        if (dv_jstr(ev, "for", NULL))                          /* at the counter */
            render_attr(e, "for", dv_jstr(ev, "for", ""));
        if (c != NULL)
            render_text(e, "comment", c);
    }

    act_n = render_node(root, "actions");
    for (i = 0; i < nc && !print; i++)
        if (allowed[i] && !cand[i]->auto_on_view)
            action_node(r, act_n, d, s, cand[i], back);

    messages_node(r, root, d, thread, allowed[nc + 1], back);

    if (back != NULL && back->nerrors > 0) {
        hc.demand_id = d->id;
        hc.def = def;
        hc.state = s;
        hc.tid = back->transition;
        dv_errors(r, root, back->errors, back->nerrors, field_label, detail_href, &hc);
    }
    dp_no_store(r);
    return render_finish(r, status);
}

/* --- POST /demands/<id>/fire/<step> ----------------------------------------------------- */

static int
fire_post(req_t *r, const char *id, const char *tid)
{
    wf_input_t  in;
    wf_result_t res;
    const principal_t *who;
    wf_demand_t *d;
    int         rc;

    /* A plain read: wf_fire_loaded asks who may fire the step before it
     * tells anything (a stranger gets the 404 of a demand that does not
     * exist on every path: the step's question, or not_yours() before a
     * conflict or an unknown step), and a person who may fire it may see
     * it (sql/0042's az_demand_judge).  Asking "may see" here as well read
     * the demand's authorization facts twice per step. */
    if ((rc = wf_demand_load(r->pool, &r->err, id, &d)) != EN_OK)
        return rc;
    memset(&in, 0, sizeof(in));
    in.form = r->form;
    in.uploads = r->uploads;
    in.comment = req_param(r, "comment");
    in.expected_version = (int) req_param_int(r, "version", 0);   /* declared: 0..2^31-1 */
    who = principal_of(r);
    memset(&res, 0, sizeof(res));
    rc = wf_fire_loaded(r->pool, &r->err, who, d, tid, &in, NULL, &res);
    if (rc == EN_OK) {
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s?done=%s", id, tid));
        return EN_OK;
    }
    if (rc == EN_CONFLICT)
        return dp_render_done(r, id, r->err.key[0] ? r->err.key : "err.conflict", tid);
    if (rc == EN_BADINPUT && res.nerrors > 0) {
        fire_back_t back;

        memset(&back, 0, sizeof(back));    /* the message fields too */
        back.transition = tid;
        back.errors = res.errors;
        back.nerrors = res.nerrors;
        en_clear(&r->err);
        return page_detail(r, id, 422, &back, 0, 0, 0);
    }
    if (rc == EN_NOTFOUND && !strcmp(r->err.key, "wf.transition.unknown"))
        return route_not_found(r);
    return rc;
}

/* --- POST /demands/<id>/messages ------------------------------------------------------- */

static int
h_message_post(req_t *r)
{
    const char        *id = req_path_param(r, "id");
    const char        *body = req_param(r, "message");
    const principal_t *who = principal_of(r);
    int                rc;

    /* a stranger gets the 404 of a demand that does not exist; a related
     * person who may not post (third party, administrator) a 403 */
    if ((rc = authz_check(r->pool, &r->err, who, AZ_VIEW_DEMAND, id, NULL)) != EN_OK
        || (rc = authz_check(r->pool, &r->err, who, AZ_POST_MESSAGE, id, NULL)) != EN_OK)
        return rc;
    if (message_check(&r->err, body) != EN_OK) {
        fire_back_t back;

        memset(&back, 0, sizeof(back));
        back.message = body ? body : "";
        back.message_error = pool_strdup(r->pool, r->err.key);
        if (!strcmp(back.message_error, "message.too_long"))
            back.message_error_arg = pool_printf(r->pool, "%d", MESSAGE_MAX_CHARS);
        en_clear(&r->err);
        return page_detail(r, id, 422, &back, 0, 0, 0);
    }
    if ((rc = message_post(r->pool, &r->err, who, id, body)) != EN_OK)
        return rc;
    req_redirect(r, 303, pool_printf(r->pool, "/demands/%s?posted=1#messages", id));
    return EN_OK;
}

/* --- the routes ------------------------------------------------------------------------ */

/* The demand page: the demand read with AZ_VIEW_DEMAND asked in the same
 * statement; then the read receipt, a step of its own (GET only, not HEAD;
 * it fires only for a reader the receipt is open to), after which the
 * demand is read again as it now stands. */
static int
h_demand_view(req_t *r)
{
    return page_detail(r, req_path_param(r, "id"), 200, NULL, 0, !strcmp(r->method, "GET"), 0);
}

/* The printable copy: whoever may see the demand; no read receipt (it
 * is the demand page that marks a decision read). */
static int
h_demand_print(req_t *r)
{
    return page_detail(r, req_path_param(r, "id"), 200, NULL, 0, 0, 1);
}

/* A copy of the demand into a new draft (wf_demand_duplicate checks who
 * may, and whether the procedure changed since): 303 to the draft. */
static int
h_demand_duplicate(req_t *r)
{
    const char  *id = req_path_param(r, "id");
    wf_demand_t *d;
    int          rc;

    if ((rc = authz_check(r->pool, &r->err, principal_of(r),
                          AZ_VIEW_DEMAND, id, NULL)) != EN_OK)
        return rc;
    if ((rc = wf_demand_duplicate(r->pool, &r->err, principal_of(r), id, &d)) != EN_OK)
        return rc;
    req_redirect(r, 303, pool_printf(r->pool, "/demands/%s?duplicated=1", d->id));
    return EN_OK;
}

static int
h_demand_fire(req_t *r)
{
    return fire_post(r, req_path_param(r, "id"), req_path_param(r, "step"));
}

/* version: the demand's version the reader saw; absent or 0: any (the
 * runtime's wf_input_t.expected_version) */
static const route_param_t fire_params[] = {
    { "version", ROUTE_INT, 0, INT_MAX, 0 },
    { NULL, 0, 0, 0, 0 }
};

const route_t demand_view_routes[] = {
    { "GET", "/demands/{id:uuid}", "demand_view", h_demand_view, 0, NULL },
    { "GET", "/demands/{id:uuid}/print", "demand_print", h_demand_print, 0, NULL },
    { "POST", "/demands/{id:uuid}/duplicate", "demand_duplicate", h_demand_duplicate, 0, NULL },
    { "POST", "/demands/{id:uuid}/fire/{step:word}", "demand_fire", h_demand_fire, 0,
      fire_params },
    { "POST", "/demands/{id:uuid}/messages", "message_post", h_message_post, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
