/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_form.c -- the demand's form, page by page (the wizard):
 *
 *   GET  /demands/{id:uuid}/page/{page:word}   one page of the form ("Étape 2
 *                                              sur 5"), with the values stored
 *                                              or prefilled from the profile
 *   POST /demands/{id:uuid}/page/{page:word}   saves it (wf_save; nav=next,
 *                                              prev or save); 422 with every
 *                                              message next to its field and
 *                                              everything typed kept
 *   GET  /demands/{id:uuid}/review             every answer by page, each with
 *                                              "Modifier", and the step that
 *                                              sends the form (after the last
 *                                              page: nothing sent unseen)
 *   GET  /too-large                            nginx's error_page 413: the
 *                                              portal's page, a way back
 *
 * Editing is the owner's step: AZ_FIRE_TRANSITION "owner" asked with the
 * read of the demand (wf_demand_load_as); wf_save asks again.  The pages are those the
 * current state lets the owner edit (<state form= pages=>), minus pages
 * whose shown-when does not hold.  Page: xslt/pages/demand_page.xsl
 * (fields: xslt/form.xsl; texts: xslt/i18n/demand.xml).  The demand page
 * and its steps are h_demand_view.c's.
 */
#include <string.h>

#include "authz.h"
#include "demand_group.h"
#include "demand_page.h"
#include "demand_view.h"
#include "field.h"
#include "pool_json.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wallet.h"
#include "wf_demand.h"
#include "wf_fire.h"
#include "wf_group.h"

/* --- the form, page by page ------------------------------------------------------------ */

typedef struct {
    const wf_field_error_t *errors;
    int                     nerrors;
    const kv_t             *posted;     /* what was typed, to give back */
    json_t                 *groups;     /* the repeating groups as typed
                                           (wf_group_posted_page) */
} page_back_t;

static const char *
page_label(req_t *r, const char *field, void *arg)
{
    const wf_page_t  *pg = arg;

    const wf_field_t *f;

    const char       *gl;

    /* a rule's message names a field of an earlier page too */
    if (field != NULL && (f = wf_field_find(pg->form, field)) != NULL)
        return f->label.n ? dv_text(r, &f->label) : field;
    /* an item's field: "Commune 2 – Numéro OFS" */
    if ((gl = dv_group_label(r, pg, field)) != NULL)
        return gl;
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

static const upload_t *
upload_for(const upload_t *list, const char *name)
{
    const upload_t *u;

    for (u = list; u != NULL; u = u->next)
        if (!strcmp(u->field, name) && u->len > 0)
            return u;
    return NULL;
}

/* A file field offers the documents of the context's wallet of its
 * category (all when it has none) as an alternative to uploading. */
static int
wallet_offer(req_t *r, xmlNodePtr fn, const wf_field_t *f, const wf_demand_t *d)
{
    const principal_t *who = principal_of(r);
    wallet_doc_t      *docs;
    size_t             n, i;
    int                rc;

    if (fn == NULL)
        return EN_OK;
    /* the wallet of the demand's own side only: an agent filling a draft
     * at the counter (sql/0036) is not offered their own documents */
    if (d->owner_space_id != NULL
        ? who->space_id == NULL || strcmp(who->space_id, d->owner_space_id) != 0
        : who->space_id != NULL || strcmp(who->person_id, d->owner_person_id) != 0)
        return EN_OK;
    if ((rc = wallet_list(r->pool, &r->err, principal_of(r), f->category, &docs, &n)) != EN_OK)
        return rc;
    for (i = 0; i < n; i++) {
        xmlNodePtr w = render_node(fn, "wallet-doc");

        render_attr(w, "id", docs[i].id);
        render_attr(w, "name", docs[i].filename);
    }
    return EN_OK;
}

/* "wallet-<field>" = a document of the wallet chosen instead of an upload:
 * wallet_pick (authz: the context's own wallet) gives its bytes as the
 * field's upload, which the runtime then checks like any other. */
static int
wallet_picks(req_t *r, const wf_page_t *pg)
{
    size_t i;
    int    rc;

    for (i = 0; i < pg->n_fields; i++) {
        const wf_field_t *f = &pg->fields[i];
        const char       *id;
        upload_t         *u;

        if (f->type != FIELD_FILE || upload_for(r->uploads, f->name) != NULL)
            continue;
        id = req_param(r, pool_printf(r->pool, "wallet-%s", f->name));
        if (id == NULL || *id == '\0')
            continue;
        if ((rc = wallet_pick(r->pool, &r->err, principal_of(r), id, f->name, &u)) != EN_OK)
            return rc;
        u->next = r->uploads;
        r->uploads = u;
    }
    return EN_OK;
}

/* The list of steps: each page (a link to it), the one shown now (at; np
 * for the review), those already saved marked done. */
static void
steps_node(req_t *r, xmlNodePtr root, const wf_demand_t *d, wf_page_t **pages, size_t np,
           size_t at)
{
    xmlNodePtr steps = render_node(root, "steps");
    size_t     i;

    render_attr(steps, "current", pool_printf(r->pool, "%zu", at + 1));
    render_attr(steps, "count", pool_printf(r->pool, "%zu", np));
    for (i = 0; i < np; i++) {
        xmlNodePtr st = render_node(steps, "step");

        render_attr(st, "n", pool_printf(r->pool, "%zu", i + 1));
        render_attr(st, "title", pages[i]->title.n ? dv_text(r, &pages[i]->title) : pages[i]->id);
        render_attr(st, "href", pool_printf(r->pool, "/demands/%s/page/%s", d->id, pages[i]->id));
        if (i == at)
            render_attr(st, "current", "yes");
        else if (wf_demand_page_saved(d, pages[i]->id))
            render_attr(st, "done", "yes");
    }
}

static int
render_form_page(req_t *r, const wf_def_t *def, const wf_demand_t *d, wf_page_t **pages,
                 size_t np, size_t at, int status, const page_back_t *back)
{
    const wf_page_t *pg = pages[at];
    xmlNodePtr       root, fp, fn;
    size_t           i, gi;
    int              multipart = 0, rc;

    root = render_begin(r, "demand_page");
    dp_demand_node(r, root, def, d);
    steps_node(r, root, d, pages, np, at);
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
    for (i = 0, gi = 0; i <= pg->n_fields; i++) {
        const wf_field_t *f;

        /* the repeating groups written before this field */
        for (; gi < pg->n_groups && pg->groups[gi].pos == i; gi++) {
            const wf_group_t *g = &pg->groups[gi];
            json_t           *items = back != NULL && back->groups != NULL
                                      ? json_object_get(back->groups, g->name) : NULL;

            if (items != NULL)
                dv_group_inputs(r, fp, g, items, 0, back->errors, back->nerrors, g->name, d);
            else
                dv_group_inputs(r, fp, g, d->form_json ? json_object_get(d->form_json, g->name)
                                                       : NULL, 1,
                                back ? back->errors : NULL, back ? back->nerrors : 0,
                                g->name, d);
        }
        if (i == pg->n_fields)
            break;
        f = &pg->fields[i];
        /* a condition on another page that does not hold: not asked */
        if (f->shown_when.text != NULL && f->shown_when.field != NULL
            && f->shown_when.field->page != pg && !dv_cond_holds(r, &f->shown_when, d, NULL))
            continue;
        if (f->filled_by != NULL) {       /* written by a lookup: read only */
            dv_filled(r, fp, f, pool_printf(r->pool, "f-%s", f->name),
                      wf_demand_field(r->pool, d, f->name));
            continue;
        }
        fn = dv_field(r, fp, f, "f-", field_value(r, f, d, back),
                      back ? dv_error_for(back->errors, back->nerrors, f->name) : NULL, d);
        if (f->type == FIELD_FILE) {
            multipart = 1;
            if ((rc = wallet_offer(r, fn, f, d)) != EN_OK)
                return rc;
        }
    }
    if (multipart)
        render_attr(fp, "multipart", "yes");
    if (back != NULL && back->nerrors > 0)
        dv_errors(r, root, back->errors, back->nerrors, page_label, NULL, (void *) pg);
    if (status == 200 && req_param(r, "saved") != NULL)
        render_node(root, "saved");
    dp_no_store(r);
    return render_finish(r, status);
}

/* Locates page_id among the pages the owner edits now. */
static int
load_for_edit(req_t *r, const char *id, const char *page_id, wf_demand_t **d,
              const wf_def_t **def, wf_page_t ***pages, size_t *np, size_t *at)
{
    const wf_state_t *s;
    int               rc;

    /* editing is the owner's step: asked with the read, which happens
     * only when it is allowed */
    if ((rc = wf_demand_load_as(r->pool, &r->err, principal_of(r), AZ_FIRE_TRANSITION,
                                "owner", id, d)) != EN_OK)
        return rc;
    if ((*def = dp_def_of(r, *d)) == NULL)
        return r->err.code;
    s = wf_state_find(*def, (*d)->state);
    *pages = dv_edit_pages(r, s, *d, np);
    for (*at = 0; *at < *np; (*at)++)
        if (!strcmp((*pages)[*at]->id, page_id))
            return EN_OK;
    if (s == NULL || s->form == NULL)
        return en_set(&r->err, EN_CONFLICT, "wf.save.closed", "not editable");
    return route_not_found(r);
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

        if (dv_error_for(skip, nskip, f->name) != NULL || f->filled_by != NULL)
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

/* Whether the page's repeating groups were refused (then none is saved
 * with the rest: the page shows them again as typed). */
static int
group_refused(const wf_page_t *pg, const wf_field_error_t *errs, int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (strchr(errs[i].field, '.') != NULL || wf_group_find(pg, errs[i].field) != NULL)
            return 1;
    return 0;
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
    const principal_t *who;
    kv_t             *form;
    upload_t         *files;
    wf_field_error_t *errs = NULL;
    int               nerrs = 0, n, rc, saved_file = 0;
    page_back_t       back;
    const char       *op = NULL;
    json_t           *groups = NULL, *changed = NULL;
    const char       *anchor = "";

    if (nav != NULL && (!strncmp(nav, "add:", 4) || !strncmp(nav, "remove:", 7)))
        op = nav;
    if (nav == NULL || (strcmp(nav, "prev") && strcmp(nav, "save")))
        nav = op != NULL ? "save" : "next";
    rc = load_for_edit(r, id, page_id, &d, &def, &pages, &np, &at);
    if (rc == EN_CONFLICT && !strcmp(r->err.key, "wf.save.closed"))
        return dp_render_done(r, id, "wf.save.closed", NULL);
    if (rc != EN_OK)
        return rc;
    pg = pages[at];
    who = principal_of(r);
    if ((rc = wallet_picks(r, pg)) != EN_OK)
        return rc;
    memset(&in, 0, sizeof(in));
    page_input(r, pg, NULL, 0, &form, &files, &n);
    in.form = form;
    in.uploads = files;
    in.page = pg->id;
    /* the groups as typed; "+ Ajouter" / "Retirer" save them with one item
     * more or less (the runtime refuses a count outside min..max) */
    groups = wf_group_posted_page(r->pool, pg, r->form);
    if (op != NULL && (changed = pool_json(r->pool, json_deep_copy(groups))) != NULL
        && wf_group_apply(r->pool, pg, changed, op) == 0) {
        in.groups = changed;
        anchor = op[0] == 'a' ? pool_printf(r->pool, "#f-%s", op + 4)
                              : pool_printf(r->pool, "#f-%s", op + 7);
    } else {
        in.groups = groups;
    }
    rc = wf_save_loaded(r->pool, &r->err, who, d, &in, &res);
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
            /* an empty object: no group is saved when one was refused */
            in.groups = group_refused(pg, errs, nerrs) ? pool_json(r->pool, json_object())
                                                       : groups;
            if (wf_save_loaded(r->pool, &e2, who, d, &in, &r2) == EN_OK)
                saved_file = files != NULL;
        }
        en_clear(&r->err);
    } else if (rc == EN_CONFLICT) {
        return dp_render_done(r, id, r->err.key[0] ? r->err.key : "err.conflict", NULL);
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
        if (pg->n_groups > 0 && !group_refused(pg, errs, nerrs)) {
            wf_field_error_t *ge;
            int               ng = wf_group_page_complete(r->pool, d, pg, groups, &ge, &na);

            if (ng > 0) {
                wf_field_error_t *both = pool_calloc(r->pool, sizeof(*both)
                                                     * (size_t) (nerrs + ng + 1));

                if (nerrs > 0)
                    memcpy(both, errs, sizeof(*both) * (size_t) nerrs);
                memcpy(both + nerrs, ge, sizeof(*both) * (size_t) ng);
                errs = both;
                nerrs += ng;
            }
        }
    }
    if (nerrs > 0) {
        /* shown again with what was typed; a file saved meanwhile shows */
        if (saved_file && wf_demand_load(r->pool, &r->err, id, &d) != EN_OK)
            return r->err.code;
        back.errors = errs;
        back.nerrors = nerrs;
        back.posted = r->form;
        back.groups = groups;
        return render_form_page(r, def, d, pages, np, at, 422, &back);
    }
    if (op == NULL && strcmp(nav, "save") != 0) {
        /* what was just saved may show or hide a page (a condition on a
         * field, a lookup's "not found"): the steps as they are now */
        const wf_state_t *s;
        wf_page_t       **now;
        size_t            nn, k;

        if (wf_demand_load(r->pool, &r->err, id, &d) != EN_OK)
            return r->err.code;
        s = wf_state_find(def, d->state);
        now = dv_edit_pages(r, s, d, &nn);
        for (k = 0; k < nn && strcmp(now[k]->id, pg->id) != 0; k++)
            ;
        if (k < nn) {
            pages = now;
            np = nn;
            at = k;
        }
    }
    if (op != NULL)
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s/page/%s%s", id, pg->id, anchor));
    else if (!strcmp(nav, "save"))
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s/page/%s?saved=1", id, pg->id));
    else if (!strcmp(nav, "prev"))
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s/page/%s", id,
                                         pages[at > 0 ? at - 1 : 0]->id));
    else if (at + 1 < np)
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s/page/%s", id, pages[at + 1]->id));
    else
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s/review", id));
    return EN_OK;
}

