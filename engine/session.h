/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * session.h -- who is asking: the server-side session (PostgreSQL table
 * sessions) behind the session cookie, resolved once per request by the
 * route guard (session.c) and read by every handler through r->session.
 *
 * The cookie holds a 256-bit random id; the table keeps only its sha256.
 * A new id is issued at login and at every context switch.
 */
#ifndef GUICHET_SESSION_H
#define GUICHET_SESSION_H

#include <libxml/tree.h>

#include "principal.h"
#include "req.h"

typedef enum {
    ASSURANCE_NONE = 0,
    ASSURANCE_EMAIL = 1,      /* e-mail-only login at the provider */
    ASSURANCE_VERIFIED = 2,   /* identity checked in person (enrolment) */
    ASSURANCE_STRONG = 3      /* strong acr from the provider */
} assurance_t;

typedef struct session {
    const char  *id_hash;         /* hex sha256 of the cookie value */
    const char  *csrf;            /* per-session token for every form */
    const char  *person_id;       /* uuid of persons.id */
    const char  *display_name;    /* "Prénom Nom" */
    const char  *email;
    assurance_t  assurance;
    const char  *space_id;        /* active professional space, NULL = self */
    const char  *space_name;      /* entity name of the active space */
    int          is_admin;
    int          is_agent;        /* member of an agent group: the header
                                     links to the queues */
    int          is_third_party;  /* member of a third-party group: the
                                     header links to the counter (/counter) */
    int          nspaces;         /* active professional spaces of the person */
    int          unread;          /* unread notifications (message.h); a page
                                     that marks some read may lower it */
    const char  *contexts;        /* JSON [{id, name}] of those spaces, by name */
    const char  *idp;             /* provider logged in with (cfg idp name) */
} session_t;

/* The route guard: resolves the cookie into r->session (NULL when
 * anonymous or expired), refuses anonymous access to non-public routes
 * (redirect to /auth/login?return_to=... for pages), and checks the CSRF
 * token on every POST that is not ROUTE_NO_CSRF (403, nothing done). */
int  session_guard(req_t *r);

/* Creates a session for person_id after a successful login (new random id,
 * cookie set on the response). */
int  session_open(req_t *r, const char *person_id, assurance_t assurance);
/* Switches the active context (space_id NULL = personal), issuing a new
 * session id.  The caller has checked the membership with authz. */
int  session_switch(req_t *r, const char *space_id);
/* When r's session began and when it will end if left idle (local
 * "DD.MM.YYYY HH24:MI"); both NULL when it has ended meanwhile. */
int  session_times(req_t *r, const char **since, const char **until);
/* Deletes the session row and the cookie. */
int  session_close(req_t *r);

/* Who is asking, as the domain (authz, wf_*) takes it: the session's
 * person, active space and assurance with the request's language and id;
 * PRINCIPAL_NOBODY when nobody is logged in.  Lives in r->pool. */
const principal_t *principal_of(req_t *r);

const char *assurance_name(assurance_t a);
int         assurance_by_name(const char *name);   /* -1 if unknown */

/* session_open that also records the provider used (for its logout). */
int  session_open_idp(req_t *r, const char *person_id, assurance_t assurance,
                      const char *idp);

/* The render hook (render_set_hook): puts csrf="...", <user/>, <context/>
 * and <contexts/> on every page of a logged-in person. */
void session_render_hook(req_t *r, xmlNodePtr root);

/* --- pure helpers, unit-tested --------------------------------------- */

#define SESSION_TOKEN_LEN 43      /* 32 random bytes, base64url, no padding */

/* A new 256-bit random token in p (base64url), or NULL when the kernel
 * gives no randomness. */
const char *session_token_new(pool_t *p);
/* 1 when s has the shape of a token we issued (43 base64url chars). */
int         session_token_ok(const char *s);
/* Lower-case hex sha256 of s (64 characters), in p. */
const char *session_token_hash(pool_t *p, const char *s);
/* Compares two strings in time that depends only on their lengths;
 * 1 when equal, 0 otherwise (NULL never equals anything). */
int         session_ct_equal(const char *a, const char *b);
/* 1 when s may follow a login: a local path ("/..." but not "//" or
 * "/\"), printable ASCII, at most 2000 characters. */
int         session_return_to_ok(const char *s);
/* "__Host-guichet" (Secure) or, on the dev stack, "guichet_session". */
const char *session_cookie_name(const cfg_t *cfg);
/* The Set-Cookie value for the session cookie; value NULL deletes it. */
const char *session_cookie_header(pool_t *p, const char *name, const char *value,
                                  int secure, long max_age);

#endif
