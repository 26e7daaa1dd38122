/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_context.c -- the routes of spaces and roles:
 *
 *   GET  /context                 "Prénom Nom, pour moi-même" and "Prénom Nom,
 *                                 pour <entité>" for each active space of the
 *                                 person: the choice of the Vaud portal
 *   POST /context                 switches to the chosen one (new session id)
 *   GET  /spaces/<id>/members     the référent's (or a delegate's) view of a
 *                                 space: members, functions, duties, grants
 *   GET  /admin                   the administrators' landing page
 *
 * Every decision is authz_check's; the data comes from space.c.  The
 * pages are xslt/pages/context.xsl, members.xsl and admin.xsl with the
 * texts of xslt/i18n/spaces.xml.
 */
#include <string.h>

#include "authz.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "space.h"

/* A place to go back to after the switch: a local path only (the same
 * test the login uses), else "/". */
static const char *
local_path(const char *s)
{
    return session_return_to_ok(s) ? s : "/";
}

static int
h_context(req_t *r)
{
    const session_t *s = r->session;
    space_context_t *ctx;
    xmlNodePtr       root, list, o;
    int              n, i, rc;

    if ((rc = authz_check(r->pool, &r->err, principal_of(r),
                          AZ_SWITCH_CONTEXT, NULL, NULL)) != EN_OK)
        return rc;
    if ((rc = space_contexts(r->pool, &r->err, s->person_id, &ctx, &n)) != EN_OK)
        return rc;
    root = render_begin(r, "context");
    list = render_node(root, "choice");
    render_attr(list, "return-to", local_path(req_param(r, "return_to")));
    o = render_node(list, "option");
    render_attr(o, "space", "");
    render_attr(o, "kind", "self");
    render_attr(o, "name", s->display_name);
    if (s->space_id == NULL)
        render_attr(o, "active", "yes");
    for (i = 0; i < n; i++) {
        o = render_node(list, "option");
        render_attr(o, "space", ctx[i].space_id);
        render_attr(o, "kind", "entity");
        render_attr(o, "name", s->display_name);
        render_attr(o, "entity", ctx[i].entity_name);
        render_attr(o, "ide", ctx[i].ide);
        render_attr(o, "legal-form", ctx[i].legal_form);
        if (*ctx[i].function)
            render_attr(o, "function", ctx[i].function);
        if (ctx[i].is_referent)
            render_attr(o, "referent", "yes");
        if (s->space_id != NULL && !strcmp(s->space_id, ctx[i].space_id))
            render_attr(o, "active", "yes");
    }
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, 200);
}

static int
h_context_switch(req_t *r)
{
    const char *space = req_param(r, "space");
    int         rc;

    if (space == NULL)
        return en_set(&r->err, EN_BADINPUT, "err.bad_request", "no context chosen");
    if (*space == '\0' || !strcmp(space, "self"))
        space = NULL;
    if ((rc = authz_check(r->pool, &r->err, principal_of(r),
                          AZ_SWITCH_CONTEXT, space, NULL)) != EN_OK)
        return rc;
    if ((rc = session_switch(r, space)) != EN_OK)
        return rc;
    req_redirect(r, 303, local_path(req_param(r, "return_to")));
    return EN_OK;
}

/* Adds one child element per blank-separated word of list. */
static void
add_words(req_t *r, xmlNodePtr parent, const char *name, const char *attr, const char *list)
{
    char *copy = pool_strdup(r->pool, list), *save = NULL, *w;

    for (w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
        render_attr(render_node(parent, name), attr, w);
}

static int
page_members(req_t *r, const char *space_id)
{
    space_info_t   *info;
    space_member_t *m;
    xmlNodePtr      root, sp, e;
    int             n, i, rc;

    if ((rc = authz_check(r->pool, &r->err, principal_of(r),
                          AZ_MANAGE_MEMBERS, space_id, NULL)) != EN_OK)
        return rc;
    if ((rc = space_load(r->pool, &r->err, space_id, &info, &m, &n)) != EN_OK)
        return rc;
    root = render_begin(r, "members");
    sp = render_node(root, "space");
    render_attr(sp, "id", info->id);
    render_attr(sp, "status", info->status);
    render_attr(sp, "name", info->entity_name);
    render_attr(sp, "ide", info->ide);
    render_attr(sp, "legal-form", info->legal_form);
    render_attr(sp, "street", info->street);
    render_attr(sp, "house-number", info->house_number);
    render_attr(sp, "postcode", info->postcode);
    render_attr(sp, "locality", info->locality);
    for (i = 0; i < n; i++) {
        e = render_node(sp, "member");
        render_attr(e, "person", m[i].person_id);
        render_attr(e, "name", m[i].display_name);
        render_attr(e, "email", m[i].email);
        render_attr(e, "since", m[i].since);
        if (*m[i].function)
            render_attr(e, "function", m[i].function);
        if (m[i].is_referent)
            render_attr(e, "referent", "yes");
        if (*m[i].duties_until)
            render_attr(e, "duties-until", m[i].duties_until);
        add_words(r, e, "duty", "name", m[i].duties);
        add_words(r, e, "grant", "workflow", m[i].grants);
    }
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, 200);
}

/* /spaces/{id}/members: the space's management page. */
static int
h_spaces(req_t *r)
{
    return page_members(r, req_path_param(r, "id"));
}

static int
h_admin(req_t *r)
{
    const char **keys, **values;
    xmlNodePtr   root, list, c;
    int          n, i, rc;

    if ((rc = authz_check(r->pool, &r->err, principal_of(r), AZ_ADMIN, NULL, NULL)) != EN_OK)
        return rc;
    if ((rc = space_admin_summary(r->pool, &r->err, &keys, &values, &n)) != EN_OK)
        return rc;
    root = render_begin(r, "admin");
    list = render_node(root, "counts");
    for (i = 0; i < n; i++) {
        c = render_node(list, "count");
        render_attr(c, "key", keys[i]);
        render_attr(c, "value", values[i]);
    }
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, 200);
}

const route_t space_routes[] = {
    { "GET", "/context", "context", h_context, 0, NULL },
    { "POST", "/context", "context_switch", h_context_switch, 0, NULL },
    { "GET", "/spaces/{id:uuid}/members", "space_members", h_spaces, 0, NULL },
    { "GET", "/admin", "admin", h_admin, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
