/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * space.c -- data access for entities, spaces, memberships, delegations,
 * access grants and identity links (see space.h).
 *
 * Owns no rule about who may do what (authz.c and authz_may() do) and
 * renders nothing (h_context.c).  Each change is one SELECT of one
 * function of sql/0003_spaces.sql; parameters are always bound.
 */
#include "space.h"

#include <stdio.h>
#include <string.h>

#include "db.h"

/* --- errors ------------------------------------------------------------- */

static const struct {
    const char *constraint;
    const char *key;
} constraint_keys[] = {
    { "memberships_live", "space.already_member" },
    { "access_grants_live", "space.already_granted" },
    { "delegations_live", "space.already_delegated" },
    { "spaces_one_open", "space.already_open" },
    { "entities_ide_check", "space.ide_invalid" },
    { "entities_legal_form_check", "space.legal_form_invalid" },
    { "spaces_referent_is_member", "space.referent_must_be_member" },
    { "delegations_duty_check", "space.duty_invalid" },
    { "access_grants_workflow_key_check", "space.workflow_invalid" },
    { NULL, NULL }
};

static int
has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

const char *
space_error_key(const char *msg)
{
    int    i;
    size_t n;

    if (msg == NULL)
        return NULL;
    if (has_prefix(msg, "space.") || has_prefix(msg, "identity.") || has_prefix(msg, "authz.")) {
        /* one of ours: a bare key, nothing after it */
        n = strspn(msg, "abcdefghijklmnopqrstuvwxyz0123456789._");
        return msg[n] == '\0' && n < 64 ? msg : NULL;
    }
    for (i = 0; constraint_keys[i].constraint != NULL; i++)
        if (strstr(msg, constraint_keys[i].constraint) != NULL)
            return constraint_keys[i].key;
    return NULL;
}

int
space_legal_form_ok(const char *s)
{
    static const char *const forms[] = {
        "association", "foundation", "sa", "sarl", "cooperative", "partnership",
        "individual", "commune", "public", "other", NULL
    };
    int i;

    for (i = 0; s != NULL && forms[i] != NULL; i++)
        if (!strcmp(s, forms[i]))
            return 1;
    return 0;
}

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

static const char *
dup(pool_t *p, PGresult *res, int row, int col)
{
    return pool_strdup(p, db_val(res, row, col));
}

/* --- reads ---------------------------------------------------------------- */

int
space_contexts(pool_t *p, en_err_t *err, const char *person_id,
               space_context_t **out, int *n)
{
    const char *params[1] = { person_id };
    PGresult   *res;
    int         i;

    *out = NULL;
    *n = 0;
    res = call(p, err,
               "SELECT c.space_id, c.entity_name, c.ide, c.legal_form,"
               "       coalesce(c.function, ''), c.is_referent,"
               "       az_delegate((SELECT az_uuid($1)), c.space_id, 'members')"
               "       OR az_delegate((SELECT az_uuid($1)), c.space_id, 'grants'),"
               "       coalesce(s.contact_email, '')"
               "  FROM space_contexts((SELECT az_uuid($1))) c JOIN spaces s ON s.id = c.space_id"
               " ORDER BY c.entity_name, c.space_id", 1, params);
    if (res == NULL)
        return err->code;
    *n = PQntuples(res);
    if (*n == 0)
        return EN_OK;
    *out = pool_calloc(p, sizeof(**out) * (size_t) *n);
    for (i = 0; i < *n; i++) {
        space_context_t *c = &(*out)[i];

        c->space_id = dup(p, res, i, 0);
        c->entity_name = dup(p, res, i, 1);
        c->ide = dup(p, res, i, 2);
        c->legal_form = dup(p, res, i, 3);
        c->function = dup(p, res, i, 4);
        c->is_referent = !strcmp(db_val(res, i, 5), "t");
        c->is_delegate = !strcmp(db_val(res, i, 6), "t");
        c->contact_email = dup(p, res, i, 7);
    }
    return EN_OK;
}

