/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_admin_groups.c -- the administrators' people pages:
 *
 *   GET  /admin/groups                             agent groups, third-party
 *                                                  groups (with their members)
 *                                                  and the administrators
 *   POST /admin/groups                             a new group: kind, id, name
 *                                                  (third party: tp_kind, ofs)
 *   POST /admin/groups/<kind>/<group>/members      adds the person of email
 *   POST /admin/groups/<kind>/<group>/members/<person>/remove
 *   POST /admin/administrators                     adds the person of email
 *   POST /admin/administrators/<person>/remove     (never oneself)
 *   GET  /admin/identities?q=                      people by e-mail or name,
 *                                                  with their identities
 *   POST /admin/identities/link                    moves (issuer, subject) to
 *                                                  the person of email `to`
 *
 * Every route asks authz_check(AZ_ADMIN) first; changes are directory.c's
 * (each kept in admin_events).  A refusal is shown next to the form that
 * sent it, with what was typed.  No SQL here.  Pages:
 * xslt/pages/admin_groups.xsl and admin_identities.xsl, texts in
 * xslt/i18n/groups.xml.
 */
#include <string.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "authz.h"
#include "directory.h"
#include "field.h"
#include "log.h"
#include "render.h"
#include "route.h"
#include "session.h"

static int
admin_only(req_t *r)
{
    return authz_check(r->pool, &r->err, principal_of(r), AZ_ADMIN, NULL, NULL);
}

static const char *
me(req_t *r)
{
    return principal_of(r)->person_id;
}

/* The outcome of a POST, for the page: which form, the message, and what
 * was typed (kept). */
typedef struct {
    const char *form;      /* the form's id on the page */
    const char *key;       /* error (or notice) key */
    int         ok;
    const kv_t *typed;
} outcome_t;

static void
members_node(xmlNodePtr parent, json_t *members)
{
    size_t  i;
    json_t *m;

    json_array_foreach(members, i, m) {
        xmlNodePtr n = render_node(parent, "member");

        render_attr(n, "id", json_string_value(json_object_get(m, "id")));
        render_attr(n, "name", json_string_value(json_object_get(m, "name")));
        if (json_is_string(json_object_get(m, "email")))
            render_attr(n, "email", json_string_value(json_object_get(m, "email")));
        render_attr(n, "since", json_string_value(json_object_get(m, "since")));
    }
}

static void
outcome_node(req_t *r, xmlNodePtr root, const outcome_t *o)
{
    xmlNodePtr  n;
    const kv_t *kv;

    if (o == NULL)
        return;
    n = render_node(root, "outcome");
    render_attr(n, "form", o->form);
    render_attr(n, "key", o->key);
    render_attr(n, "ok", o->ok ? "yes" : "no");
    /* what was typed comes back on a refusal, valid UTF-8 only */
    for (kv = o->ok ? NULL : o->typed; kv != NULL; kv = kv->next)
        if (strcmp(kv->name, "csrf") != 0 && field_utf8_ok(kv->value)) {
            xmlNodePtr t = render_node(n, "typed");

            render_attr(t, "name", kv->name);
            render_attr(t, "value", kv->value);
        }
}

static int
groups_page(req_t *r, const outcome_t *o, int status)
{
    json_t    *all, *g;
    xmlNodePtr root, list;
    size_t     i;

    if ((all = dir_overview(r->pool, &r->err)) == NULL)
        return r->err.code;
    root = render_begin(r, "admin_groups");
    render_attr(root, "me", me(r));
    list = render_node(root, "agent-groups");
    json_array_foreach(json_object_get(all, "agent_groups"), i, g) {
        xmlNodePtr n = render_node(list, "group");

        render_attr(n, "id", json_string_value(json_object_get(g, "id")));
        render_attr(n, "name", json_string_value(json_object_get(g, "name")));
        members_node(n, json_object_get(g, "members"));
    }
    list = render_node(root, "third-party-groups");
    json_array_foreach(json_object_get(all, "third_party_groups"), i, g) {
        xmlNodePtr n = render_node(list, "group");

        render_attr(n, "id", json_string_value(json_object_get(g, "id")));
        render_attr(n, "name", json_string_value(json_object_get(g, "name")));
        render_attr(n, "kind", json_string_value(json_object_get(g, "kind")));
        if (json_is_integer(json_object_get(g, "commune_ofs")))
            render_attr(n, "ofs", pool_printf(r->pool, "%lld", (long long)
                        json_integer_value(json_object_get(g, "commune_ofs"))));
        members_node(n, json_object_get(g, "members"));
    }
    members_node(render_node(root, "administrators"), json_object_get(all, "administrators"));
    outcome_node(r, root, o);
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, status);
}

