/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_desk.c -- "Déposer une demande au guichet" (issue 11, at the counter):
 *
 *   GET  /agent/<group>/file    the procedures the group acts in, the
 *                               search for the person who came in (ident:
 *                               an AVS number or an e-mail address), the
 *                               person found with the spaces they may act
 *                               for, and the agent's counter drafts not yet
 *                               submitted (to resume)
 *   POST /agent/<group>/file    person, workflow, for (self or a space id):
 *                               files the draft for the person (desk_file),
 *                               then 303 to its first form page; a refusal
 *                               for the person is the page again (422) with
 *                               the reason next to the procedure
 *
 * Owns reading the form and the page's XML; the SQL and the filing are
 * desk.c's, who may do it authz's (file-at-counter) and wf_may_start's.
 * Page: xslt/pages/desk_file.xsl; texts xslt/i18n/desk.xml.
 */
#include <string.h>

#include "authz.h"
#include "demand_view.h"
#include "desk.h"
#include "field.h"
#include "i18n.h"
#include "pool_json.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_demand.h"
#include "wf_store.h"

#define DESK_IDENT_MAX 254

/* What the page shows besides the desk: the search, the person found, the
 * form posted back with its refusal. */
typedef struct {
    const char *ident;          /* as typed, kept */
    const char *ident_error;    /* catalogue key next to the search field */
    json_t     *person;         /* the one person found, or NULL */
    const char *workflow;       /* the choice posted back */
    const char *for_;           /* "self" or a space id */
    const char *lang;           /* the person's language of correspondence */
    const char *file_error;     /* key of the refusal next to the procedure */
    const char *file_words;     /* the definition's own words, if any */
} desk_view_t;

static const char *
jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void
person_node(xmlNodePtr root, json_t *person)
{
    xmlNodePtr pn = render_node(root, "person"), sn;
    json_t    *s;
    size_t     i;

    render_attr(pn, "id", jstr(person, "id"));
    render_attr(pn, "name", jstr(person, "name"));
    if (jstr(person, "email"))
        render_attr(pn, "email", jstr(person, "email"));
    if (jstr(person, "avs13"))
        render_attr(pn, "avs13", jstr(person, "avs13"));
    if (jstr(person, "birth"))
        render_attr(pn, "birth", jstr(person, "birth"));
    render_attr(pn, "assurance", jstr(person, "assurance"));
    json_array_foreach(json_object_get(person, "spaces"), i, s) {
        sn = render_node(pn, "space");
        render_attr(sn, "id", jstr(s, "id"));
        render_attr(sn, "name", jstr(s, "name"));
    }
}

static const char *
audience_name(const wf_def_t *def)
{
    return def->audience.space == WF_SPACE_PERSONAL ? "personal"
           : def->audience.space == WF_SPACE_PROFESSIONAL ? "professional" : "any";
}

static const char *
title_of(req_t *r, const char *key)
{
    en_err_t        err;
    const wf_def_t *def;
    int             ver;

    en_clear(&err);
    def = wf_store_current(&err, key, &ver);
    return def != NULL && def->title.n ? dv_text(r, &def->title) : key;
}

static int
render_desk(req_t *r, const char *group, const desk_view_t *v, int status)
{
    json_t     *desk, *k, *dr;
    xmlNodePtr  root, gn, sn, procs, pn, drafts, dn, fn;
    size_t      i;
    int         rc;

    if ((rc = desk_page(r->pool, &r->err, principal_of(r), group, &desk)) != EN_OK)
        return rc;
    root = render_begin(r, "desk_file");
    gn = render_node(root, "group");
    render_attr(gn, "id", group);
    render_attr(gn, "name", jstr(desk, "group") ? jstr(desk, "group") : group);

    procs = render_node(root, "procedures");
    json_array_foreach(json_object_get(desk, "procedures"), i, k) {
        en_err_t        err;
        const wf_def_t *def;
        int             ver;

        en_clear(&err);
        if ((def = wf_store_current(&err, json_string_value(k), &ver)) == NULL)
            continue;
        pn = render_node(procs, "procedure");
        render_attr(pn, "key", def->id);
        render_attr(pn, "title", def->title.n ? dv_text(r, &def->title) : def->id);
        render_attr(pn, "audience", audience_name(def));
        if (v->workflow != NULL && !strcmp(v->workflow, def->id))
            render_attr(pn, "selected", "yes");
    }

    sn = render_node(root, "search");
    render_attr(sn, "ident", v->ident != NULL ? v->ident : "");
    if (v->ident_error != NULL)
        render_attr(sn, "error", v->ident_error);
    if (v->person != NULL) {
        person_node(root, v->person);
        fn = render_node(root, "file");
        render_attr(fn, "for", v->for_ != NULL ? v->for_ : "self");
        render_attr(fn, "mail-lang", v->lang != NULL ? v->lang : r->lang);
        if (v->file_error != NULL) {
            render_attr(fn, "error", v->file_error);
            if (v->file_words != NULL)
                render_text(fn, "words", v->file_words);
        }
    }

    drafts = render_node(root, "drafts");
    json_array_foreach(json_object_get(desk, "drafts"), i, dr) {
        dn = render_node(drafts, "draft");
        render_attr(dn, "id", jstr(dr, "id"));
        render_attr(dn, "reference", jstr(dr, "reference"));
        render_attr(dn, "title", title_of(r, jstr(dr, "workflow")));
        render_attr(dn, "person", jstr(dr, "person"));
        if (jstr(dr, "space"))
            render_attr(dn, "space", jstr(dr, "space"));
        render_attr(dn, "created", jstr(dr, "created"));
    }
    req_header(r, "Cache-Control", "private, no-store");
    return render_finish(r, status);
}

