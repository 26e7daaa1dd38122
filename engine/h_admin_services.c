/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_admin_services.c -- the administrators' page of service accounts, the
 * other systems that may fire by="system" transitions (docs/api.md):
 *
 *   GET  /admin/service-accounts              the accounts (scope, made by,
 *                                             last used, refused calls,
 *                                             revoked) and the form to add one
 *   POST /admin/service-accounts              name, description, scope=
 *                                             <procedure>:<transition>...: the
 *                                             token is shown once, here
 *   POST /admin/service-accounts/<id>/revoke  revokes at once
 *
 * Every route asks authz_check(AZ_ADMIN) first.  The accounts are
 * service_account.c's; the transitions offered are the by="system" ones of
 * each procedure's current version (wf_admin.c, wf_store.c).  No SQL here.
 * Page: xslt/pages/admin_services.xsl, texts in xslt/i18n/api.xml.
 */
#include <string.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "authz.h"
#include "demand_view.h"
#include "field.h"
#include "log.h"
#include "pool_json.h"
#include "render.h"
#include "route.h"
#include "service_account.h"
#include "session.h"
#include "wf_admin.h"
#include "wf_store.h"

#define DESCRIPTION_MAX 300

static int
admin_only(req_t *r)
{
    return authz_check(r->pool, &r->err, principal_of(r), AZ_ADMIN, NULL, NULL);
}

/* The transitions a service account may be given: the by="system" ones of
 * every procedure's current version, as <choices>. */
static void
choices_node(req_t *r, xmlNodePtr root, json_t *picked)
{
    xmlNodePtr       list = render_node(root, "choices");
    wf_admin_proc_t *procs;
    size_t           n = 0, i, j, k;
    en_err_t         e2;

    en_clear(&e2);
    if (wf_admin_procedures(r->pool, &e2, NULL, &procs, &n) != EN_OK)
        return;
    for (i = 0; i < n; i++) {
        const wf_def_t *def;
        xmlNodePtr      pn = NULL;

        if (procs[i].n_versions == 0
            || (def = wf_store_get(&e2, procs[i].key, procs[i].versions[0].version)) == NULL)
            continue;
        for (j = 0; j < def->n_transitions; j++) {
            const wf_transition_t *t = &def->transitions[j];
            xmlNodePtr             tn;

            if (!wf_transition_allows(t, WF_BY_SYSTEM, NULL))
                continue;
            if (pn == NULL) {
                pn = render_node(list, "procedure");
                render_attr(pn, "key", def->id);
                render_attr(pn, "title", dv_text(r, &def->title));
            }
            tn = render_node(pn, "transition");
            render_attr(tn, "id", t->id);
            render_attr(tn, "label", dv_text(r, &t->label));
            for (k = 0; k < json_array_size(picked); k++) {
                json_t *s = json_array_get(picked, k);

                if (!strcmp(json_string_value(json_object_get(s, "workflow")), def->id)
                    && !strcmp(json_string_value(json_object_get(s, "transition")), t->id))
                    render_attr(tn, "checked", "yes");
            }
        }
    }
}

static void
accounts_node(req_t *r, xmlNodePtr root, json_t *list)
{
    xmlNodePtr n = render_node(root, "accounts");
    size_t     i, j;
    static const char *const attrs[] = {
        "id", "name", "description", "created_at", "created_by", "last_used_at",
        "revoked_at", "revoked_by", NULL
    };

    for (i = 0; i < json_array_size(list); i++) {
        json_t     *a = json_array_get(list, i), *scopes = json_object_get(a, "scopes");
        xmlNodePtr  an = render_node(n, "account");
        int         k;

        for (k = 0; attrs[k] != NULL; k++) {
            const char *v = json_string_value(json_object_get(a, attrs[k]));

            if (v != NULL && *v)
                render_attr(an, attrs[k], v);
        }
        render_attr(an, "refused", pool_printf(r->pool, "%lld",
                    (long long) json_integer_value(json_object_get(a, "refused"))));
        for (j = 0; j < json_array_size(scopes); j++) {
            json_t    *s = json_array_get(scopes, j);
            xmlNodePtr sn = render_node(an, "scope");

            render_attr(sn, "workflow", json_string_value(json_object_get(s, "workflow")));
            render_attr(sn, "transition", json_string_value(json_object_get(s, "transition")));
        }
    }
}

typedef struct {
    const char *name, *description, *token, *notice;
    json_t     *picked;
    const char *errors[3][2];     /* field, key */
    int         nerrors;
} form_t;

