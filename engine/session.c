/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * session.c -- server-side sessions, the route guard and CSRF (session.h).
 *
 * Owns the tables sessions (rows) and the session cookie.  The cookie
 * carries 256 random bits (base64url); the table holds only their sha256,
 * so a leaked table opens no session.  A session ends when it was idle
 * longer than cfg->session_idle, when it is older than
 * cfg->session_absolute, or at logout.  Expiry is computed from the
 * stored last_seen and created_at at every lookup, so a change of the
 * durations applies to running sessions too.  last_seen is written at
 * most once a minute per session, inside the lookup statement itself.
 * What changes rarely (name, e-mail, administrator, the contexts) is kept
 * in sessions.facts (sql/0009_session_cache.sql): written at login and at
 * a context switch, emptied by triggers when any of it changes, and
 * refilled by the next lookup.
 *
 * No fixation: a session id is only ever made here, from the kernel's
 * randomness, at login and at every context switch; a value a client
 * presents is looked up, never adopted.
 *
 * CSRF: every session has its own token (rotated with the id at a
 * context switch, so a form prepared for one context cannot be posted in
 * another).  Every POST to a route without ROUTE_NO_CSRF must carry it in
 * the form field "csrf"; a POST carrying an Origin header must come from
 * cfg->base_url.  There is no anonymous form yet, so an anonymous POST to
 * a public route is refused (fail closed) until one needs a pre-session
 * token.
 *
 * Does not know OpenID Connect (auth_oidc.c) nor decide what a person may
 * do (authz.c); it reads the spaces tables of 0003_spaces.sql only to say
 * which contexts a person may act in.
 */
#include "session.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "render.h"
#include "route.h"
#include "util_hash.h"
#include "util_rand.h"

#define SESSION_TOUCH_SECS "60"

/* --- pure helpers ------------------------------------------------------ */

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const char *
session_token_new(pool_t *p)
{
    unsigned char b[33];
    char         *out = pool_alloc(p, SESSION_TOKEN_LEN + 1);
    size_t        i, o = 0;

    if (util_random(b, 32, NULL) != EN_OK)
        return NULL;        /* the callers answer "no randomness" */
    b[32] = 0;
    /* 32 bytes = 10 groups of 3 and 2 left: 40 + 3 characters */
    for (i = 0; i + 3 <= 32; i += 3) {
        unsigned v = (unsigned) b[i] << 16 | (unsigned) b[i + 1] << 8 | b[i + 2];

        out[o++] = b64url[(v >> 18) & 63];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
        out[o++] = b64url[v & 63];
    }
    {
        unsigned v = (unsigned) b[30] << 16 | (unsigned) b[31] << 8;

        out[o++] = b64url[(v >> 18) & 63];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
    }
    out[o] = '\0';
    return out;
}

int
session_token_ok(const char *s)
{
    size_t n = 0;

    if (s == NULL)
        return 0;
    for (; s[n] != '\0'; n++)
        if (strchr(b64url, s[n]) == NULL || n >= SESSION_TOKEN_LEN)
            return 0;
    return n == SESSION_TOKEN_LEN;
}

const char *
session_token_hash(pool_t *p, const char *s)
{
    return util_sha256_hex(p, s, strlen(s));
}

int
session_ct_equal(const char *a, const char *b)
{
    size_t        na, nb, i;
    unsigned char diff;

    if (a == NULL || b == NULL)
        return 0;
    na = strlen(a);
    nb = strlen(b);
    diff = na != nb;
    /* walk the expected string (b) whole whatever a is */
    for (i = 0; i < nb; i++)
        diff |= (unsigned char) (b[i] ^ (i < na ? a[i] : 0));
    return diff == 0;
}

int
session_return_to_ok(const char *s)
{
    size_t n;

    if (s == NULL || s[0] != '/' || s[1] == '/' || s[1] == '\\')
        return 0;
    for (n = 0; s[n] != '\0'; n++)
        if ((unsigned char) s[n] < 0x21 || (unsigned char) s[n] > 0x7e
            || s[n] == '\\' || n >= 2000)
            return 0;
    return 1;
}