/* The page again after a POST: 200 with a notice, or 422/409/404 with the
 * refusal next to form. */
static int
after(req_t *r, int rc, const char *form, const char *done_key)
{
    outcome_t o;

    memset(&o, 0, sizeof(o));
    o.form = form;
    o.typed = r->form;
    if (rc == EN_OK) {
        o.ok = 1;
        o.key = done_key;
        return groups_page(r, &o, 200);
    }
    if (rc != EN_BADINPUT && rc != EN_CONFLICT && rc != EN_NOTFOUND)
        return rc;
    o.key = strncmp(r->err.key, "groups.", 7) == 0 || strncmp(r->err.key, "identity.", 9) == 0
            ? pool_strdup(r->pool, r->err.key) : "groups.refused";
    return groups_page(r, &o, rc == EN_CONFLICT ? 409 : rc == EN_NOTFOUND ? 404 : 422);
}

static const char *
param(req_t *r, const char *name)
{
    const char *v = req_param(r, name);

    return v != NULL && field_utf8_ok(v) ? v : "";
}

static int
h_groups(req_t *r)
{
    int rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    return groups_page(r, NULL, 200);
}

static int
h_group_create(req_t *r)
{
    const char *kind = param(r, "kind"), *ofs = param(r, "ofs");
    int         rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    if (strcmp(kind, "agent") != 0 && strcmp(kind, "third-party") != 0)
        kind = "agent";
    rc = dir_group_create(r->pool, &r->err, kind, param(r, "id"), param(r, "name"),
                          strcmp(kind, "agent") ? param(r, "tp_kind") : NULL,
                          *ofs && strcmp(kind, "agent") ? ofs : NULL, me(r), r->request_id);
    if (rc == EN_BADINPUT && !strncmp(r->err.key, "err.", 4))
        en_set(&r->err, EN_BADINPUT, "groups.bad_ofs", "bad OFS number");
    if (rc == EN_OK)
        log_event(LOG_INFO, "group created", "kind", kind, "group", param(r, "id"), NULL);
    return after(r, rc, "new-group", "groups.created");
}

static int
h_member_add(req_t *r)
{
    const char *kind = req_path_param(r, "kind"), *group = req_path_param(r, "group");
    int         rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    rc = dir_member_add(r->pool, &r->err, kind, group, param(r, "email"), me(r),
                        r->request_id);
    return after(r, rc, pool_printf(r->pool, "members-%s-%s", kind, group),
                 "groups.member_added");
}

static int
h_member_remove(req_t *r)
{
    const char *kind = req_path_param(r, "kind"), *group = req_path_param(r, "group");
    int         rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    rc = dir_member_remove(r->pool, &r->err, kind, group, req_path_param(r, "person"),
                           me(r), r->request_id);
    return after(r, rc, pool_printf(r->pool, "members-%s-%s", kind, group),
                 "groups.member_removed");
}

static int
h_admin_add(req_t *r)
{
    int rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    rc = dir_admin_add(r->pool, &r->err, param(r, "email"), me(r), r->request_id);
    return after(r, rc, "admins", "groups.admin_added");
}

static int
h_admin_remove(req_t *r)
{
    int rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    rc = dir_admin_remove(r->pool, &r->err, req_path_param(r, "person"), me(r),
                          r->request_id);
    return after(r, rc, "admins", "groups.admin_removed");
}

