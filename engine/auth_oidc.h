/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * auth_oidc.h -- login through OpenID Connect providers (liboauth2).
 *
 * liboauth2 runs only the login transaction (authorization request with
 * state, nonce and PKCE; code exchange; ID-token signature and expiry;
 * userinfo).  Everything it leaves open in 1.4.5.4 is done here: discovery
 * with a timeout, issuer/audience/nonce checks, userinfo subject check,
 * provider error callbacks, and logout.  Once the claims are verified the
 * person is found or created (identities keyed by issuer and subject) and
 * the engine's own session is opened (session.c); liboauth2's session
 * never leaves the callback request.
 */
#ifndef GUICHET_AUTH_OIDC_H
#define GUICHET_AUTH_OIDC_H

#include "req.h"

/* Per worker (worker_add_init): liboauth2, the passphrase, and each
 * configured provider's discovery document (5 s timeout).  A provider
 * that cannot be reached now is retried at the next login; this never
 * fails the worker. */
int auth_oidc_init(const cfg_t *cfg);

/* Index of the provider called name in cfg->idp[], or -1. */
int auth_oidc_find(const cfg_t *cfg, const char *name);

/* Starts a login at provider i: records state and nonce (login_flows),
 * sets liboauth2's state cookie and redirects to the provider.
 * return_to must already be a checked local path. */
int auth_oidc_begin(req_t *r, int i, const char *return_to);

/* The redirect URI.  On success the session is open and the response is
 * a 303 to the page the login started from (by way of the context choice,
 * /context?return_to=..., for a member of an active professional space).  On refusal returns an error
 * with r->err.key "auth.err.*" and r->err.http_status set and nothing
 * written but the consumed login_flows row: the caller shows the page. */
int auth_oidc_callback(req_t *r);

/* Where to send the browser to log out at the provider the session was
 * opened with (RP-initiated logout with client_id and
 * post_logout_redirect_uri), or NULL when it has no end_session_endpoint.
 * Lives in r->pool. */
const char *auth_oidc_logout_url(req_t *r, const char *idp,
                                 const char *post_logout_redirect_uri);

/* --- pure helpers, unit-tested --------------------------------------- */

/* Percent-encodes everything but RFC 3986 unreserved characters; in p. */
const char *auth_url_encode(pool_t *p, const char *s);

/* 1 when s is 1..max characters, each in [A-Za-z0-9] or in extra. */
int auth_oidc_token_chars(const char *s, size_t max, const char *extra);
/* Copies s into p keeping at most max_chars UTF-8 characters and
 * dropping control characters; NULL or empty gives NULL. */
const char *auth_oidc_clean_text(pool_t *p, const char *s, size_t max_chars);
/* 1 when aud (a JSON string or array, given as its members) names
 * client_id, and azp (NULL when absent) is client_id when present or
 * when there are several audiences. */
int auth_oidc_aud_ok(const char *const *aud, size_t naud, const char *azp,
                     const char *client_id);

#endif