const char *
session_cookie_name(const cfg_t *cfg)
{
    return cfg != NULL && cfg->dev ? "guichet_session" : "__Host-guichet";
}

const char *
session_cookie_header(pool_t *p, const char *name, const char *value,
                      int secure, long max_age)
{
    return pool_printf(p, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
                       name, value != NULL ? value : "",
                       value != NULL && max_age > 0 ? max_age : 0L,
                       secure ? "; Secure" : "");
}

const principal_t *
principal_of(req_t *r)
{
    principal_t       *w = pool_alloc(r->pool, sizeof(*w));
    const session_t   *s = r->session;

    if (s != NULL)
        *w = principal_person(s->person_id, s->space_id, (int) s->assurance, r->lang,
                              r->request_id);
    else
        *w = principal_person(NULL, NULL, 0, r->lang, r->request_id);
    return w;
}

const char *
assurance_name(assurance_t a)
{
    switch (a) {
    case ASSURANCE_EMAIL:    return "email";
    case ASSURANCE_VERIFIED: return "verified";
    case ASSURANCE_STRONG:   return "strong";
    case ASSURANCE_NONE:
    default:                 return "none";
    }
}

int
assurance_by_name(const char *name)
{
    if (name == NULL)
        return -1;
    if (!strcmp(name, "none"))
        return ASSURANCE_NONE;
    if (!strcmp(name, "email"))
        return ASSURANCE_EMAIL;
    if (!strcmp(name, "verified"))
        return ASSURANCE_VERIFIED;
    if (!strcmp(name, "strong"))
        return ASSURANCE_STRONG;
    return -1;
}

/* --- the cookie -------------------------------------------------------- */

static void
cookie_set(req_t *r, const char *value)
{
    req_header(r, "Set-Cookie",
               session_cookie_header(r->pool, session_cookie_name(r->cfg), value,
                                     !r->cfg->dev, r->cfg->session_absolute));
}

/* --- lookup ------------------------------------------------------------ */

/* One round trip: the live session with its person and active space, and
 * last_seen moved when it is more than a minute old.  A space the person
 * no longer belongs to (or that is not active any more) reads as NULL:
 * they act for themselves until they switch again. */
static db_stmt_t lookup_stmt = DB_STMT("session_lookup", 3,
    "WITH s AS ("
    "  SELECT id_hash, person_id, csrf, space_id, assurance, idp, last_seen,"
    "         coalesce(facts, session_facts(person_id)) AS facts, facts IS NULL AS stale"
    "    FROM sessions"
    "   WHERE id_hash = $1 AND session_live(last_seen, created_at, $2::int, $3::int)"
    "), touch AS ("
    "  UPDATE sessions t SET last_seen = now(), facts = s.facts"
    "    FROM s"
    "   WHERE t.id_hash = s.id_hash"
    "     AND (s.stale OR s.last_seen < now() - interval '" SESSION_TOUCH_SECS " seconds')"
    ")"
    "SELECT s.csrf, s.person_id, s.facts->>'name', s.facts->>'email',"
    "       s.assurance, p.assurance, e.id, e.name, coalesce(s.idp, ''),"
    "       CASE WHEN (s.facts->'admin')::boolean THEN 't' ELSE 'f' END,"
    "       jsonb_array_length(s.facts->'contexts'), (s.facts->'contexts')::text,"
    "       EXISTS (SELECT 1 FROM agent_members am WHERE am.person_id = s.person_id),"
    /* the header's "Notifications (3)": part of this query, not one more;
     * at most 100 (the header says "99+"), an index scan of the person's
     * unread notes that the planner inlines here (sql/0039_notes_inbox.sql,
     * engine/message.c) */
    "       (SELECT u.n FROM note_unread_count(s.person_id) u),"
    /* the header's link to the counter (h_counter.c) */
    "       EXISTS (SELECT 1 FROM third_party_members tm WHERE tm.person_id = s.person_id)"
    "  FROM s"
    "  JOIN persons p ON p.id = s.person_id"
    /* the one active space, looked up by its key for this one session: a
     * join here let the kept plan hash every space, entity and membership
     * of a small cluster (0.05 ms a page) */
    "  LEFT JOIN LATERAL ("
    "       SELECT sp.id, (SELECT e.name FROM entities e WHERE e.id = sp.entity_id) AS name"
    "         FROM spaces sp"
    "        WHERE sp.id = s.space_id AND sp.status = 'active'"
    "          AND EXISTS (SELECT 1 FROM memberships m"
    "                       WHERE m.space_id = sp.id AND m.person_id = s.person_id"
    "                         AND m.ended_at IS NULL)"
    "       OFFSET 0) e ON true");