/* --- the review before submitting ------------------------------------------------------ */

/* Whether t is the owner's step that sends the form she fills in (submit,
 * resubmit): what the review page offers. */
static int
sends_the_form(const wf_transition_t *t, const wf_state_t *s)
{
    size_t i;

    if (t->form == NULL || t->form != s->form || t->auto_on_view)
        return 0;
    for (i = 0; i < t->n_by; i++)
        if (t->by[i].kind == WF_BY_OWNER)
            return 1;
    return 0;
}

/* GET /demands/{id}/review: every answer, page by page, each with its
 * "Modifier" link, and the step that sends it (a POST to .../fire/<step>,
 * h_demand_view.c's; a refusal comes back there with its messages).
 * Nothing is submitted unseen. */
static int
review_get(req_t *r, const char *id)
{
    wf_demand_t      *d;
    const wf_def_t   *def;
    const wf_state_t *s;
    wf_page_t       **pages;
    size_t            np, i;
    xmlNodePtr        root, acts;
    int               rc;

    if ((rc = wf_demand_load_as(r->pool, &r->err, principal_of(r), AZ_FIRE_TRANSITION,
                                "owner", id, &d)) != EN_OK)
        return rc;
    if ((def = dp_def_of(r, d)) == NULL)
        return r->err.code;
    s = wf_state_find(def, d->state);
    pages = dv_edit_pages(r, s, d, &np);
    if (s == NULL || s->form == NULL || np == 0) {
        /* sent meanwhile: the demand itself says where it is */
        req_redirect(r, 303, pool_printf(r->pool, "/demands/%s", id));
        return EN_OK;
    }
    root = render_begin(r, "demand_review");
    dp_demand_node(r, root, def, d);
    steps_node(r, root, d, pages, np, np);
    dv_form_data(r, root, s->form, pages, np, d);
    acts = render_node(root, "actions");
    for (i = 0; i < s->n_out; i++) {
        const wf_transition_t *t = s->out[i];
        xmlNodePtr             an;

        if (!sends_the_form(t, s))
            continue;
        an = render_node(acts, "action");
        render_attr(an, "id", t->id);
        render_attr(an, "href", pool_printf(r->pool, "/demands/%s/fire/%s", d->id, t->id));
        render_attr(an, "label", t->label.n ? dv_text(r, &t->label) : t->id);
        if (t->description.n > 0)
            render_text(an, "description", dv_text(r, &t->description));
        render_attr(an, "comment", t->comment == WF_COMMENT_REQUIRED ? "required"
                                   : t->comment == WF_COMMENT_NONE ? "none" : "optional");
        render_attr(an, "kind", "primary");
        render_attr(an, "prefix", pool_printf(r->pool, "t-%s-", t->id));
    }
    dp_no_store(r);
    return render_finish(r, 200);
}

