/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * authz.c -- the central authorization function (see authz.h).
 *
 * Owns the mapping from a principal (person, active space) and
 * an action on an object to one call of the SQL function authz_may()
 * (sql/0003_spaces.sql, 0007), where every rule lives, and the words a
 * role may be qualified with (group ids, duties).  Does not parse a
 * transition's by="..." (wf_def.c does, once, at load), read any table
 * itself, render pages, or change anything.
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
#include "pool_json.h"

static db_stmt_t may_stmt =
    DB_STMT("authz_may", 5, "SELECT verdict, reason FROM authz_may($1::uuid, $2::uuid, $3, $4, $5)");
/* Each distinct question asked once (a page's steps often ask the same:
 * fire-transition, this demand, owner), the questions on one demand judged
 * from one reading of it (authz_may_many, sql/0042), the answers given
 * back in the order asked. */
static db_stmt_t may_many_stmt =
    DB_STMT("authz_may_many", 3,
            "SELECT verdict, coalesce(reason, '')"
            "  FROM authz_may_many($1::uuid, $2::uuid, $3::jsonb)");

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
    [AZ_MANAGE_ACCOUNT] = "manage-account",
    [AZ_MANAGE_RELATION] = "manage-relation",
    [AZ_MANAGE_DOCUMENT] = "manage-document",
    [AZ_POST_MESSAGE] = "post-message",
    [AZ_PRINT_LETTERS] = "print-letters",
    [AZ_ADMINISTER_SPACE] = "administer-space",
    [AZ_JOIN_SPACE] = "join-space",
    [AZ_ANSWER_REFERENT] = "answer-referent",
    [AZ_DECIDE_ITEM] = "decide-item",
    [AZ_ASSIGN_DEMAND] = "assign-demand",
    [AZ_FILE_AT_COUNTER] = "file-at-counter",
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

    if (s == NULL || n == 0 || n > 63)
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

/* --- the check ------------------------------------------------------------ */

static int
refuse(en_err_t *err, const principal_t *who, int code, const char *key,
       az_action_t action, const char *object, const char *why)
{
    log_event(LOG_INFO, "access refused", "action", authz_action_name(action),
              "object", object != NULL ? object : "",
              "person", who->person_id != NULL ? who->person_id : "",
              "reason", why, "request_id", who->request_id ? who->request_id : "", NULL);
    return en_set(err, code, key, "%s", why);
}

/* Nobody logged in: EN_UNAUTH; the system: it has no person's rights (a
 * timer's transition is checked by wf_fire against by="system"). */
static int
not_a_person(en_err_t *err, const principal_t *who)
{
    if (who != NULL && who->kind == PRINCIPAL_SYSTEM)
        return en_set(err, EN_FORBIDDEN, "err.forbidden", "the system has no person's rights");
    return en_set(err, EN_UNAUTH, "err.login_needed", "login needed");
}

int
authz_check(pool_t *p, en_err_t *err, const principal_t *who, az_action_t action,
            const char *object, const char *arg)
{
    const char *params[5];
    const char *verdict, *reason;
    PGresult   *res;

    if ((unsigned) action >= AZ__COUNT)
        return en_set(err, EN_INTERNAL, "err.internal", "unknown authz action %d",
                      (int) action);
    if (who == NULL || who->kind != PRINCIPAL_PERSON || who->person_id == NULL)
        return not_a_person(err, who);
    if (action == AZ_FIRE_TRANSITION && (arg == NULL || *arg == '\0')) {
        /* a timer's transition: no person may fire it, whoever they are */
        return refuse(err, who, EN_FORBIDDEN, "authz.not_your_step", action, object,
                      "transition not open to people");
    }
    params[0] = who->person_id;
    params[1] = who->space_id;
    params[2] = authz_action_name(action);
    params[3] = object;
    params[4] = arg;
    res = db_exec_prepared(p, err, &may_stmt, params);
    if (res == NULL)
        return err->code;
    if (PQntuples(res) != 1)
        return en_set(err, EN_INTERNAL, "err.internal", "authz_may gave no answer");
    verdict = db_val(res, 0, 0);
    reason = db_val(res, 0, 1);
    return authz_verdict(err, who, action, object, verdict, reason);
}

