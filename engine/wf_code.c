/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_code.c -- drawing, hashing and checking one-time codes (see
 * wf_code.h).
 */
#include "wf_code.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "db.h"
#include "log.h"
#include "util_hash.h"
#include "util_rand.h"
#include "wf_time.h"

/* 32 characters: a random byte's low five bits pick one, uniformly */
static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static unsigned char key[32];
static int           have_key;

static db_stmt_t current_stmt = DB_STMT("code_current", 2,
    "SELECT id, code_hash, expired, used, locked, minutes_locked"
    "  FROM code_current($1::uuid, $2)");
static db_stmt_t failed_stmt = DB_STMT("code_failed", 1,
    "SELECT failures, locked FROM code_failed($1::uuid)");

void
wf_code_configure(const cfg_t *cfg)
{
    unsigned int len = 0;

    have_key = 0;
    if (cfg == NULL || cfg->secret == NULL || *cfg->secret == '\0')
        return;
    /* a key of its own, so that no other use of the secret can produce a
     * code's hash */
    if (HMAC(EVP_sha256(), cfg->secret, (int) strlen(cfg->secret),
             (const unsigned char *) "guichet one-time codes", 22, key, &len) != NULL
        && len == sizeof(key))
        have_key = 1;
}

const char *
wf_code_normalise(pool_t *p, const char *typed)
{
    char  *out;
    size_t i, n = 0;

    if (typed == NULL)
        return NULL;
    out = pool_alloc(p, strlen(typed) + 1);
    for (i = 0; typed[i]; i++) {
        unsigned char ch = (unsigned char) typed[i];

        if (ch == ' ' || ch == '-' || ch == '\t')
            continue;
        if (!isascii(ch) || !isalnum(ch))
            return NULL;
        out[n++] = (char) toupper(ch);
    }
    out[n] = '\0';
    return n > 0 && n <= 64 ? out : NULL;
}

const char *
wf_code_hash(pool_t *p, const char *purpose, const char *code)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int  len = 0;
    char         *msg;

    if (!have_key || purpose == NULL || code == NULL)
        return NULL;
    msg = pool_printf(p, "%s:%s", purpose, code);
    if (HMAC(EVP_sha256(), key, sizeof(key), (const unsigned char *) msg, strlen(msg),
             md, &len) == NULL || len != 32)
        return NULL;
    return util_hex(p, md, len);
}

const char *
wf_code_draw(pool_t *p, en_err_t *err, int n)
{
    unsigned char b[32];
    char         *code;
    int           i;

    if (n < 4 || n > 32)
        n = WF_CODE_LENGTH;
    if (util_random(b, (size_t) n, err) != EN_OK)
        return NULL;
    code = pool_alloc(p, (size_t) n + 1);
    for (i = 0; i < n; i++)
        code[i] = alphabet[b[i] & 31];
    code[n] = '\0';
    OPENSSL_cleanse(b, sizeof(b));
    return code;
}

int
wf_code_issue_hook(pool_t *p, en_err_t *err, const principal_t *who,
                   const wf_demand_t *d, const wf_transition_t *t,
                   wf_input_check_t *c, const wf_effect_t *e, json_t *args)
{
    const char   *purpose = wf_effect_arg(e, "purpose");
    const char   *valid = wf_effect_arg(e, "valid");
    const char   *length = wf_effect_arg(e, "length");
    const char   *code, *hash, *why = NULL;
    wf_duration_t dur;
    time_t        until;
    struct tm     tm;
    char          iso[32];
    int           bad = 0;

    if (!have_key)
        return en_set(err, EN_UNAVAILABLE, "wf.code.no_key",
                      "one-time codes need the setting secret");
    if (purpose == NULL || valid == NULL || wf_duration_parse(valid, &dur, &why) != 0)
        return en_set(err, EN_INTERNAL, "err.internal", "issue-code: bad arguments");
    if ((code = wf_code_draw(p, err, length ? atoi(length) : WF_CODE_LENGTH)) == NULL)
        return err->code;
    if ((hash = wf_code_hash(p, purpose, code)) == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "issue-code: no hash");
    until = wf_duration_add(time(NULL), &dur);
    gmtime_r(&until, &tm);
    strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
    bad |= wf_json_set(args, "code", json_string(code));
    bad |= wf_json_set(args, "code_hash", json_string(hash));
    bad |= wf_json_set(args, "expires_at", json_string(iso));
    if (bad)
        return en_set(err, EN_INTERNAL, "err.internal", "issue-code: no memory");
    return EN_OK;
}