static int
page(req_t *r, const form_t *f, int status)
{
    xmlNodePtr root, fn;
    json_t    *list;
    int        i;

    if ((list = sa_list(r->pool, &r->err)) == NULL)
        return r->err.code;
    root = render_begin(r, "admin_services");
    accounts_node(r, root, list);
    choices_node(r, root, f != NULL ? f->picked : NULL);
    fn = render_node(root, "form");
    if (f != NULL) {
        if (f->token != NULL) {
            xmlNodePtr c = render_node(root, "created");

            render_attr(c, "name", f->name);
            render_attr(c, "token", f->token);
        } else {
            if (f->name != NULL)
                render_attr(fn, "name", f->name);
            if (f->description != NULL)
                render_attr(fn, "description", f->description);
        }
        for (i = 0; i < f->nerrors; i++) {
            xmlNodePtr e = render_node(fn, "error");

            render_attr(e, "field", f->errors[i][0]);
            render_attr(e, "key", f->errors[i][1]);
        }
        if (f->notice != NULL)
            render_attr(root, "notice", f->notice);
    }
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, status);
}

static int
h_admin_services(req_t *r)
{
    int rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    return page(r, NULL, 200);
}

/* The scope=<procedure>:<transition> values sent, as [{workflow,
 * transition}]; only by="system" transitions of current versions count. */
static json_t *
picked_scopes(req_t *r)
{
    json_t      *a = json_array();
    const kv_t  *kv;
    en_err_t     e2;

    pool_json(r->pool, a);
    en_clear(&e2);
    for (kv = r->form; kv != NULL; kv = kv->next) {
        const char            *colon;
        const char            *key;
        const wf_def_t        *def;
        const wf_transition_t *t;
        json_t                *o;
        int                    version;

        if (strcmp(kv->name, "scope") != 0 || (colon = strchr(kv->value, ':')) == NULL)
            continue;
        key = pool_strndup(r->pool, kv->value, (size_t) (colon - kv->value));
        /* the current version only, as the page offers it (no counts needed) */
        if ((def = wf_store_current(&e2, key, &version)) == NULL
            || (t = wf_transition_find(def, colon + 1)) == NULL
            || !wf_transition_allows(t, WF_BY_SYSTEM, NULL))
            continue;
        o = json_object();
        json_object_set_new(o, "workflow", json_string(def->id));
        json_object_set_new(o, "transition", json_string(t->id));
        json_array_append_new(a, o);
    }
    return a;
}

static int
h_admin_service_create(req_t *r)
{
    form_t      f;
    const char *token = NULL;
    int         rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    memset(&f, 0, sizeof(f));
    f.name = req_param(r, "name");
    f.description = req_param(r, "description");
    f.picked = picked_scopes(r);
    if (f.name == NULL || !sa_name_ok(f.name) || !field_utf8_ok(f.name)) {
        f.errors[f.nerrors][0] = "name";
        f.errors[f.nerrors++][1] = "api.name_invalid";
    }
    if (f.description != NULL
        && (!field_utf8_ok(f.description)
            || field_utf8_count(f.description) > DESCRIPTION_MAX)) {
        f.errors[f.nerrors][0] = "description";
        f.errors[f.nerrors++][1] = field_utf8_ok(f.description) ? "api.description_long"
                                                                : "field.utf8";
        if (!field_utf8_ok(f.description))
            f.description = NULL;        /* never shown back as it came */
    }
    if (json_array_size(f.picked) == 0) {
        f.errors[f.nerrors][0] = "scope";
        f.errors[f.nerrors++][1] = "api.scope_required";
    }
    if (f.name != NULL && !field_utf8_ok(f.name))
        f.name = NULL;
    if (f.nerrors > 0)
        return page(r, &f, 422);
    rc = sa_create(r->pool, &r->err, f.name, f.description, f.picked,
                   principal_of(r)->person_id, &token);
    if (rc == EN_CONFLICT || rc == EN_BADINPUT) {
        f.errors[f.nerrors][0] = "name";
        f.errors[f.nerrors++][1] = rc == EN_CONFLICT ? "api.name_taken" : "api.name_invalid";
        return page(r, &f, 422);
    }
    if (rc != EN_OK)
        return rc;
    log_event(LOG_INFO, "service account created", "account", f.name, NULL);
    f.token = token;
    f.picked = NULL;
    return page(r, &f, 200);
}

static int
h_admin_service_revoke(req_t *r)
{
    form_t f;
    int    rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    if ((rc = sa_revoke(r->pool, &r->err, req_path_param(r, "id"),
                        principal_of(r)->person_id)) != EN_OK)
        return rc;
    log_event(LOG_INFO, "service account revoked", "account", req_path_param(r, "id"), NULL);
    memset(&f, 0, sizeof(f));
    f.notice = "api.revoked";
    return page(r, &f, 200);
}

const route_t admin_services_routes[] = {
    { "GET", "/admin/service-accounts", "admin_services", h_admin_services, 0, NULL },
    { "POST", "/admin/service-accounts", "admin_service_create", h_admin_service_create, 0,
      NULL },
    { "POST", "/admin/service-accounts/{id:uuid}/revoke", "admin_service_revoke",
      h_admin_service_revoke, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
