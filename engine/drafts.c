/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * drafts.c -- reading drafts and the list of procedures published: the
 * open drafts of a procedure for the person's context (the "resume or
 * start anew" choice), a draft's purge date (its pending purge timer),
 * and the keys of the procedures one may look for in the catalogue.
 *
 * It owns these read-only queries; it changes nothing.  Creating,
 * saving and purging a draft are the workflow runtime's (wf_demand.c,
 * wf_fire.c, scheduler.c); whether a procedure may be started is
 * wf_may_start's alone.
 */
#include "drafts.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"

#define DRAFTS_MAX "20"

int
drafts_open(pool_t *p, en_err_t *err, const principal_t *who, const char *key,
            drafts_row_t **out, size_t *n)
{
    const char *params[4];
    PGresult   *res;
    int         i, rows;

    *out = NULL;
    *n = 0;
    if (who == NULL || who->kind != PRINCIPAL_PERSON)
        return EN_OK;
    params[0] = who->person_id;
    params[1] = who->space_id;
    params[2] = key;
    params[3] = DRAFTS_MAX;
    res = db_exec(p, err,
                  "SELECT d.id, d.reference,"
                  "       to_char(d.updated_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI'),"
                  "       (SELECT to_char(min(t.due_at) AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY')"
                  "          FROM timers t WHERE t.demand_id = d.id AND t.status = 'pending'"
                  "           AND t.action = 'purge')"
                  "  FROM demands d"
                  " WHERE d.owner_person_id = $1::uuid"
                  "   AND d.owner_space_id IS NOT DISTINCT FROM $2::uuid"
                  "   AND d.workflow_key = $3 AND d.bucket = 'draft' AND NOT d.is_final"
                  "   AND (authz_may($1::uuid, $2::uuid, 'view-demand', d.id::text, NULL)).verdict"
                  "       = 'allow'"
                  " ORDER BY d.updated_at DESC LIMIT $4::int",
                  4, params);
    if (res == NULL)
        return err->code;
    rows = PQntuples(res);
    *out = pool_calloc(p, sizeof(**out) * (size_t) (rows + 1));
    for (i = 0; i < rows; i++) {
        (*out)[i].id = pool_strdup(p, db_val(res, i, 0));
        (*out)[i].reference = pool_strdup(p, db_val(res, i, 1));
        (*out)[i].updated = pool_strdup(p, db_val(res, i, 2));
        (*out)[i].expires = db_isnull(res, i, 3) ? NULL : pool_strdup(p, db_val(res, i, 3));
    }
    *n = (size_t) rows;
    return EN_OK;
}

int
drafts_expiry(pool_t *p, en_err_t *err, const char *demand_id, const char **out)
{
    const char *params[1] = { demand_id };
    PGresult   *res;

    *out = NULL;
    res = db_exec(p, err,
                  "SELECT to_char(min(due_at) AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY')"
                  "  FROM timers WHERE demand_id = $1::uuid AND status = 'pending'"
                  "   AND action = 'purge'",
                  1, params);
    if (res == NULL)
        return err->code;
    if (PQntuples(res) == 1 && !db_isnull(res, 0, 0))
        *out = pool_strdup(p, db_val(res, 0, 0));
    return EN_OK;
}

int
drafts_published_keys(pool_t *p, en_err_t *err, const char ***keys, size_t *n)
{
    PGresult *res;
    int       i, rows;

    res = db_exec(p, err, "SELECT DISTINCT workflow_key FROM definitions ORDER BY 1", 0, NULL);
    if (res == NULL)
        return err->code;
    rows = PQntuples(res);
    *keys = pool_calloc(p, sizeof(**keys) * (size_t) (rows + 1));
    for (i = 0; i < rows; i++)
        (*keys)[i] = pool_strdup(p, db_val(res, i, 0));
    *n = (size_t) rows;
    return EN_OK;
}
