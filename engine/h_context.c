/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_context.c -- the routes of spaces and roles:
 *
 *   GET  /context                 "Prénom Nom, pour moi-même" and "Prénom Nom,
 *                                 pour <entité>" for each active space of the
 *                                 person: the choice of the Vaud portal
 *   POST /context                 switches to the chosen one (new session id)
 *                                 with the référent offers made to the person
 *                                 (h_members.c answers them) and the way to
 *                                 join a space with a key
 *   GET  /admin                   the administrators' landing page
 *
 * Every decision is authz_check's; the data comes from space.c.  The
 * pages are xslt/pages/context.xsl and admin.xsl with the texts of
 * xslt/i18n/spaces.xml.  The members page is h_members.c's.
 */
#include <string.h>

#include "authz.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "space.h"
#include "space_tools.h"

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
    const char     **offer_spaces, **offer_names;
    const char      *done = req_param(r, "done");
    int              n, i, noffers, rc;

    if ((rc = authz_check(r->pool, &r->err, principal_of(r),
                          AZ_SWITCH_CONTEXT, NULL, NULL)) != EN_OK)
        return rc;
    if ((rc = space_contexts(r->pool, &r->err, s->person_id, &ctx, &n)) != EN_OK)
        return rc;
    if ((rc = spt_offers_to(r->pool, &r->err, s->person_id, &offer_spaces, &offer_names,
                            &noffers)) != EN_OK)
        return rc;
    root = render_begin(r, "context");
    list = render_node(root, "choice");
    if (done != NULL && route_word_ok(done))
        render_attr(list, "done", done);
    if (s->assurance >= ASSURANCE_VERIFIED)
        render_attr(list, "may-join", "yes");
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
        if (ctx[i].is_delegate)
            render_attr(o, "delegate", "yes");
        if (*ctx[i].contact_email)
            render_attr(o, "contact-email", ctx[i].contact_email);
        if (s->space_id != NULL && !strcmp(s->space_id, ctx[i].space_id))
            render_attr(o, "active", "yes");
    }
    for (i = 0; i < noffers; i++) {
        o = render_node(root, "offer");
        render_attr(o, "space", offer_spaces[i]);
        render_attr(o, "entity", offer_names[i]);
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
    { "GET", "/admin", "admin", h_admin, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
