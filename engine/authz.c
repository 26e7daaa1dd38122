/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * authz.c -- the central authorization function (see authz.h).
 *
 * Owns the mapping from a request (r->session: person, active space) and
 * an action on an object to one call of the SQL function authz_may()
 * (sql/0003_spaces.sql), where every rule lives, and the parsing of the
 * actor roles a workflow transition names in by="...".  Does not read any
 * table itself, render pages, or change anything.
 *
 * Why the rules are in SQL: each answer needs the membership, the
 * référent, delegations, grants, groups and the object's owner at once;
 * one function call is one round trip and one place to read them.
 */
#include "authz.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "session.h"

static db_stmt_t may_stmt =
    DB_STMT("authz_may", 5, "SELECT verdict, reason FROM authz_may($1::uuid, $2::uuid, $3, $4, $5)");
static db_stmt_t may_many_stmt =
    DB_STMT("authz_may_many", 3,
            "SELECT m.verdict, coalesce(m.reason, '')"
            "  FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS q(v, i),"
            "       LATERAL authz_may($1::uuid, $2::uuid, q.v->>0, q.v->>1, q.v->>2) AS m"
            " ORDER BY q.i");

static const char *const action_names[AZ__COUNT] = {
    [AZ_VIEW_DEMAND] = "view-demand",
    [AZ_FIRE_TRANSITION] = "fire-transition",
    [AZ_VIEW_DOCUMENT] = "view-document",
    [AZ_START_DEMAND] = "start-demand",
    [AZ_MANAGE_MEMBERS] = "manage-members",
    [AZ_GRANT_ACCESS] = "grant-access",
    [AZ_USE_SERVICE] = "use-service",
    [AZ_WORK_QUEUE] = "work-queue",
    [AZ_THIRD_PARTY] = "third-party",
    [AZ_SWITCH_CONTEXT] = "switch-context",
    [AZ_ADMIN] = "admin",
};

const char *
authz_action_name(az_action_t a)
{
    return (unsigned) a < AZ__COUNT ? action_names[a] : "unknown";
}

int
authz_action_by_name(const char *name)
{
    int i;

    for (i = 0; name != NULL && i < AZ__COUNT; i++)
        if (!strcmp(action_names[i], name))
            return i;
    return -1;
}

/* --- roles -------------------------------------------------------------- */

int
authz_group_ok(const char *s, size_t n)
{
    size_t i;

    if (s == NULL || n == 0 || n > AZ_NAME_MAX - 2)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0)))
            return 0;
    }
    return 1;
}

int
authz_duty_ok(const char *s)
{
    return s != NULL && (!strcmp(s, "members") || !strcmp(s, "grants"));
}

static int
word_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && memcmp(s, w, n) == 0;
}

int
authz_parse_role(const char *s, size_t n, az_role_t *out)
{
    const char *colon = s != NULL ? memchr(s, ':', n) : NULL;
    size_t      head = colon != NULL ? (size_t) (colon - s) : n;
    const char *qual = colon != NULL ? colon + 1 : NULL;
    size_t      qn = colon != NULL ? n - head - 1 : 0;

    if (s == NULL || n == 0 || out == NULL)
        return EN_BADINPUT;
    memset(out, 0, sizeof(*out));
    if (word_is(s, head, "owner") || word_is(s, head, "member")
        || word_is(s, head, "system")) {
        if (colon != NULL)
            return EN_BADINPUT;
        out->kind = s[0] == 'o' ? AZ_ROLE_OWNER : s[0] == 'm' ? AZ_ROLE_MEMBER : AZ_ROLE_SYSTEM;
        return EN_OK;
    }
    if (word_is(s, head, "referent")) {
        out->kind = AZ_ROLE_REFERENT;
        if (colon == NULL)
            return EN_OK;
        if (qn >= AZ_NAME_MAX)
            return EN_BADINPUT;
        memcpy(out->qual, qual, qn);
        out->qual[qn] = '\0';
        return authz_duty_ok(out->qual) ? EN_OK : EN_BADINPUT;
    }
    if (word_is(s, head, "agent") || word_is(s, head, "third-party")) {
        out->kind = s[0] == 'a' ? AZ_ROLE_AGENT : AZ_ROLE_THIRD_PARTY;
        if (colon == NULL)      /* "agent": any group the procedure names */
            return out->kind == AZ_ROLE_AGENT ? EN_OK : EN_BADINPUT;
        if (!authz_group_ok(qual, qn))
            return EN_BADINPUT;
        memcpy(out->qual, qual, qn);
        out->qual[qn] = '\0';
        return EN_OK;
    }
    return EN_BADINPUT;
}

static int
is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
}

int
authz_parse_by(const char *by, az_role_t *roles, int max, int *n)
{
    const char *p = by;

    *n = 0;
    if (by == NULL)
        return EN_BADINPUT;
    for (;;) {
        const char *start;

        while (*p != '\0' && is_sep(*p))
            p++;
        if (*p == '\0')
            break;
        start = p;
        while (*p != '\0' && !is_sep(*p))
            p++;
        if (*n >= max)
            return EN_BADINPUT;
        if (authz_parse_role(start, (size_t) (p - start), &roles[*n]) != EN_OK)
            return EN_BADINPUT;
        (*n)++;
    }
    return *n > 0 ? EN_OK : EN_BADINPUT;
}