static const char *const load_sql =
    "WITH today AS (SELECT (now() AT TIME ZONE 'Europe/Zurich')::date AS d)"
    "SELECT s.id, s.status, e.id, e.name, e.ide, e.legal_form, e.street,"
    "       coalesce(e.house_number, ''), e.postcode, e.locality,"
    "       coalesce(s.referent_person_id::text, ''),"
    "       m.person_id, p.display_name, coalesce(p.email, ''), coalesce(m.function, ''),"
    "       to_char(m.since AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY'),"
    "       m.person_id = s.referent_person_id,"
    "       coalesce((SELECT string_agg(d.duty, ' ' ORDER BY d.duty) FROM delegations d, today"
    "                  WHERE d.space_id = s.id AND d.person_id = m.person_id"
    "                    AND d.revoked_at IS NULL"
    "                    AND (d.until IS NULL OR d.until >= today.d)), ''),"
    "       coalesce((SELECT to_char(min(d.until), 'DD.MM.YYYY') FROM delegations d, today"
    "                  WHERE d.space_id = s.id AND d.person_id = m.person_id"
    "                    AND d.revoked_at IS NULL AND d.until >= today.d), ''),"
    "       coalesce((SELECT string_agg(g.workflow_key, ' ' ORDER BY g.workflow_key)"
    "                   FROM access_grants g"
    "                  WHERE g.space_id = s.id AND g.person_id = m.person_id"
    "                    AND g.revoked_at IS NULL), ''),"
    "       coalesce(s.contact_email, '')"
    "  FROM spaces s"
    "  JOIN entities e ON e.id = s.entity_id"
    "  LEFT JOIN memberships m ON m.space_id = s.id AND m.ended_at IS NULL"
    "  LEFT JOIN persons p ON p.id = m.person_id"
    " WHERE s.id = (SELECT az_uuid($1))"
    " ORDER BY (m.person_id = s.referent_person_id) DESC NULLS LAST,"
    "          p.family_name, p.given_name, p.display_name, m.person_id";

int
space_load(pool_t *p, en_err_t *err, const char *space_id, space_info_t **info,
           space_member_t **members, int *n)
{
    const char   *params[1] = { space_id };
    PGresult     *res;
    space_info_t *s;
    int           i, rows;

    *info = NULL;
    *members = NULL;
    *n = 0;
    if ((res = call(p, err, load_sql, 1, params)) == NULL)
        return err->code;
    if ((rows = PQntuples(res)) == 0)
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such space");
    s = pool_calloc(p, sizeof(*s));
    s->id = dup(p, res, 0, 0);
    s->status = dup(p, res, 0, 1);
    s->entity_id = dup(p, res, 0, 2);
    s->entity_name = dup(p, res, 0, 3);
    s->ide = dup(p, res, 0, 4);
    s->legal_form = dup(p, res, 0, 5);
    s->street = dup(p, res, 0, 6);
    s->house_number = dup(p, res, 0, 7);
    s->postcode = dup(p, res, 0, 8);
    s->locality = dup(p, res, 0, 9);
    s->referent_person_id = dup(p, res, 0, 10);
    s->contact_email = dup(p, res, 0, 20);
    *info = s;
    *members = pool_calloc(p, sizeof(**members) * (size_t) rows);
    for (i = 0; i < rows; i++) {
        space_member_t *m;

        if (db_isnull(res, i, 11))      /* a space without members (closed) */
            continue;
        m = &(*members)[(*n)++];
        m->person_id = dup(p, res, i, 11);
        m->display_name = dup(p, res, i, 12);
        m->email = dup(p, res, i, 13);
        m->function = dup(p, res, i, 14);
        m->since = dup(p, res, i, 15);
        m->is_referent = !strcmp(db_val(res, i, 16), "t");
        m->duties = dup(p, res, i, 17);
        m->duties_until = dup(p, res, i, 18);
        m->grants = dup(p, res, i, 19);
    }
    return EN_OK;
}

int
space_admin_summary(pool_t *p, en_err_t *err, const char ***keys, const char ***values,
                    int *n)
{
    PGresult *res;
    int       i;

    *n = 0;
    res = call(p, err,
               "SELECT 'admin.count.persons', count(*)::text FROM persons"
               " UNION ALL SELECT 'admin.count.spaces_active', count(*)::text"
               "             FROM spaces WHERE status = 'active'"
               " UNION ALL SELECT 'admin.count.spaces_pending', count(*)::text"
               "             FROM spaces WHERE status = 'pending'"
               " UNION ALL SELECT 'admin.count.agent_groups', count(*)::text FROM agent_groups"
               " UNION ALL SELECT 'admin.count.third_party_groups', count(*)::text"
               "             FROM third_party_groups"
               " UNION ALL SELECT 'admin.count.administrators', count(*)::text"
               "             FROM administrators", 0, NULL);
    if (res == NULL)
        return err->code;
    *n = PQntuples(res);
    *keys = pool_calloc(p, sizeof(char *) * (size_t) (*n + 1));
    *values = pool_calloc(p, sizeof(char *) * (size_t) (*n + 1));
    for (i = 0; i < *n; i++) {
        (*keys)[i] = dup(p, res, i, 0);
        (*values)[i] = dup(p, res, i, 1);
    }
    return EN_OK;
}

/* --- changes ---------------------------------------------------------------- */