static db_stmt_t forget_stmt =
    DB_STMT("session_forget", 1, "DELETE FROM sessions WHERE id_hash = $1 RETURNING 1");

static int
max_assurance(const char *a, const char *b)
{
    int x = assurance_by_name(a), y = assurance_by_name(b);

    if (x < 0)
        x = ASSURANCE_NONE;
    if (y < 0)
        y = ASSURANCE_NONE;
    return x > y ? x : y;
}

/* Resolves the cookie.  Returns EN_OK with r->session set or NULL;
 * *expired says the cookie named a session that has ended. */
static int
session_lookup(req_t *r, int *expired)
{
    const char *cookie = req_cookie(r, session_cookie_name(r->cfg));
    const char *hash, *params[3];
    char        idle[16], absolute[16];
    PGresult   *res;
    session_t  *s;

    *expired = 0;
    r->session = NULL;
    if (cookie == NULL || *cookie == '\0')
        return EN_OK;
    if (!session_token_ok(cookie)) {
        cookie_set(r, NULL);      /* not ours: drop it */
        return EN_OK;
    }
    if ((hash = session_token_hash(r->pool, cookie)) == NULL)
        return en_set(&r->err, EN_INTERNAL, "err.internal", "sha256 failed");
    snprintf(idle, sizeof(idle), "%d", r->cfg->session_idle);
    snprintf(absolute, sizeof(absolute), "%d", r->cfg->session_absolute);
    params[0] = hash;
    params[1] = idle;
    params[2] = absolute;
    if ((res = db_exec_prepared(r->pool, &r->err, &lookup_stmt, params)) == NULL)
        return r->err.code;
    if (PQntuples(res) != 1) {
        /* ended (or never was): forget it, and say which for the login page */
        res = db_exec_prepared(r->pool, &r->err, &forget_stmt, params);
        if (res == NULL)
            return r->err.code;
        *expired = PQntuples(res) > 0;
        cookie_set(r, NULL);
        return EN_OK;
    }
    s = pool_calloc(r->pool, sizeof(*s));
    s->id_hash = hash;
    s->csrf = pool_strdup(r->pool, db_val(res, 0, 0));
    s->person_id = pool_strdup(r->pool, db_val(res, 0, 1));
    s->display_name = pool_strdup(r->pool, db_val(res, 0, 2));
    s->email = pool_strdup(r->pool, db_val(res, 0, 3));
    s->assurance = (assurance_t) max_assurance(db_val(res, 0, 4), db_val(res, 0, 5));
    if (!db_isnull(res, 0, 6)) {
        s->space_id = pool_strdup(r->pool, db_val(res, 0, 6));
        s->space_name = pool_strdup(r->pool, db_val(res, 0, 7));
    }
    s->idp = pool_strdup(r->pool, db_val(res, 0, 8));
    s->is_admin = !strcmp(db_val(res, 0, 9), "t");
    s->nspaces = atoi(db_val(res, 0, 10));
    s->contexts = pool_strdup(r->pool, db_val(res, 0, 11));
    s->is_agent = !strcmp(db_val(res, 0, 12), "t");
    s->unread = atoi(db_val(res, 0, 13));
    s->is_third_party = !strcmp(db_val(res, 0, 14), "t");
    r->session = s;
    return EN_OK;
}

