/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_auth.c -- the login and logout routes.
 *
 *   GET  /auth/login       remembers where the person was going (a local
 *                          path only), lists the providers when there are
 *                          several, else goes straight to the one
 *   GET  /auth/callback    the redirect URI (auth_oidc.c does the work)
 *   POST /auth/logout      ends the session, then RP-initiated logout at
 *                          the provider it was opened with
 *   GET  /auth/logged-out  where the provider sends the person back
 *   GET  /auth/session     "my session": who is logged in, how strongly,
 *                          with which provider, since when, until when
 *
 * A refused login gets the auth_error page (what happened, in words the
 * person can act on, and a way to try again); nothing is stored.
 */
#include <stdio.h>
#include <string.h>

#include "auth_oidc.h"
#include "db.h"
#include "enrol.h"
#include "render.h"
#include "route.h"
#include "session.h"

static const char *
return_to_param(req_t *r)
{
    const char *back = req_param(r, "return_to");

    return session_return_to_ok(back) ? back : "/";
}

static int
auth_failed(req_t *r)
{
    xmlNodePtr root, e;
    int        status = r->err.http_status ? r->err.http_status : 401;

    if (strncmp(r->err.key, "auth.err.", 9) != 0)
        return route_fail(r);
    req_header(r, "Cache-Control", "no-store");
    root = render_begin(r, "auth_error");
    e = render_node(root, "auth-error");
    render_attr(e, "key", r->err.key);
    if (!strcmp(r->err.key, "auth.err.provider") && r->err.msg[0])
        render_attr(e, "code", r->err.msg);
    return render_finish(r, status);
}

static int
h_login(req_t *r)
{
    const char *back = return_to_param(r), *idp = req_param(r, "idp");
    const char *reason = req_param(r, "reason");
    xmlNodePtr  root, list, n;
    int         i;

    if (r->session != NULL && idp == NULL) {
        req_redirect(r, 303, back);
        return EN_OK;
    }
    if (r->cfg->nidp == 0) {
        en_set(&r->err, EN_UNAVAILABLE, "auth.err.none", "no identity provider configured");
        r->err.http_status = 503;
        return auth_failed(r);
    }
    i = idp != NULL ? auth_oidc_find(r->cfg, idp) : r->cfg->nidp == 1 ? 0 : -1;
    if (i >= 0) {
        if (auth_oidc_begin(r, i, back) != EN_OK)
            return auth_failed(r);
        return EN_OK;
    }
    /* several providers (or an unknown one asked for): let the person pick */
    req_header(r, "Cache-Control", "no-store");
    root = render_begin(r, "login");
    render_attr(root, "return-to", back);
    render_attr(root, "return-to-enc", auth_url_encode(r->pool, back));
    if (idp != NULL)
        render_attr(root, "unknown", "yes");
    if (reason != NULL && !strcmp(reason, "expired"))
        render_attr(root, "reason", "expired");
    list = render_node(root, "providers");
    for (i = 0; i < r->cfg->nidp; i++) {
        n = render_node(list, "provider");
        render_attr(n, "name", r->cfg->idp[i].name);
        render_attr(n, "label", r->cfg->idp[i].label);
    }
    return render_finish(r, idp != NULL ? 404 : 200);
}

static int
h_callback(req_t *r)
{
    if (auth_oidc_callback(r) != EN_OK && r->status == 0)
        return auth_failed(r);
    return EN_OK;
}

static int
h_logout(req_t *r)
{
    const char *idp = r->session != NULL ? r->session->idp : NULL;
    const char *done = pool_printf(r->pool, "%s/auth/logged-out", r->cfg->base_url);
    const char *at_provider;

    if (session_close(r) != EN_OK)
        return r->err.code;
    at_provider = idp != NULL && *idp ? auth_oidc_logout_url(r, idp, done) : NULL;
    req_header(r, "Cache-Control", "no-store");
    req_redirect(r, 303, at_provider != NULL ? at_provider : "/auth/logged-out");
    return EN_OK;
}

static int
h_logged_out(req_t *r)
{
    render_begin(r, "auth_logged_out");
    return render_finish(r, 200);
}

static int
h_session(req_t *r)
{
    session_t  *s = r->session;
    const char *since = NULL, *until = NULL;
    xmlNodePtr  root, n;
    json_t     *v;
    int         i;

    if (session_times(r, &since, &until) != EN_OK)
        return r->err.code;
    req_header(r, "Cache-Control", "no-store");
    root = render_begin(r, "auth_session");
    n = render_node(root, "session");
    render_attr(n, "name", s->display_name);
    render_attr(n, "email", s->email);
    render_attr(n, "assurance", assurance_name(s->assurance));
    if (since != NULL) {
        render_attr(n, "since", since);
        render_attr(n, "until", until);
    }
    for (i = 0; s->idp != NULL && i < r->cfg->nidp; i++)
        if (!strcmp(r->cfg->idp[i].name, s->idp))
            render_attr(n, "provider", r->cfg->idp[i].label);
    /* the in-person check behind a verified identity: who, where, when */
    if ((v = enrol_verification(r->pool, &r->err, s->person_id)) != NULL) {
        xmlNodePtr vn = render_node(root, "verification");
        const char *k[] = { "at", "checked_at", "by", "where", NULL };

        for (i = 0; k[i] != NULL; i++)
            if (json_is_string(json_object_get(v, k[i])))
                render_attr(vn, k[i], json_string_value(json_object_get(v, k[i])));
    } else if (r->err.code != EN_NOTFOUND)
        return r->err.code;
    en_clear(&r->err);
    return render_finish(r, 200);
}

const route_t auth_routes[] = {
    { "GET", "/auth/login", "auth_login", h_login, ROUTE_PUBLIC, NULL },
    { "GET", "/auth/callback", "auth_callback", h_callback, ROUTE_PUBLIC | ROUTE_NO_CSRF, NULL },
    { "POST", "/auth/logout", "auth_logout", h_logout, 0, NULL },
    { "GET", "/auth/logged-out", "auth_logged_out", h_logged_out, ROUTE_PUBLIC, NULL },
    { "GET", "/auth/session", "auth_session", h_session, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