int
authz_by_allows_people(const char *by)
{
    az_role_t roles[16];
    int       n, i;

    if (authz_parse_by(by, roles, 16, &n) != EN_OK)
        return 0;
    for (i = 0; i < n; i++)
        if (roles[i].kind != AZ_ROLE_SYSTEM)
            return 1;
    return 0;
}

/* --- the check ------------------------------------------------------------ */

static int
refuse(req_t *r, int code, const char *key, az_action_t action, const char *object,
       const char *why)
{
    log_event(LOG_INFO, "access refused", "action", authz_action_name(action),
              "object", object != NULL ? object : "",
              "person", r->session != NULL ? r->session->person_id : "",
              "reason", why, "request_id", r->request_id ? r->request_id : "", NULL);
    return en_set(&r->err, code, key, "%s", why);
}

int
authz_check(req_t *r, az_action_t action, const char *object, const char *arg)
{
    const session_t *s = r->session;
    const char      *params[5];
    const char      *verdict, *reason;
    PGresult        *res;

    if ((unsigned) action >= AZ__COUNT)
        return en_set(&r->err, EN_INTERNAL, "err.internal", "unknown authz action %d",
                      (int) action);
    if (s == NULL || s->person_id == NULL)
        return en_set(&r->err, EN_UNAUTH, "err.login_needed", "login needed");
    if (action == AZ_FIRE_TRANSITION && !authz_by_allows_people(arg)) {
        /* a timer's transition, or a by="..." the checker should have
         * refused: no person may fire it, whoever they are */
        return refuse(r, EN_FORBIDDEN, "authz.not_your_step", action, object,
                      "transition not open to people");
    }
    params[0] = s->person_id;
    params[1] = s->space_id;
    params[2] = authz_action_name(action);
    params[3] = object;
    params[4] = arg;
    res = db_exec_prepared(r->pool, &r->err, &may_stmt, params);
    if (res == NULL)
        return r->err.code;
    if (PQntuples(res) != 1)
        return en_set(&r->err, EN_INTERNAL, "err.internal", "authz_may gave no answer");
    verdict = db_val(res, 0, 0);
    reason = db_val(res, 0, 1);
    return authz_verdict(r, action, object, verdict, reason);
}

int
authz_verdict(req_t *r, az_action_t action, const char *object, const char *verdict,
              const char *reason)
{
    if (reason == NULL)
        reason = "";
    if (verdict != NULL && !strcmp(verdict, "allow"))
        return EN_OK;
    if (verdict == NULL || !strcmp(verdict, "notfound"))
        return refuse(r, EN_NOTFOUND, "err.notfound", action, object, "not found");
    return refuse(r, EN_FORBIDDEN, *reason ? reason : "err.forbidden", action, object,
                  *reason ? reason : "denied");
}

static void
free_text(void *p)
{
    free(p);
}

int
authz_check_many(req_t *r, int n, const az_action_t *actions, const char *const *objects,
                 const char *const *args, int *allowed, const char **reasons)
{
    const session_t *s = r->session;
    const char      *params[3];
    json_t          *list;
    char            *text;
    PGresult        *res;
    int              i;

    for (i = 0; i < n; i++) {
        allowed[i] = 0;
        if (reasons != NULL)
            reasons[i] = "err.forbidden";
    }
    if (s == NULL || s->person_id == NULL)
        return en_set(&r->err, EN_UNAUTH, "err.login_needed", "login needed");
    if (n <= 0)
        return EN_OK;
    list = json_array();
    for (i = 0; i < n; i++) {
        json_t *q = json_array();

        json_array_append_new(q, json_string(authz_action_name(actions[i])));
        json_array_append_new(q, objects[i] != NULL ? json_string(objects[i]) : json_null());
        json_array_append_new(q, args[i] != NULL ? json_string(args[i]) : json_null());
        json_array_append_new(list, q);
    }
    text = json_dumps(list, JSON_COMPACT);
    json_decref(list);
    if (text == NULL)
        return en_set(&r->err, EN_INTERNAL, "err.internal", "json_dumps failed");
    pool_on_free(r->pool, free_text, text);
    params[0] = s->person_id;
    params[1] = s->space_id;
    params[2] = text;
    res = db_exec_prepared(r->pool, &r->err, &may_many_stmt, params);
    if (res == NULL)
        return r->err.code;
    for (i = 0; i < n && i < PQntuples(res); i++) {
        allowed[i] = !strcmp(db_val(res, i, 0), "allow");
        if (reasons == NULL || allowed[i])
            continue;
        if (!strcmp(db_val(res, i, 0), "notfound"))
            reasons[i] = "";    /* none of the reader's business: a page hides it */
        else
            reasons[i] = pool_strdup(r->pool, *db_val(res, i, 1) ? db_val(res, i, 1)
                                                                  : "err.forbidden");
    }
    return EN_OK;
}
