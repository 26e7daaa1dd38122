/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * service_account.h -- other systems that fire a procedure's by="system"
 * transitions over HTTPS (docs/api.md): accounts an administrator creates
 * with a scope of (procedure, transition) pairs, their tokens, revoking
 * them, and the trail of what they did and were refused.
 *
 * A token is "gsa_" and 64 hexadecimal digits (256 random bits), shown
 * once when the account is made; only its SHA-256 is stored, and the hash
 * found is compared again in constant time.
 *
 * Owns the service_account* tables (sql/0030).  Does not own who may
 * manage accounts (the caller's authz_check(AZ_ADMIN)), nor the firing
 * (wf_fire, with principal_system).
 */
#ifndef GUICHET_SERVICE_ACCOUNT_H
#define GUICHET_SERVICE_ACCOUNT_H

#include <jansson.h>

#include "en_err.h"
#include "pool.h"

/* What a call's token says. */
typedef enum {
    SA_UNKNOWN = 0,     /* no such token (401) */
    SA_REVOKED,         /* revoked (401) */
    SA_NO_DEMAND,       /* the token is good; no such demand (404) */
    SA_OUT_OF_SCOPE,    /* the token is good; not this transition (403) */
    SA_OK
} sa_verdict_t;

typedef struct {
    sa_verdict_t verdict;
    const char  *id;        /* the account (verdict >= SA_REVOKED) */
    const char  *name;
} sa_auth_t;

/* Whether name is a valid account name: a-z, 0-9 and dashes, 2-63. */
int sa_name_ok(const char *name);

/* Creates an account for scopes ([{workflow, transition}], at least one)
 * made by admin; *token (in p) is the only copy of its token.  EN_CONFLICT
 * when the name is taken, EN_BADINPUT on a bad name or no scope. */
int sa_create(pool_t *p, en_err_t *err, const char *name, const char *description,
              json_t *scopes, const char *admin, const char **token);

/* Revokes account id (EN_NOTFOUND when there is none still active). */
int sa_revoke(pool_t *p, en_err_t *err, const char *id, const char *admin);

/* The accounts for the administrators' page (service_accounts_list). */
json_t *sa_list(pool_t *p, en_err_t *err);

/* Who holds the Authorization header's bearer token, and may it fire
 * transition of demand: out->verdict.  EN_OK, or a database error. */
int sa_authenticate(pool_t *p, en_err_t *err, const char *authorization,
                    const char *demand, const char *transition, sa_auth_t *out);

/* Records a refused call of account id (what, why) in its trail. */
void sa_refused(pool_t *p, const char *id, const char *demand, const char *transition,
                const char *why);

#endif
