/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * space_tools.c -- data access for the référent's tools (see
 * space_tools.h): join keys, référent offers, the contact e-mail, and the
 * changes of sql/0024_space_tools.sql that wrap those of 0003 with their
 * trail and mails.
 *
 * Owns the tables space_join_keys and space_referent_offers and the
 * making of a join key (util_random; only its hash is stored).  Decides
 * nothing about who may (authz_may does) and renders nothing
 * (h_members.c).  Parameters are always bound.
 */
#include "space_tools.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "space.h"
#include "util_rand.h"

/* 32 signs, none that reads like another (no I, O, 0, 1): 16 of them are
 * 80 bits. */
static const char key_alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
#define KEY_LEN 16

/* Runs sql; on a refusal of ours, puts its catalogue key in err->key. */
static PGresult *
call(pool_t *p, en_err_t *err, const char *sql, int n, const char *const *params)
{
    PGresult   *res = db_exec(p, err, sql, n, params);
    const char *key;

    if (res == NULL && err->code != EN_UNAVAILABLE && err->code != EN_INTERNAL
        && (key = space_error_key(err->msg)) != NULL)
        snprintf(err->key, sizeof(err->key), "%s", key);
    return res;
}

static int
run(pool_t *p, en_err_t *err, const char *sql, int n, const char *const *params)
{
    return call(p, err, sql, n, params) != NULL ? EN_OK : err->code;
}

/* --- reads ------------------------------------------------------------------------ */

int
spt_services(pool_t *p, en_err_t *err, const char *lang, spt_service_t **out, int *n)
{
    const char *params[1] = { lang };
    PGresult   *res;
    int         i;

    *out = NULL;
    *n = 0;
    if ((res = call(p, err, "SELECT workflow_key, title FROM st_services($1)", 1,
                    params)) == NULL)
        return err->code;
    *n = PQntuples(res);
    if (*n == 0)
        return EN_OK;
    *out = pool_calloc(p, sizeof(**out) * (size_t) *n);
    for (i = 0; i < *n; i++) {
        (*out)[i].key = pool_strdup(p, db_val(res, i, 0));
        (*out)[i].title = pool_strdup(p, db_val(res, i, 1));
    }
    return EN_OK;
}

int
spt_offer(pool_t *p, en_err_t *err, const char *space_id, const char **to_person)
{
    const char *params[1] = { space_id };
    PGresult   *res;

    *to_person = "";
    res = call(p, err,
               "SELECT to_person::text FROM space_referent_offers"
               " WHERE space_id = (SELECT az_uuid($1)) AND answered_at IS NULL", 1, params);
    if (res == NULL)
        return err->code;
    if (PQntuples(res) > 0)
        *to_person = pool_strdup(p, db_val(res, 0, 0));
    return EN_OK;
}

int
spt_offers_to(pool_t *p, en_err_t *err, const char *person_id, const char ***spaces,
              const char ***names, int *n)
{
    const char *params[1] = { person_id };
    PGresult   *res;
    int         i;

    *n = 0;
    res = call(p, err,
               "SELECT o.space_id::text, e.name"
               "  FROM space_referent_offers o"
               "  JOIN spaces s ON s.id = o.space_id AND s.status = 'active'"
               "  JOIN entities e ON e.id = s.entity_id"
               " WHERE o.to_person = (SELECT az_uuid($1)) AND o.answered_at IS NULL"
               " ORDER BY e.name", 1, params);
    if (res == NULL)
        return err->code;
    *n = PQntuples(res);
    *spaces = pool_calloc(p, sizeof(char *) * (size_t) (*n + 1));
    *names = pool_calloc(p, sizeof(char *) * (size_t) (*n + 1));
    for (i = 0; i < *n; i++) {
        (*spaces)[i] = pool_strdup(p, db_val(res, i, 0));
        (*names)[i] = pool_strdup(p, db_val(res, i, 1));
    }
    return EN_OK;
}

/* --- changes ------------------------------------------------------------------------ */

int
spt_attach(pool_t *p, en_err_t *err, const char *space_id, const char *ident,
           const char *function, const char *actor, const char *lang, const char **person_id)
{
    const char *params[5] = { space_id, ident, function, actor, lang };
    PGresult   *res;

    res = call(p, err, "SELECT st_attach($1::uuid, $2, $3, $4::uuid, $5)::text", 5, params);
    if (res == NULL)
        return err->code;
    if (person_id != NULL)
        *person_id = pool_strdup(p, db_val(res, 0, 0));
    return EN_OK;
}

int
spt_detach(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
           const char *actor, const char *lang)
{
    const char *params[4] = { space_id, person_id, actor, lang };

    return run(p, err, "SELECT st_detach($1::uuid, $2::uuid, $3::uuid, $4)", 4, params);
}