/* --- the guard --------------------------------------------------------- */

static int
is_post(const req_t *r)
{
    return strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
}

static int
csrf_refused(req_t *r, const char *why)
{
    log_event(LOG_WARN, "csrf check failed", "reason", why, "path", r->path,
              "request_id", r->request_id ? r->request_id : "", NULL);
    en_set(&r->err, EN_FORBIDDEN, "err.csrf", "%s", why);
    req_header(r, "Cache-Control", "no-store");
    render_error(r, 403, "err.csrf", NULL);
    return EN_FORBIDDEN;
}

int
session_guard(req_t *r)
{
    unsigned    flags = r->route != NULL ? r->route->flags : 0;
    int         expired = 0, rc;
    const char *origin, *token;

    if ((rc = session_lookup(r, &expired)) != EN_OK)
        return rc;

    if (r->session == NULL && !(flags & ROUTE_PUBLIC)) {
        req_header(r, "Cache-Control", "no-store");
        if (!is_post(r)) {
            const char *back = r->raw_path;

            if (r->query != NULL && *r->query)
                back = pool_printf(r->pool, "%s?%s", r->raw_path, r->query);
            if (!session_return_to_ok(back))
                back = "/";
            req_redirect(r, 303, pool_printf(r->pool, "/auth/login?return_to=%s%s",
                                             req_url_encode(r->pool, back, 1),
                                             expired ? "&reason=expired" : ""));
            return en_set(&r->err, EN_UNAUTH, "err.login_needed", "login needed");
        }
        en_set(&r->err, EN_UNAUTH, "err.login_needed", "login needed");
        render_error(r, 401, expired ? "err.session_expired" : "err.login_needed", NULL);
        return EN_UNAUTH;
    }

    if (is_post(r) && !(flags & ROUTE_NO_CSRF)) {
        origin = req_env(r, "HTTP_ORIGIN");
        if (origin != NULL && strcmp(origin, r->cfg->base_url) != 0)
            return csrf_refused(r, "foreign origin");
        if (r->session == NULL)
            return csrf_refused(r, "no session");
        token = kv_get(r->form, "csrf");
        if (token == NULL)
            return csrf_refused(r, "missing token");
        if (!session_ct_equal(token, r->session->csrf))
            return csrf_refused(r, "wrong token");
    }
    return EN_OK;
}

/* --- open, switch, close ----------------------------------------------- */

