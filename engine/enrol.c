/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * enrol.c -- the MIE identifiers and the counter's queue (see enrol.h).
 */
#include "enrol.h"

#include <ctype.h>
#include <string.h>

#include "db.h"
#include "pool_json.h"
#include "util_rand.h"

static const char enrol_alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";

/* One identifier: rejection sampling keeps the 36 characters equally
 * likely (bytes 252..255 are drawn again). */
static int
one_candidate(char *out, en_err_t *err)
{
    unsigned char b[32];
    size_t        i, k = sizeof(b), n = 0;
    int           letter = 0, digit = 0, rc;

    while (n < ENROL_ID_LEN) {
        if (k == sizeof(b)) {
            if ((rc = util_random(b, sizeof(b), err)) != EN_OK)
                return rc;
            k = 0;
        }
        if (b[k] >= 252) {
            k++;
            continue;
        }
        out[n++] = enrol_alphabet[b[k++] % 36];
    }
    out[n] = '\0';
    for (i = 0; i < n; i++) {
        letter |= isalpha((unsigned char) out[i]) != 0;
        digit |= isdigit((unsigned char) out[i]) != 0;
    }
    return letter && digit ? EN_OK : EN_CONFLICT;
}

int
enrol_candidates(pool_t *p, en_err_t *err, size_t n, json_t **out)
{
    json_t *a = json_array();
    char    id[ENROL_ID_LEN + 1];
    size_t  tries = 0;
    int     rc;

    if (a == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "no memory");
    pool_json(p, a);
    while (json_array_size(a) < n) {
        if (++tries > 100 * n)
            return en_set(err, EN_INTERNAL, "err.internal", "no identifier could be drawn");
        rc = one_candidate(id, err);
        if (rc == EN_CONFLICT)
            continue;              /* all letters or all digits: draw again */
        if (rc != EN_OK)
            return rc;
        if (json_array_append_new(a, json_string(id)) != 0)
            return en_set(err, EN_INTERNAL, "err.internal", "no memory");
    }
    *out = a;
    return EN_OK;
}

static db_stmt_t facts_stmt = DB_STMT("enrol_counter_facts", 2,
    "SELECT jsonb_strip_nulls(jsonb_build_object("
    "   'in_group', ('third-party:' || $2) = ANY (d.data_roles),"
    "   'identifier', e.identifier,"
    "   'issued_at', to_char(e.issued_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI'),"
    "   'issued_by', p.display_name,"
    "   'activated_at', to_char(e.activated_at AT TIME ZONE 'Europe/Zurich',"
    "                           'DD.MM.YYYY HH24:MI')))::text"
    "  FROM demands d"
    "  LEFT JOIN enrol_identifiers e ON e.demand_id = d.id"
    "  LEFT JOIN persons p ON p.id = e.issued_by"
    " WHERE d.id = $1::uuid");

json_t *
enrol_counter_facts(pool_t *p, en_err_t *err, const char *demand_id, const char *group)
{
    const char *params[2] = { demand_id, group };

    return db_query_json(p, err, &facts_stmt, params);
}

static db_stmt_t match_stmt = DB_STMT("enrol_identifier_matches", 2,
    "SELECT 1 FROM enrol_identifiers"
    " WHERE demand_id = $1::uuid AND identifier = lower(btrim($2)) AND activated_at IS NULL");

int
enrol_identifier_matches(pool_t *p, en_err_t *err, const char *demand_id,
                         const char *identifier)
{
    const char *params[2] = { demand_id, identifier };
    PGresult   *res;

    if (identifier == NULL)
        return 0;
    if ((res = db_exec_prepared(p, err, &match_stmt, params)) == NULL)
        return -1;
    return PQntuples(res) > 0;
}

/* the counter's three lists, and the search within the chosen one: the
 * open applications read alone, the history's counts bounded
 * (sql/0051_counter_open.sql) */
static db_stmt_t queue_stmt = DB_STMT("enrol_queue", 7,
    "SELECT enrol_counter_json($1, $2, $3, $4, $5, $6::int, $7)");

json_t *
enrol_queue(pool_t *p, en_err_t *err, const char *group, const char *show,
            const char *name, const char *birth, const char *reference, int limit)
{
    const char *params[7];

    params[0] = group;
    params[1] = show;
    params[2] = name ? name : "";
    params[3] = birth ? birth : "";
    params[4] = reference ? reference : "";
    params[5] = pool_printf(p, "%d", limit);
    params[6] = ENROL_WORKFLOW;
    return db_query_json(p, err, &queue_stmt, params);
}

static db_stmt_t groups_stmt = DB_STMT("enrol_counter_groups", 2,
    "SELECT coalesce(jsonb_agg(jsonb_build_object("
    "   'id', g.id, 'name', g.name, 'kind', g.kind,"
    "   'open', (SELECT count(*) FROM demands d"
    "             WHERE d.data_roles @> ARRAY['third-party:' || g.id]"
    "               AND d.workflow_key = $2 AND d.bucket <> 'draft' AND NOT d.is_final))"
    "   ORDER BY g.name, g.id), '[]')::text"
    "  FROM third_party_members tm JOIN third_party_groups g ON g.id = tm.group_id"
    " WHERE tm.person_id = $1::uuid");

json_t *
enrol_counter_groups(pool_t *p, en_err_t *err, const char *person_id)
{
    const char *params[2] = { person_id, ENROL_WORKFLOW };

    return db_query_json(p, err, &groups_stmt, params);
}

static db_stmt_t verification_stmt = DB_STMT("enrol_verification", 1,
    "SELECT jsonb_strip_nulls(jsonb_build_object("
    "   'level', r.level,"
    "   'at', to_char(r.raised_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI'),"
    "   'checked_at', to_char(r.verified_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY'),"
    "   'by', p.display_name, 'where', g.name))::text"
    "  FROM assurance_raises r"
    "  LEFT JOIN persons p ON p.id = r.verified_by"
    "  LEFT JOIN third_party_groups g ON g.id = r.verified_group"
    " WHERE r.person_id = $1::uuid"
    " ORDER BY r.raised_at DESC, r.id DESC LIMIT 1");

json_t *
enrol_verification(pool_t *p, en_err_t *err, const char *person_id)
{
    const char *params[1] = { person_id };

    return db_query_json(p, err, &verification_stmt, params);
}