/* --- identities ------------------------------------------------------------------ */

static int
identities_page(req_t *r, const char *q, const outcome_t *o, int status)
{
    xmlNodePtr root = NULL, list;
    json_t    *people = NULL, *pe, *id;
    size_t     i, j;

    if (q != NULL && *q && (people = dir_people(r->pool, &r->err, q)) == NULL)
        return r->err.code;
    root = render_begin(r, "admin_identities");
    if (q != NULL)
        render_attr(root, "q", q);
    list = render_node(root, "people");
    json_array_foreach(people, i, pe) {
        xmlNodePtr n = render_node(list, "person");

        render_attr(n, "id", json_string_value(json_object_get(pe, "id")));
        render_attr(n, "name", json_string_value(json_object_get(pe, "name")));
        if (json_is_string(json_object_get(pe, "email")))
            render_attr(n, "email", json_string_value(json_object_get(pe, "email")));
        render_attr(n, "assurance", json_string_value(json_object_get(pe, "assurance")));
        json_array_foreach(json_object_get(pe, "identities"), j, id) {
            xmlNodePtr in = render_node(n, "identity");

            render_attr(in, "n", pool_printf(r->pool, "%zu-%zu", i, j));
            render_attr(in, "issuer", json_string_value(json_object_get(id, "issuer")));
            render_attr(in, "subject", json_string_value(json_object_get(id, "subject")));
            render_attr(in, "idp", json_string_value(json_object_get(id, "idp")));
            render_attr(in, "last_login", json_string_value(json_object_get(id, "last_login")));
        }
    }
    outcome_node(r, root, o);
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, status);
}

static int
h_identities(req_t *r)
{
    const char *q = req_param(r, "q");
    int         rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    if (q != NULL && (!field_utf8_ok(q) || field_utf8_count(q) > 200))
        q = NULL;
    return identities_page(r, q, NULL, 200);
}

static int
h_identity_link(req_t *r)
{
    const char *q = param(r, "q");
    outcome_t   o;
    int         rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    rc = dir_identity_link(r->pool, &r->err, param(r, "issuer"), param(r, "subject"),
                           param(r, "to"), me(r), r->request_id);
    memset(&o, 0, sizeof(o));
    o.form = pool_printf(r->pool, "link-%s", param(r, "n"));
    o.typed = r->form;
    if (rc == EN_OK) {
        log_event(LOG_INFO, "identity linked by an administrator", "issuer",
                  param(r, "issuer"), "subject", param(r, "subject"), NULL);
        o.ok = 1;
        o.key = "groups.linked";
        return identities_page(r, q, &o, 200);
    }
    if (rc != EN_BADINPUT && rc != EN_CONFLICT && rc != EN_NOTFOUND)
        return rc;
    o.key = strncmp(r->err.key, "groups.", 7) == 0 || strncmp(r->err.key, "identity.", 9) == 0
            ? pool_strdup(r->pool, r->err.key) : "groups.refused";
    return identities_page(r, q, &o, 422);
}

const route_t admin_groups_routes[] = {
    { "GET", "/admin/groups", "admin_groups", h_groups, 0, NULL },
    { "POST", "/admin/groups", "admin_group_create", h_group_create, 0, NULL },
    { "POST", "/admin/groups/{kind:word}/{group:word}/members", "admin_member_add",
      h_member_add, 0, NULL },
    { "POST", "/admin/groups/{kind:word}/{group:word}/members/{person:uuid}/remove",
      "admin_member_remove", h_member_remove, 0, NULL },
    { "POST", "/admin/administrators", "admin_admin_add", h_admin_add, 0, NULL },
    { "POST", "/admin/administrators/{person:uuid}/remove", "admin_admin_remove",
      h_admin_remove, 0, NULL },
    { "GET", "/admin/identities", "admin_identities", h_identities, 0, NULL },
    { "POST", "/admin/identities/link", "admin_identity_link", h_identity_link, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
