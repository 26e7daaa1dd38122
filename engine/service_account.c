/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * service_account.c -- service accounts, their tokens and their trail
 * (see service_account.h).
 */
#include "service_account.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "db.h"
#include "log.h"
#include "pool_json.h"
#include "util_hash.h"
#include "util_rand.h"

#define TOKEN_PREFIX "gsa_"

static db_stmt_t create_stmt = DB_STMT("sa_create", 5,
    "SELECT service_account_create($1, $2, $3, $4::jsonb, $5::uuid)");
static db_stmt_t revoke_stmt = DB_STMT("sa_revoke", 2,
    "SELECT service_account_revoke($1::uuid, $2::uuid)");
static db_stmt_t list_stmt = DB_STMT("sa_list", 0, "SELECT service_accounts_list()");
static db_stmt_t auth_stmt = DB_STMT("sa_auth", 3,
    "SELECT id, name, token_hash, revoked, demand_found, in_scope"
    "  FROM service_account_auth($1, $2::uuid, $3)");
static db_stmt_t refused_stmt = DB_STMT("sa_refused", 2,
    "SELECT service_account_refused($1::uuid, $2::jsonb)");

int
sa_name_ok(const char *name)
{
    size_t i, n = name != NULL ? strlen(name) : 0;

    if (n < 2 || n > 63 || !(islower((unsigned char) name[0]) || isdigit((unsigned char) name[0])))
        return 0;
    for (i = 0; i < n; i++)
        if (!(islower((unsigned char) name[i]) || isdigit((unsigned char) name[i])
              || name[i] == '-'))
            return 0;
    return 1;
}

int
sa_create(pool_t *p, en_err_t *err, const char *name, const char *description,
          json_t *scopes, const char *admin, const char **token)
{
    const char *params[5], *hex, *hash;

    *token = NULL;
    if (!sa_name_ok(name))
        return en_set(err, EN_BADINPUT, "api.name_invalid", "bad account name");
    if (!json_is_array(scopes) || json_array_size(scopes) == 0)
        return en_set(err, EN_BADINPUT, "api.scope_required", "no scope");
    if (util_random_hex(p, 32, &hex, err) != EN_OK)
        return err->code;
    *token = pool_printf(p, TOKEN_PREFIX "%s", hex);
    if ((hash = util_sha256_hex(p, *token, strlen(*token))) == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "no digest");
    params[0] = name;
    params[1] = description != NULL ? description : "";
    params[2] = hash;
    params[3] = pool_json_dumps(p, scopes, JSON_COMPACT);
    params[4] = admin;
    if (db_exec_prepared(p, err, &create_stmt, params) == NULL) {
        *token = NULL;
        if (err->code == EN_CONFLICT)
            return en_set(err, EN_CONFLICT, "api.name_taken", "name taken");
        return err->code;
    }
    return EN_OK;
}

int
sa_revoke(pool_t *p, en_err_t *err, const char *id, const char *admin)
{
    const char *params[2] = { id, admin };
    PGresult   *res = db_exec_prepared(p, err, &revoke_stmt, params);

    if (res == NULL)
        return err->code;
    if (strcmp(db_val(res, 0, 0), "t") != 0)
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such active account");
    return EN_OK;
}

json_t *
sa_list(pool_t *p, en_err_t *err)
{
    return db_query_json(p, err, &list_stmt, NULL);
}

/* The token of "Bearer <token>", or NULL. */
static const char *
bearer(pool_t *p, const char *h)
{
    size_t i;

    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    if (strncmp(h, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0
        || strlen(h) != strlen(TOKEN_PREFIX) + 64)
        return NULL;
    for (i = strlen(TOKEN_PREFIX); h[i]; i++)
        if (!isxdigit((unsigned char) h[i]) || isupper((unsigned char) h[i]))
            return NULL;
    return pool_strdup(p, h);
}

int
sa_authenticate(pool_t *p, en_err_t *err, const char *authorization, const char *demand,
                const char *transition, sa_auth_t *out)
{
    const char *token = bearer(p, authorization), *hash, *params[3];
    PGresult   *res;

    memset(out, 0, sizeof(*out));
    if (token == NULL || (hash = util_sha256_hex(p, token, strlen(token))) == NULL)
        return EN_OK;
    params[0] = hash;
    params[1] = demand;
    params[2] = transition;
    if ((res = db_exec_prepared(p, err, &auth_stmt, params)) == NULL)
        return err->code;
    if (PQntuples(res) != 1 || strlen(db_val(res, 0, 2)) != 64
        || CRYPTO_memcmp(db_val(res, 0, 2), hash, 64) != 0)
        return EN_OK;
    out->id = pool_strdup(p, db_val(res, 0, 0));
    out->name = pool_strdup(p, db_val(res, 0, 1));
    if (!strcmp(db_val(res, 0, 3), "t"))
        out->verdict = SA_REVOKED;
    else if (strcmp(db_val(res, 0, 4), "t") != 0)
        out->verdict = SA_NO_DEMAND;
    else if (strcmp(db_val(res, 0, 5), "t") != 0)
        out->verdict = SA_OUT_OF_SCOPE;
    else
        out->verdict = SA_OK;
    return EN_OK;
}

void
sa_refused(pool_t *p, const char *id, const char *demand, const char *transition,
           const char *why)
{
    en_err_t    e2;
    json_t     *d = json_object();
    const char *params[2];

    en_clear(&e2);
    pool_json(p, d);
    json_object_set_new(d, "demand", json_string(demand ? demand : ""));
    json_object_set_new(d, "transition", json_string(transition ? transition : ""));
    json_object_set_new(d, "why", json_string(why ? why : ""));
    params[0] = id;
    params[1] = pool_json_dumps(p, d, JSON_COMPACT);
    if (params[1] == NULL || db_exec_prepared(p, &e2, &refused_stmt, params) == NULL)
        log_event(LOG_WARN, "a refused service call could not be recorded", "account", id,
                  "error", e2.msg, NULL);
}