int
session_open_idp(req_t *r, const char *person_id, assurance_t assurance,
                 const char *idp)
{
    const char *token = session_token_new(r->pool);
    const char *csrf = session_token_new(r->pool);
    const char *old = req_cookie(r, session_cookie_name(r->cfg));
    const char *params[8];
    char        idle[16], absolute[16];
    PGresult   *res;
    session_t  *s;

    if (token == NULL || csrf == NULL)
        return en_set(&r->err, EN_INTERNAL, "err.internal", "no randomness");
    snprintf(idle, sizeof(idle), "%d", r->cfg->session_idle);
    snprintf(absolute, sizeof(absolute), "%d", r->cfg->session_absolute);
    params[0] = session_token_hash(r->pool, token);
    params[1] = person_id;
    params[2] = csrf;
    params[3] = assurance_name(assurance);
    params[4] = idp;
    params[5] = old != NULL && session_token_ok(old) ? session_token_hash(r->pool, old) : "";
    params[6] = idle;
    params[7] = absolute;
    /* the session the browser had (someone else's planted cookie, or the
     * person's own) ends here, and so does every expired one */
    res = db_exec(r->pool, &r->err,
                  "WITH gone AS ("
                  "  DELETE FROM sessions"
                  "   WHERE id_hash = $6"
                  "      OR NOT session_live(last_seen, created_at, $7::int, $8::int)"
                  ")"
                  "INSERT INTO sessions (id_hash, person_id, csrf, assurance, idp, facts)"
                  "VALUES ($1, $2::uuid, $3, $4, $5, session_facts($2::uuid))"
                  "RETURNING facts->>'name', facts->>'email',"
                  "          CASE WHEN (facts->'admin')::boolean THEN 't' ELSE 'f' END,"
                  "          jsonb_array_length(facts->'contexts'), (facts->'contexts')::text,"
                  "          EXISTS (SELECT 1 FROM agent_members am WHERE am.person_id = $2::uuid),"
                  "          EXISTS (SELECT 1 FROM third_party_members tm"
                  "                   WHERE tm.person_id = $2::uuid)",
                  8, params);
    if (res == NULL)
        return r->err.code;
    s = pool_calloc(r->pool, sizeof(*s));
    s->id_hash = params[0];
    s->csrf = csrf;
    s->person_id = pool_strdup(r->pool, person_id);
    s->display_name = pool_strdup(r->pool, db_val(res, 0, 0));
    s->email = pool_strdup(r->pool, db_val(res, 0, 1));
    s->assurance = assurance;
    s->idp = idp;
    s->is_admin = !strcmp(db_val(res, 0, 2), "t");
    s->nspaces = atoi(db_val(res, 0, 3));
    s->contexts = pool_strdup(r->pool, db_val(res, 0, 4));
    s->is_agent = !strcmp(db_val(res, 0, 5), "t");
    s->is_third_party = !strcmp(db_val(res, 0, 6), "t");
    r->session = s;
    cookie_set(r, token);
    return EN_OK;
}

int
session_open(req_t *r, const char *person_id, assurance_t assurance)
{
    return session_open_idp(r, person_id, assurance, NULL);
}

int
session_switch(req_t *r, const char *space_id)
{
    const char *token = session_token_new(r->pool);
    const char *csrf = session_token_new(r->pool);
    const char *params[4];
    PGresult   *res;

    if (r->session == NULL)
        return en_set(&r->err, EN_UNAUTH, "err.login_needed", "no session to switch");
    if (token == NULL || csrf == NULL)
        return en_set(&r->err, EN_INTERNAL, "err.internal", "no randomness");
    params[0] = r->session->id_hash;
    params[1] = session_token_hash(r->pool, token);
    params[2] = csrf;
    params[3] = space_id;
    res = db_exec(r->pool, &r->err,
                  "UPDATE sessions s"
                  "   SET id_hash = $2, csrf = $3, space_id = $4::uuid, last_seen = now(),"
                  "       facts = session_facts(s.person_id)"
                  " WHERE s.id_hash = $1"
                  " RETURNING (SELECT e.name FROM spaces sp JOIN entities e"
                  "              ON e.id = sp.entity_id WHERE sp.id = $4::uuid),"
                  "           facts->>'name', facts->>'email',"
                  "           CASE WHEN (facts->'admin')::boolean THEN 't' ELSE 'f' END,"
                  "           jsonb_array_length(facts->'contexts'), (facts->'contexts')::text",
                  4, params);
    if (res == NULL)
        return r->err.code;
    if (PQntuples(res) != 1)
        return en_set(&r->err, EN_UNAUTH, "err.session_expired", "session ended meanwhile");
    r->session->id_hash = params[1];
    r->session->csrf = csrf;
    r->session->space_id = space_id != NULL ? pool_strdup(r->pool, space_id) : NULL;
    r->session->space_name = space_id != NULL ? pool_strdup(r->pool, db_val(res, 0, 0)) : NULL;
    r->session->display_name = pool_strdup(r->pool, db_val(res, 0, 1));
    r->session->email = pool_strdup(r->pool, db_val(res, 0, 2));
    r->session->is_admin = !strcmp(db_val(res, 0, 3), "t");
    r->session->nspaces = atoi(db_val(res, 0, 4));
    r->session->contexts = pool_strdup(r->pool, db_val(res, 0, 5));
    cookie_set(r, token);
    return EN_OK;
}

