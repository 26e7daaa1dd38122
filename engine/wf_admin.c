/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_admin.c -- the published procedures as the administrators see them
 * (see wf_admin.h): one query over definitions and demand_counts.  Writes
 * nothing; publishing is wf_store.c's, migrating demands wf_migrate.c's.
 */
#include "wf_admin.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"

/* One row per (version, state with demands); a version without demands
 * has one row with an empty state.  The numbers are demand_counts' (kept
 * by the demands' triggers, sql/0008), not a count of demands at each
 * view: that read every demand of the table (13 ms for 40,000).  Whether
 * a state is final is the same for all its demands of a version (wf_apply
 * sets is_final from the state), so one demand of it tells, found by
 * demands_waiting. */
static const char PROCEDURES_SQL[] =
    "SELECT d.workflow_key, d.version, d.sha256,"
    "       to_char(d.published_at AT TIME ZONE 'Europe/Zurich', 'YYYY-MM-DD HH24:MI'),"
    "       coalesce(d.source, ''), coalesce(c.state, ''), coalesce(c.n, 0),"
    "       coalesce(c.final, false)"
    "  FROM definitions d"
    "  LEFT JOIN (SELECT k.workflow_key, k.definition_version, k.state, sum(k.n) AS n,"
    "                    (SELECT m.is_final FROM demands m"
    "                      WHERE m.workflow_key = k.workflow_key"
    "                        AND m.definition_version = k.definition_version"
    "                        AND m.state = k.state LIMIT 1) AS final"
    "               FROM demand_counts k"
    "              WHERE $1::text IS NULL OR k.workflow_key = $1"
    "              GROUP BY k.workflow_key, k.definition_version, k.state"
    "             HAVING sum(k.n) <> 0) c"
    "    ON c.workflow_key = d.workflow_key AND c.definition_version = d.version"
    " WHERE $1::text IS NULL OR d.workflow_key = $1"
    " ORDER BY d.workflow_key, d.version DESC, c.state";

int
wf_admin_procedures(pool_t *p, en_err_t *err, const char *key, wf_admin_proc_t **out,
                    size_t *n)
{
    const char *v[1] = { key };
    PGresult   *res;
    int         rows, i;
    wf_admin_proc_t    *pr = NULL;
    wf_admin_version_t *ve = NULL;

    *out = NULL;
    *n = 0;
    res = db_exec(p, err, PROCEDURES_SQL, 1, v);
    if (res == NULL)
        return err->code;
    rows = PQntuples(res);
    /* at most one procedure and one version per row */
    *out = pool_calloc(p, sizeof(**out) * ((size_t) rows + 1));
    for (i = 0; i < rows; i++) {
        const char *k = db_val(res, i, 0);
        int         version = atoi(db_val(res, i, 1));

        if (pr == NULL || strcmp(pr->key, k) != 0) {
            pr = &(*out)[(*n)++];
            pr->key = pool_strdup(p, k);
            pr->versions = pool_calloc(p, sizeof(*pr->versions) * ((size_t) (rows - i) + 1));
            ve = NULL;
        }
        if (ve == NULL || ve->version != version) {
            ve = &pr->versions[pr->n_versions++];
            ve->version = version;
            ve->sha256 = pool_strdup(p, db_val(res, i, 2));
            ve->published_at = pool_strdup(p, db_val(res, i, 3));
            ve->source = pool_strdup(p, db_val(res, i, 4));
            ve->counts = pool_calloc(p, sizeof(*ve->counts) * ((size_t) (rows - i) + 1));
        }
        if (db_val(res, i, 5)[0] != '\0') {
            wf_admin_count_t *c = &ve->counts[ve->n_counts++];

            c->state = pool_strdup(p, db_val(res, i, 5));
            c->n = atol(db_val(res, i, 6));
            c->final = !strcmp(db_val(res, i, 7), "t");
            ve->total += c->n;
            if (!c->final)
                ve->running += c->n;
        }
    }
    return EN_OK;
}

const wf_admin_version_t *
wf_admin_version(const wf_admin_proc_t *proc, int v)
{
    size_t i;

    for (i = 0; proc != NULL && i < proc->n_versions; i++)
        if (proc->versions[i].version == v)
            return &proc->versions[i];
    return NULL;
}