int
authz_verdict(en_err_t *err, const principal_t *who, az_action_t action, const char *object,
              const char *verdict, const char *reason)
{
    if (reason == NULL)
        reason = "";
    if (verdict != NULL && !strcmp(verdict, "allow"))
        return EN_OK;
    if (verdict == NULL || !strcmp(verdict, "notfound"))
        return refuse(err, who, EN_NOTFOUND, "err.notfound", action, object, "not found");
    return refuse(err, who, EN_FORBIDDEN, *reason ? reason : "err.forbidden", action, object,
                  *reason ? reason : "denied");
}

/* One answer of authz_may_many: allowed, and the reason of a refusal ("":
 * notfound, none of the reader's business). */
static void
read_answer(pool_t *p, const char *verdict, const char *reason, int *allowed,
            const char **why)
{
    *allowed = verdict != NULL && !strcmp(verdict, "allow");
    if (why == NULL || *allowed)
        return;
    if (verdict == NULL || !strcmp(verdict, "notfound"))
        *why = "";
    else
        *why = pool_strdup(p, reason != NULL && *reason ? reason : "err.forbidden");
}

const char *
authz_questions_json(pool_t *p, int n, const az_action_t *actions,
                     const char *const *objects, const char *const *args)
{
    json_t *list = pool_json(p, json_array());
    int     i;

    for (i = 0; i < n; i++) {
        json_t *q = json_array();

        json_array_append_new(q, json_string(authz_action_name(actions[i])));
        json_array_append_new(q, objects[i] != NULL ? json_string(objects[i]) : json_null());
        json_array_append_new(q, args[i] != NULL ? json_string(args[i]) : json_null());
        json_array_append_new(list, q);
    }
    return pool_json_dumps(p, list, JSON_COMPACT);
}

static void
no_answers(int n, int *allowed, const char **reasons)
{
    int i;

    for (i = 0; i < n; i++) {
        allowed[i] = 0;
        if (reasons != NULL)
            reasons[i] = "err.forbidden";
    }
}

int
authz_answers_json(pool_t *p, en_err_t *err, const json_t *answers, int n, int *allowed,
                   const char **reasons)
{
    int i;

    no_answers(n, allowed, reasons);
    if (n > 0 && (!json_is_array(answers) || json_array_size(answers) != (size_t) n))
        return en_set(err, EN_INTERNAL, "err.internal", "authz_may_many gave %zu answers for %d",
                      json_is_array(answers) ? json_array_size(answers) : 0, n);
    for (i = 0; i < n; i++) {
        json_t *a = json_array_get(answers, i);

        read_answer(p, json_string_value(json_array_get(a, 0)),
                    json_string_value(json_array_get(a, 1)), &allowed[i],
                    reasons != NULL ? &reasons[i] : NULL);
    }
    return EN_OK;
}

static int
same(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && !strcmp(a, b);
}

int
authz_answer_from(int n, const az_action_t *actions, const char *const *objects,
                  const char *const *args, const int *allowed_in,
                  const char *const *reasons_in, az_action_t action, const char *object,
                  const char *arg, int *allowed, const char **reason)
{
    int i;

    for (i = 0; i < n; i++)
        if (actions[i] == action && same(objects[i], object) && same(args[i], arg)) {
            *allowed = allowed_in[i];
            if (reason != NULL)
                *reason = reasons_in != NULL ? reasons_in[i] : NULL;
            return 1;
        }
    return 0;
}

int
authz_check_many(pool_t *p, en_err_t *err, const principal_t *who, int n,
                 const az_action_t *actions, const char *const *objects,
                 const char *const *args, int *allowed, const char **reasons)
{
    const char *params[3];
    const char *text;
    PGresult   *res;
    int         i;

    no_answers(n, allowed, reasons);
    if (who == NULL || who->kind != PRINCIPAL_PERSON || who->person_id == NULL)
        return not_a_person(err, who);
    if (n <= 0)
        return EN_OK;
    if ((text = authz_questions_json(p, n, actions, objects, args)) == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "json_dumps failed");
    params[0] = who->person_id;
    params[1] = who->space_id;
    params[2] = text;
    res = db_exec_prepared(p, err, &may_many_stmt, params);
    if (res == NULL)
        return err->code;
    for (i = 0; i < n && i < PQntuples(res); i++)
        read_answer(p, db_val(res, i, 0), db_val(res, i, 1), &allowed[i],
                    reasons != NULL ? &reasons[i] : NULL);
    return EN_OK;
}