int
session_times(req_t *r, const char **since, const char **until)
{
    const char *params[3];
    char        idle[16], absolute[16];
    PGresult   *res;

    *since = *until = NULL;
    if (r->session == NULL)
        return EN_OK;
    snprintf(idle, sizeof(idle), "%d", r->cfg->session_idle);
    snprintf(absolute, sizeof(absolute), "%d", r->cfg->session_absolute);
    params[0] = r->session->id_hash;
    params[1] = idle;
    params[2] = absolute;
    res = db_exec(r->pool, &r->err,
                  "SELECT to_char(created_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI'),"
                  "       to_char(session_ends_at(last_seen, created_at, $2::int, $3::int)"
                  "               AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI')"
                  "  FROM sessions WHERE id_hash = $1",
                  3, params);
    if (res == NULL)
        return r->err.code;
    if (PQntuples(res) == 1) {
        *since = pool_strdup(r->pool, db_val(res, 0, 0));
        *until = pool_strdup(r->pool, db_val(res, 0, 1));
    }
    return EN_OK;
}

int
session_close(req_t *r)
{
    const char *params[1];

    cookie_set(r, NULL);
    if (r->session == NULL)
        return EN_OK;
    params[0] = r->session->id_hash;
    if (db_exec(r->pool, &r->err, "DELETE FROM sessions WHERE id_hash = $1", 1, params) == NULL)
        return r->err.code;
    r->session = NULL;
    return EN_OK;
}

/* --- the page header --------------------------------------------------- */

void
session_render_hook(req_t *r, xmlNodePtr root)
{
    session_t  *s = r->session;
    xmlNodePtr  n, list;
    json_t     *ctx, *c;
    size_t      i;

    if (s == NULL)
        return;
    render_attr(root, "csrf", s->csrf);
    n = render_node(root, "user");
    render_attr(n, "name", s->display_name);
    render_attr(n, "email", s->email);
    render_attr(n, "assurance", assurance_name(s->assurance));
    render_attr(n, "admin", s->is_admin ? "yes" : "no");
    if (s->is_agent)
        render_attr(n, "agent", "yes");
    if (s->is_third_party)
        render_attr(n, "third-party", "yes");
    render_attr(n, "unread", pool_printf(r->pool, "%d", s->unread));

    n = render_node(root, "context");
    render_attr(n, "kind", s->space_id != NULL ? "entity" : "self");
    render_attr(n, "name", s->space_id != NULL ? s->space_name : s->display_name);
    render_attr(n, "space", s->space_id != NULL ? s->space_id : "");

    list = render_node(root, "contexts");
    n = render_node(list, "context");
    render_attr(n, "kind", "self");
    render_attr(n, "name", s->display_name);
    render_attr(n, "space", "");
    if (s->space_id == NULL)
        render_attr(n, "active", "yes");
    if (s->nspaces == 0)
        return;
    /* kept with the session at login and at every switch (session_facts) */
    ctx = s->contexts != NULL ? json_loads(s->contexts, 0, NULL) : NULL;
    if (ctx == NULL) {
        log_event(LOG_WARN, "contexts not listed", "error", "no contexts in the session", NULL);
        return;
    }
    json_array_foreach(ctx, i, c) {
        const char *id = json_string_value(json_object_get(c, "id"));
        const char *name = json_string_value(json_object_get(c, "name"));

        n = render_node(list, "context");
        render_attr(n, "kind", "entity");
        render_attr(n, "name", name != NULL ? name : "");
        render_attr(n, "space", id != NULL ? id : "");
        if (s->space_id != NULL && id != NULL && !strcmp(s->space_id, id))
            render_attr(n, "active", "yes");
    }
    json_decref(ctx);
}
