/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * account.c -- a person's own account and relations (see account.h).
 *
 * Owns the SQL of sql/0014_account.sql's tables; every change is one call
 * of its plpgsql function, which also writes account_events.  Does not
 * check who may act (the handlers ask authz_check first) nor validate
 * what people typed (h_account.c, with field_validate): values arrive
 * here valid.
 */
#include "account.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "pool_json.h"

const char *const account_mail_kinds[ACCOUNT_NKINDS] = { "status", "reminder", "message" };

int
account_load(pool_t *p, en_err_t *err, const char *person_id, account_t **out)
{
    const char *params[1] = { person_id };
    PGresult   *res, *ctx;
    account_t  *a;
    int         i, n;

    res = db_exec(p, err,
                  "SELECT p.display_name, coalesce(p.given_name, ''),"
                  "       coalesce(p.family_name, ''), coalesce(p.email, ''), p.assurance,"
                  "       to_char(p.created_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY'),"
                  "       coalesce((SELECT string_agg(DISTINCT i.idp, ' ') FROM identities i"
                  "                  WHERE i.person_id = p.id), ''),"
                  "       coalesce((SELECT c.email FROM account_contacts c"
                  "                  WHERE c.person_id = p.id AND c.space_id IS NULL), ''),"
                  "       coalesce((SELECT enabled FROM account_mail_prefs m"
                  "                  WHERE m.person_id = p.id AND kind = 'status'), true),"
                  "       coalesce((SELECT enabled FROM account_mail_prefs m"
                  "                  WHERE m.person_id = p.id AND kind = 'reminder'), true),"
                  "       coalesce((SELECT enabled FROM account_mail_prefs m"
                  "                  WHERE m.person_id = p.id AND kind = 'message'), true),"
                  /* kept per owner by demand_counts (sql/0048): not counted */
                  "       (SELECT coalesce(sum(c.n), 0) FROM demand_counts c"
                  "         WHERE c.owner_person_id = p.id AND c.bucket <> 'draft'),"
                  "       (SELECT coalesce(sum(c.n), 0) FROM demand_counts c"
                  "         WHERE c.owner_person_id = p.id AND c.bucket = 'draft')"
                  "  FROM persons p WHERE p.id = $1::uuid AND p.deleted_at IS NULL",
                  1, params);
    if (res == NULL)
        return err->code;
    if (PQntuples(res) != 1)
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such person");
    ctx = db_exec(p, err,
                  "SELECT s.id, e.name, coalesce(c.email, '')"
                  "  FROM memberships m JOIN spaces s ON s.id = m.space_id"
                  "  JOIN entities e ON e.id = s.entity_id"
                  "  LEFT JOIN account_contacts c ON c.person_id = m.person_id"
                  "                              AND c.space_id = s.id"
                  " WHERE m.person_id = $1::uuid AND m.ended_at IS NULL"
                  "   AND s.status = 'active'"
                  " ORDER BY e.name, s.id", 1, params);
    if (ctx == NULL)
        return err->code;
    a = pool_calloc(p, sizeof(*a));
    a->display_name = db_val(res, 0, 0);
    a->given_name = db_val(res, 0, 1);
    a->family_name = db_val(res, 0, 2);
    a->email = db_val(res, 0, 3);
    a->assurance = db_val(res, 0, 4);
    a->created_at = db_val(res, 0, 5);
    a->providers = db_val(res, 0, 6);
    for (i = 0; i < ACCOUNT_NKINDS; i++)
        a->mail_on[i] = !strcmp(db_val(res, 0, 8 + i), "t");
    a->filed = atoi(db_val(res, 0, 11));
    a->drafts = atoi(db_val(res, 0, 12));
    n = PQntuples(ctx);
    a->contacts = pool_calloc(p, ((size_t) n + 1) * sizeof(*a->contacts));
    a->contacts[0].space_id = NULL;
    a->contacts[0].name = "";
    a->contacts[0].email = db_val(res, 0, 7);
    for (i = 0; i < n; i++) {
        a->contacts[i + 1].space_id = db_val(ctx, i, 0);
        a->contacts[i + 1].name = db_val(ctx, i, 1);
        a->contacts[i + 1].email = db_val(ctx, i, 2);
    }
    a->ncontacts = n + 1;
    *out = a;
    return EN_OK;
}

/* Dumps j (handed to p) for a jsonb parameter. */
static const char *
dump(pool_t *p, en_err_t *err, json_t *j)
{
    const char *s = pool_json_dumps(p, j, JSON_COMPACT);

    if (s == NULL)
        en_set(err, EN_INTERNAL, "err.internal", "JSON not built");
    return s;
}

int
account_save_contacts(pool_t *p, en_err_t *err, const principal_t *who,
                      const account_t *a, const char *const *emails)
{
    json_t     *c = pool_json(p, json_object()), *spaces = json_object();
    const char *params[3];
    int         i;

    if (c == NULL || spaces == NULL || json_object_set_new(c, "spaces", spaces) != 0)
        return en_set(err, EN_INTERNAL, "err.internal", "no memory");
    for (i = 0; i < a->ncontacts; i++) {
        json_t *v = json_string(emails[i]);

        if (v == NULL
            || (a->contacts[i].space_id == NULL ? json_object_set_new(c, "personal", v)
                : json_object_set_new(spaces, a->contacts[i].space_id, v)) != 0)
            return en_set(err, EN_INTERNAL, "err.internal", "contact not set");
    }
    params[0] = who->person_id;
    if ((params[1] = dump(p, err, c)) == NULL)
        return err->code;
    params[2] = who->request_id;
    if (db_exec(p, err, "SELECT account_save_contacts($1::uuid, $2::jsonb, $3)", 3,
                params) == NULL)
        return err->code;
    return EN_OK;
}