const char *
spt_key_normal(pool_t *p, const char *typed)
{
    char  *out = pool_calloc(p, KEY_LEN + 1);
    size_t n = 0;

    for (; typed != NULL && *typed; typed++) {
        char c = *typed;

        if (c == ' ' || c == '-' || c == '\t')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char) (c - 'a' + 'A');
        if (n == KEY_LEN || c == '\0' || strchr(key_alphabet, c) == NULL)
            return NULL;
        out[n++] = c;
    }
    return n == KEY_LEN ? out : NULL;
}

int
spt_join_key(pool_t *p, en_err_t *err, const char *space_id, const char *actor,
             const char **key, const char **expires)
{
    unsigned char raw[KEY_LEN];
    char          canon[KEY_LEN + 1], shown[KEY_LEN + KEY_LEN / 4];
    char          days[8];
    const char   *params[4];
    PGresult     *res;
    size_t        i, j = 0;
    int           rc;

    if ((rc = util_random(raw, sizeof(raw), err)) != EN_OK)
        return rc;
    for (i = 0; i < KEY_LEN; i++) {
        canon[i] = key_alphabet[raw[i] & 31];
        if (i > 0 && i % 4 == 0)
            shown[j++] = '-';
        shown[j++] = canon[i];
    }
    canon[KEY_LEN] = '\0';
    shown[j] = '\0';
    snprintf(days, sizeof(days), "%d", SPT_KEY_DAYS);
    params[0] = space_id;
    params[1] = canon;
    params[2] = days;
    params[3] = actor;
    res = call(p, err,
               "SELECT to_char(st_join_key($1::uuid, $2, $3::int, $4::uuid)"
               "                 AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI')",
               4, params);
    if (res == NULL)
        return err->code;
    *key = pool_strdup(p, shown);
    *expires = pool_strdup(p, db_val(res, 0, 0));
    return EN_OK;
}

int
spt_join(pool_t *p, en_err_t *err, const char *person_id, const char *typed_key,
         const char *function, const char *lang, const char **space_id)
{
    const char *params[4];
    const char *key = spt_key_normal(p, typed_key);
    PGresult   *res;

    if (key == NULL)
        return en_set(err, EN_BADINPUT, "space.key_unknown", "not a join key");
    params[0] = person_id;
    params[1] = key;
    params[2] = function;
    params[3] = lang;
    res = call(p, err, "SELECT st_join($1::uuid, $2, $3, $4)::text", 4, params);
    if (res == NULL)
        return err->code;
    if (space_id != NULL)
        *space_id = pool_strdup(p, db_val(res, 0, 0));
    return EN_OK;
}

int
spt_referent_offer(pool_t *p, en_err_t *err, const char *space_id, const char *to_person,
                   const char *actor, const char *lang)
{
    const char *params[4] = { space_id, to_person, actor, lang };

    return run(p, err, "SELECT st_referent_offer($1::uuid, $2::uuid, $3::uuid, $4)", 4, params);
}

int
spt_referent_withdraw(pool_t *p, en_err_t *err, const char *space_id, const char *actor,
                      const char *lang)
{
    const char *params[3] = { space_id, actor, lang };

    return run(p, err, "SELECT st_referent_withdraw($1::uuid, $2::uuid, $3)", 3, params);
}

int
spt_referent_answer(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
                    int accept, const char *lang)
{
    const char *params[4] = { space_id, person_id, accept ? "true" : "false", lang };

    return run(p, err, "SELECT st_referent_answer($1::uuid, $2::uuid, $3::boolean, $4)",
               4, params);
}

int
spt_delegate(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
             const char *duty, const char *until, const char *actor, const char *lang)
{
    const char *params[6] = { space_id, person_id, duty, until, actor, lang };

    return run(p, err, "SELECT st_delegate($1::uuid, $2::uuid, $3, $4::date, $5::uuid, $6)",
               6, params);
}

int
spt_undelegate(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
               const char *duty, const char *actor, const char *lang)
{
    const char *params[5] = { space_id, person_id, duty, actor, lang };

    return run(p, err, "SELECT st_undelegate($1::uuid, $2::uuid, $3, $4::uuid, $5)",
               5, params);
}

int
spt_grant(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
          const char *workflow_key, const char *actor, const char *lang)
{
    const char *params[5] = { space_id, person_id, workflow_key, actor, lang };

    return run(p, err, "SELECT st_grant($1::uuid, $2::uuid, $3, $4::uuid, $5)", 5, params);
}

int
spt_revoke(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
           const char *workflow_key, const char *actor, const char *lang)
{
    const char *params[5] = { space_id, person_id, workflow_key, actor, lang };

    return run(p, err, "SELECT st_revoke($1::uuid, $2::uuid, $3, $4::uuid, $5)", 5, params);
}

int
spt_set_contact(pool_t *p, en_err_t *err, const char *space_id, const char *email,
                const char *actor, const char *lang)
{
    const char *params[4] = { space_id, email, actor, lang };

    return run(p, err, "SELECT st_set_contact($1::uuid, $2, $3::uuid, $4)", 4, params);
}