int
space_create(pool_t *p, en_err_t *err, const space_entity_t *e, const char *applicant,
             const char **space_id)
{
    const char *params[11];
    PGresult   *res;

    params[0] = e->ide;
    params[1] = e->legal_form;
    params[2] = e->name;
    params[3] = e->care_of;
    params[4] = e->street;
    params[5] = e->house_number;
    params[6] = e->post_box;
    params[7] = e->postcode;
    params[8] = e->locality;
    params[9] = e->country;
    params[10] = applicant;
    res = call(p, err,
               "SELECT space_create(jsonb_build_object("
               "  'ide', $1::text, 'legal_form', $2::text, 'name', $3::text,"
               "  'care_of', $4::text, 'street', $5::text, 'house_number', $6::text,"
               "  'post_box', $7::text, 'postcode', $8::text, 'locality', $9::text,"
               "  'country', $10::text), $11::uuid)", 11, params);
    if (res == NULL)
        return err->code;
    if (space_id != NULL)
        *space_id = dup(p, res, 0, 0);
    return EN_OK;
}

int
space_activate(pool_t *p, en_err_t *err, const char *space_id, const char *actor)
{
    const char *params[2] = { space_id, actor };

    return run(p, err, "SELECT space_activate($1::uuid, $2::uuid)", 2, params);
}

int
space_close(pool_t *p, en_err_t *err, const char *space_id, const char *actor)
{
    const char *params[2] = { space_id, actor };

    return run(p, err, "SELECT space_close($1::uuid, $2::uuid)", 2, params);
}

int
space_attach(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
             const char *function, const char *actor)
{
    const char *params[4] = { space_id, person_id, function, actor };

    return run(p, err, "SELECT space_attach($1::uuid, $2::uuid, $3, $4::uuid)", 4, params);
}

int
space_detach(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
             const char *actor)
{
    const char *params[3] = { space_id, person_id, actor };

    return run(p, err, "SELECT space_detach($1::uuid, $2::uuid, $3::uuid)", 3, params);
}

int
space_set_referent(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
                   const char *actor)
{
    const char *params[3] = { space_id, person_id, actor };

    return run(p, err, "SELECT space_set_referent($1::uuid, $2::uuid, $3::uuid)", 3, params);
}

int
space_grant(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
            const char *workflow_key, const char *actor)
{
    const char *params[4] = { space_id, person_id, workflow_key, actor };

    return run(p, err, "SELECT space_grant($1::uuid, $2::uuid, $3, $4::uuid)", 4, params);
}

int
space_revoke(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
             const char *workflow_key, const char *actor)
{
    const char *params[4] = { space_id, person_id, workflow_key, actor };

    return run(p, err, "SELECT space_revoke($1::uuid, $2::uuid, $3, $4::uuid)", 4, params);
}

int
space_delegate(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
               const char *duty, const char *until, const char *actor)
{
    const char *params[5] = { space_id, person_id, duty, until, actor };

    return run(p, err, "SELECT space_delegate($1::uuid, $2::uuid, $3, $4::date, $5::uuid)",
               5, params);
}

int
space_undelegate(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
                 const char *duty, const char *actor)
{
    const char *params[4] = { space_id, person_id, duty, actor };

    return run(p, err, "SELECT space_undelegate($1::uuid, $2::uuid, $3, $4::uuid)",
               4, params);
}

int
space_link_identity(pool_t *p, en_err_t *err, const char *issuer, const char *subject,
                    const char *person_id, const char *admin_id, const char **from_person)
{
    const char *params[4] = { issuer, subject, person_id, admin_id };
    PGresult   *res;

    if (issuer == NULL || subject == NULL || person_id == NULL || admin_id == NULL)
        return en_set(err, EN_BADINPUT, "identity.unknown", "issuer, subject and persons needed");
    res = call(p, err, "SELECT identity_link($1, $2, az_uuid($3), az_uuid($4))", 4, params);
    if (res == NULL)
        return err->code;
    if (from_person != NULL)
        *from_person = dup(p, res, 0, 0);
    return EN_OK;
}

/* --- the space a demand is addressed to (workflows/space_join.xml) ------- */

int
space_of_ide(pool_t *p, en_err_t *err, const char *ide, const char *person_id,
             const char **space_id, int *is_member)
{
    const char *params[2] = { ide, person_id };
    PGresult   *res;

    *space_id = NULL;
    *is_member = 0;
    res = call(p, err, "SELECT space_id, is_member FROM space_active_of_ide($1, az_uuid($2))",
               2, params);
    if (res == NULL)
        return err->code;
    if (PQntuples(res) == 1) {
        *space_id = dup(p, res, 0, 0);
        *is_member = !strcmp(db_val(res, 0, 1), "t");
    }
    return EN_OK;
}