int
account_save_prefs(pool_t *p, en_err_t *err, const principal_t *who,
                   const int on[ACCOUNT_NKINDS])
{
    json_t     *j = pool_json(p, json_object());
    const char *params[3];
    int         i;

    if (j == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "no memory");
    for (i = 0; i < ACCOUNT_NKINDS; i++)
        if (json_object_set_new(j, account_mail_kinds[i], json_boolean(on[i])) != 0)
            return en_set(err, EN_INTERNAL, "err.internal", "preference not set");
    params[0] = who->person_id;
    if ((params[1] = dump(p, err, j)) == NULL)
        return err->code;
    params[2] = who->request_id;
    if (db_exec(p, err, "SELECT account_save_prefs($1::uuid, $2::jsonb, $3)", 3,
                params) == NULL)
        return err->code;
    return EN_OK;
}

int
account_export(pool_t *p, en_err_t *err, const principal_t *who, const char **json)
{
    const char *params[2] = { who->person_id, who->request_id };
    PGresult   *res;

    res = db_exec(p, err, "SELECT jsonb_pretty(account_export($1::uuid, $2))", 2, params);
    if (res == NULL)
        return err->code;
    *json = db_val(res, 0, 0);
    return EN_OK;
}

int
account_delete(pool_t *p, en_err_t *err, const principal_t *who, int *drafts, int *kept)
{
    const char *params[2] = { who->person_id, who->request_id };
    PGresult   *res;

    res = db_exec(p, err,
                  "SELECT (r->>'drafts')::int, (r->>'kept')::int"
                  "  FROM account_delete($1::uuid, $2) r", 2, params);
    if (res == NULL) {
        if (err->code == EN_BADINPUT && strncmp(err->msg, "account.", 8) != 0)
            err->code = EN_INTERNAL;        /* not one of ours: a defect */
        return err->code;
    }
    *drafts = atoi(db_val(res, 0, 0));
    *kept = atoi(db_val(res, 0, 1));
    return EN_OK;
}

int
account_relations(pool_t *p, en_err_t *err, const char *person_id,
                  account_relation_t **out, int *n)
{
    const char         *params[1] = { person_id };
    PGresult           *res;
    account_relation_t *r;
    int                 i;

    res = db_exec(p, err,
                  "SELECT id, name, coalesce(ide, ''), street, postcode, locality"
                  "  FROM relations WHERE person_id = $1::uuid ORDER BY name, created_at",
                  1, params);
    if (res == NULL)
        return err->code;
    *n = PQntuples(res);
    r = pool_calloc(p, ((size_t) *n + 1) * sizeof(*r));
    for (i = 0; i < *n; i++) {
        r[i].id = db_val(res, i, 0);
        r[i].name = db_val(res, i, 1);
        r[i].ide = db_val(res, i, 2);
        r[i].street = db_val(res, i, 3);
        r[i].postcode = db_val(res, i, 4);
        r[i].locality = db_val(res, i, 5);
    }
    *out = r;
    return EN_OK;
}

int
account_relation_add(pool_t *p, en_err_t *err, const principal_t *who,
                     const account_relation_t *r)
{
    json_t     *j = pool_json(p, json_pack("{s:s, s:s?, s:s, s:s, s:s}", "name", r->name,
                                           "ide", r->ide, "street", r->street,
                                           "postcode", r->postcode, "locality",
                                           r->locality));
    const char *params[3];

    if (j == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "relation not built");
    params[0] = who->person_id;
    if ((params[1] = dump(p, err, j)) == NULL)
        return err->code;
    params[2] = who->request_id;
    if (db_exec(p, err, "SELECT relation_add($1::uuid, $2::jsonb, $3)", 3, params) == NULL)
        return err->code;
    return EN_OK;
}

int
account_relation_remove(pool_t *p, en_err_t *err, const principal_t *who, const char *id)
{
    const char *params[3] = { who->person_id, id, who->request_id };
    PGresult   *res;

    res = db_exec(p, err, "SELECT relation_remove($1::uuid, $2::uuid, $3)", 3, params);
    if (res == NULL)
        return err->code;
    if (strcmp(db_val(res, 0, 0), "t") != 0)
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such relation");
    return EN_OK;
}

int
account_mail_route(pool_t *p, en_err_t *err, const char *outbox_id, int *deliver,
                   const char **recipient, const char **reason)
{
    const char *params[1] = { outbox_id };
    PGresult   *res;

    res = db_exec(p, err,
                  "SELECT deliver, recipient, coalesce(reason, '')"
                  "  FROM account_outbox_route($1::bigint)", 1, params);
    if (res == NULL)
        return err->code;
    *deliver = !strcmp(db_val(res, 0, 0), "t");
    *recipient = db_val(res, 0, 1);
    *reason = db_val(res, 0, 2);
    return EN_OK;
}