/* What the person typed in field: the checked value of this request, else
 * the raw one. */
static const char *
typed_value(wf_input_check_t *c, const char *field)
{
    json_t     *v = json_object_get(c->set, field);
    const kv_t *kv;

    if (!json_is_string(v))
        v = json_object_get(c->norm, field);
    if (json_is_string(v))
        return json_string_value(v);
    for (kv = c->in != NULL ? c->in->form : NULL; kv != NULL; kv = kv->next)
        if (!strcmp(kv->name, field))
            return kv->value;
    return NULL;
}

int
wf_code_verify_hook(pool_t *p, en_err_t *err, const principal_t *who,
                    const wf_demand_t *d, const wf_transition_t *t,
                    wf_input_check_t *c, const wf_effect_t *e, json_t *args)
{
    const char *purpose = wf_effect_arg(e, "purpose");
    const char *field = wf_effect_arg(e, "field");
    const char *params[2], *typed, *hash, *stored;
    PGresult   *res;
    int         locked, left;

    if (!have_key)
        return en_set(err, EN_UNAVAILABLE, "wf.code.no_key",
                      "one-time codes need the setting secret");
    if (purpose == NULL || field == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "verify-code: bad arguments");
    params[0] = d->id;
    params[1] = purpose;
    if ((res = db_exec_prepared(p, err, &current_stmt, params)) == NULL)
        return err->code;
    if (PQntuples(res) != 1 || db_isnull(res, 0, 0)) {
        wf_input_error(c, field, "code.none", NULL);
        return EN_BADINPUT;
    }
    if (!strcmp(db_val(res, 0, 4), "t")) {
        wf_input_error(c, field, "code.locked", pool_strdup(p, db_val(res, 0, 5)));
        return EN_BADINPUT;
    }
    if (!strcmp(db_val(res, 0, 3), "t")) {
        wf_input_error(c, field, "code.used", NULL);
        return EN_BADINPUT;
    }
    if (!strcmp(db_val(res, 0, 2), "t")) {
        wf_input_error(c, field, "code.expired", NULL);
        return EN_BADINPUT;
    }
    stored = pool_strdup(p, db_val(res, 0, 1));
    params[0] = pool_strdup(p, db_val(res, 0, 0));
    typed = wf_code_normalise(p, typed_value(c, field));
    hash = typed != NULL ? wf_code_hash(p, purpose, typed) : NULL;
    if (hash != NULL && strlen(hash) == strlen(stored)
        && CRYPTO_memcmp(hash, stored, strlen(stored)) == 0) {
        if (wf_json_set(args, "code_id", json_string(params[0])) != 0)
            return en_set(err, EN_INTERNAL, "err.internal", "verify-code: no memory");
        /* the plain code is never stored: not even once used up */
        json_object_del(c->set, field);
        return EN_OK;
    }
    /* counted now, in its own statement: the transition is refused */
    if ((res = db_exec_prepared(p, err, &failed_stmt, params)) == NULL)
        return err->code;
    locked = PQntuples(res) == 1 && !strcmp(db_val(res, 0, 1), "t");
    left = PQntuples(res) == 1
           ? WF_CODE_LOCK_AFTER - atoi(db_val(res, 0, 0)) % WF_CODE_LOCK_AFTER : 0;
    log_event(LOG_WARN, "wrong one-time code", "demand", d->id, "purpose", purpose,
              "locked", locked ? "yes" : "no",
              "request_id", who->request_id ? who->request_id : "", NULL);
    if (locked)
        wf_input_error(c, field, "code.locked", pool_printf(p, "%d", WF_CODE_LOCK_MIN));
    else
        wf_input_error(c, field, "code.wrong", pool_printf(p, "%d", left));
    return EN_BADINPUT;
}