/* --- a body over the ceiling ------------------------------------------------------------ */

/* Where a person refused by nginx's 413 goes back to: the form page or the
 * demand she was sending to (REQUEST_URI, still the refused POST's), else
 * NULL.  Only a path of those two shapes, made of [a-z0-9-] segments, is
 * given back (never a URL of someone else's choosing). */
static const char *
too_large_back(req_t *r)
{
    const char *p = r->raw_path, *rest, *c;
    size_t      idlen;

    if (p == NULL || strncmp(p, "/demands/", 9) != 0)
        return NULL;
    rest = strchr(p + 9, '/');
    idlen = rest != NULL ? (size_t) (rest - (p + 9)) : 0;
    if (idlen != 36)
        return NULL;
    for (c = p + 9; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'
              || *c == '/' || *c == '_' || (*c >= 'A' && *c <= 'Z')))
            return NULL;
    if (strstr(p, "//") != NULL)
        return NULL;
    if (!strncmp(rest, "/page/", 6) && rest[6] != '\0' && strchr(rest + 6, '/') == NULL)
        return p;
    return pool_strndup(r->pool, p, (size_t) (rest - p));
}

/* GET /too-large: nginx's error_page 413 (a body over client_max_body_size,
 * far over any field's limit) shows the portal's own page, with who is
 * logged in and a way back to the form; the files that were within their
 * limit were not received either, so it says to send them again. */
static int
h_too_large(req_t *r)
{
    xmlNodePtr  root = render_begin(r, "error"), e;
    const char *back = too_large_back(r);

    e = render_node(root, "error");
    render_attr(e, "status", "413");
    render_attr(e, "key", "form.too_large");
    if (back != NULL)
        render_attr(e, "back", back);
    return render_finish(r, 413);
}

/* --- the routes ------------------------------------------------------------------------ */

static int
h_form_get(req_t *r)
{
    return page_get(r, req_path_param(r, "id"), req_path_param(r, "page"));
}

static int
h_form_post(req_t *r)
{
    return page_post(r, req_path_param(r, "id"), req_path_param(r, "page"));
}

static int
h_form_review(req_t *r)
{
    return review_get(r, req_path_param(r, "id"));
}

const route_t form_routes[] = {
    { "GET", "/demands/{id:uuid}/page/{page:word}", "demand_page", h_form_get, 0, NULL },
    { "POST", "/demands/{id:uuid}/page/{page:word}", "demand_save", h_form_post, 0, NULL },
    { "GET", "/demands/{id:uuid}/review", "demand_review", h_form_review, 0, NULL },
    { "GET", "/too-large", "too_large", h_too_large, ROUTE_PUBLIC, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