/* --- GET /agent/<group>/file -------------------------------------------------------------- */

static int
h_desk(req_t *r)
{
    const char *group = req_path_param(r, "group");
    const char *ident = req_param(r, "ident");
    desk_view_t v;
    json_t     *found;
    int         rc, status = 200;

    if ((rc = authz_check(r->pool, &r->err, principal_of(r), AZ_FILE_AT_COUNTER, group,
                          NULL)) != EN_OK)
        return rc;
    memset(&v, 0, sizeof(v));
    if (ident != NULL && *ident != '\0') {
        if (!field_utf8_ok(ident)) {
            v.ident = "";
            v.ident_error = "field.utf8";
            return render_desk(r, group, &v, 422);
        }
        v.ident = ident;                /* valid UTF-8: kept whole, too long or not */
        rc = desk_find(r->pool, &r->err, ident, &found);
        if (rc == EN_BADINPUT) {
            v.ident_error = pool_strdup(r->pool, r->err.key);   /* err is cleared below */
            status = 422;
        } else if (rc != EN_OK) {
            return rc;
        } else if (json_array_size(found) == 0) {
            v.ident_error = "desk.nobody";      /* said next to the field */
        } else if (json_array_size(found) > 1) {
            v.ident_error = "desk.ambiguous";
        } else {
            v.person = json_array_get(found, 0);
        }
        en_clear(&r->err);
    }
    return render_desk(r, group, &v, status);
}

/* --- POST /agent/<group>/file ------------------------------------------------------------- */

static int
h_desk_file(req_t *r)
{
    const char        *group = req_path_param(r, "group");
    const char        *person_id = req_param(r, "person");
    const char        *key = req_param(r, "workflow");
    const char        *for_ = req_param(r, "for");
    const char        *ident = req_param(r, "ident");
    const char        *lang = req_param(r, "mail_lang");
    const principal_t *agent = principal_of(r);
    const wf_def_t    *def;
    const wf_state_t  *init;
    wf_demand_t       *d;
    wf_page_t        **pages;
    desk_view_t        v;
    size_t             np;
    int                rc;

    if ((rc = authz_check(r->pool, &r->err, agent, AZ_FILE_AT_COUNTER, group, NULL)) != EN_OK)
        return rc;
    memset(&v, 0, sizeof(v));
    v.ident = ident != NULL && field_utf8_ok(ident) && strlen(ident) <= DESK_IDENT_MAX
              ? ident : "";
    if ((rc = desk_person(r->pool, &r->err, person_id, &v.person)) != EN_OK) {
        if (rc != EN_NOTFOUND)
            return rc;
        en_clear(&r->err);
        v.ident_error = "desk.nobody";
        return render_desk(r, group, &v, 422);
    }
    v.workflow = key;
    v.for_ = for_ != NULL && strcmp(for_, "self") != 0 ? for_ : "self";
    v.lang = lang != NULL && i18n_lang_ok(lang) ? lang : r->lang;
    if (key == NULL || *key == '\0') {
        v.file_error = "desk.workflow.required";
        return render_desk(r, group, &v, 422);
    }
    rc = desk_file(r->pool, &r->err, agent, group, key,
                   person_id, strcmp(v.for_, "self") != 0 ? v.for_ : NULL, v.lang, &d);
    if (rc == EN_FORBIDDEN || (rc == EN_NOTFOUND && strcmp(r->err.key, "err.notfound") != 0)) {
        /* the person may not start it, or the group does not act in it:
         * said next to the procedure, nothing created */
        v.file_error = pool_strdup(r->pool, dv_start_reason_key(r->err.key));
        if (!strncmp(r->err.key, "wf.audience.", 12) && r->err.msg[0]
            && strcmp(r->err.key, "wf.audience.assurance") != 0)
            v.file_words = pool_strdup(r->pool, r->err.msg);
        en_clear(&r->err);
        return render_desk(r, group, &v, 422);
    }
    if (rc == EN_NOTFOUND) {                    /* no such procedure */
        en_clear(&r->err);
        v.file_error = "desk.not_this_group";
        return render_desk(r, group, &v, 422);
    }
    if (rc != EN_OK)
        return rc;
    if ((def = wf_store_get(&r->err, d->workflow_key, d->definition_version)) == NULL)
        return r->err.code;
    init = wf_state_find(def, d->state);
    pages = init != NULL ? dv_edit_pages(r, init, d, &np) : NULL;
    if (pages == NULL)
        np = 0;
    req_redirect(r, 303, np > 0
                 ? pool_printf(r->pool, "/demands/%s/page/%s", d->id, pages[0]->id)
                 : pool_printf(r->pool, "/demands/%s", d->id));
    return EN_OK;
}

/* person: the one the search found; workflow: a procedure of the group;
 * for: "self" or one of the person's space ids; mail_lang: the person's
 * language of correspondence; ident: the search, kept */
static const route_param_t file_params[] = {
    { "person", ROUTE_UUID, 0, 0, ROUTE_REQUIRED },
    { "workflow", ROUTE_WORD, 0, 0, 0 },
    { "for", ROUTE_WORD, 0, 0, 0 },
    { "mail_lang", ROUTE_WORD, 0, 0, 0 },
    { NULL, 0, 0, 0, 0 }
};

const route_t desk_routes[] = {
    { "GET", "/agent/{group:word}/file", "desk", h_desk, 0, NULL },
    { "POST", "/agent/{group:word}/file", "desk_file", h_desk_file, 0, file_params },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
