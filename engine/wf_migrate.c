/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_migrate.c -- the checked migration of running demands to another
 * version of their procedure (see wf_migrate.h).  Owns the SQL that reads
 * the demands to move and the calls of wf_migrate_demand() (sql/0019);
 * does not publish (wf_store.c) nor fire transitions (wf_fire.c).
 */
#include "wf_migrate.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "pool_json.h"
#include "wf_fire.h"
#include "wf_input.h"
#include "wf_store.h"

static const char *
mapped_to(const char *from, const char *const *map_from, const char *const *map_to,
          size_t n_map)
{
    size_t i;

    for (i = 0; i < n_map; i++)
        if (map_from[i] != NULL && !strcmp(map_from[i], from))
            return map_to[i] != NULL && map_to[i][0] != '\0' ? map_to[i] : NULL;
    return NULL;
}

/* The refusal of one row, or NULL. */
static const char *
row_error(const wf_mig_plan_t *plan, const wf_mig_row_t *row)
{
    const wf_state_t *src, *dst;

    if (row->to == NULL)
        return "admin.mig.unmapped";
    dst = wf_state_find(plan->new_def, row->to);
    if (dst == NULL)
        return "admin.mig.unknown_state";
    if (dst->final)
        return "admin.mig.final";
    src = wf_state_find(plan->old_def, row->from);
    if (src != NULL && (src->bucket == WF_BUCKET_DRAFT) != (dst->bucket == WF_BUCKET_DRAFT))
        return src->bucket == WF_BUCKET_DRAFT ? "admin.mig.draft_out"
                                              : "admin.mig.back_to_draft";
    return NULL;
}

int
wf_migrate_check(pool_t *p, en_err_t *err, const char *key, int from_version,
                 int to_version, const char *const *map_from, const char *const *map_to,
                 size_t n_map, wf_mig_plan_t *plan)
{
    char        fv[16];
    const char *v[2];
    PGresult   *res;
    en_err_t    e2;
    size_t      i;
    int         k;

    memset(plan, 0, sizeof(*plan));
    plan->key = key;
    plan->from_version = from_version;
    plan->to_version = to_version;
    en_clear(&e2);
    plan->old_def = wf_store_get(&e2, key, from_version);
    if (plan->old_def == NULL && e2.code == EN_UNAVAILABLE)
        return en_set(err, EN_UNAVAILABLE, e2.key, "%s", e2.msg);
    en_clear(&e2);
    plan->new_def = wf_store_get(&e2, key, to_version);
    if (plan->new_def == NULL && e2.code == EN_UNAVAILABLE)
        return en_set(err, EN_UNAVAILABLE, e2.key, "%s", e2.msg);
    if (plan->old_def == NULL || plan->new_def == NULL) {
        plan->error = "admin.mig.no_version";
        plan->error_arg = pool_printf(p, "%d", plan->old_def == NULL ? from_version
                                                                     : to_version);
        plan->errors = 1;
        return EN_OK;
    }
    if (from_version == to_version) {
        plan->error = "admin.mig.same_version";
        plan->errors = 1;
        return EN_OK;
    }
    snprintf(fv, sizeof(fv), "%d", from_version);
    v[0] = key;
    v[1] = fv;
    res = db_exec(p, err, "SELECT state, count(*) FROM demands"
                          " WHERE workflow_key = $1 AND definition_version = $2::int"
                          "   AND NOT is_final GROUP BY state ORDER BY state", 2, v);
    if (res == NULL)
        return err->code;
    plan->n_rows = (size_t) PQntuples(res);
    plan->rows = pool_calloc(p, sizeof(*plan->rows) * (plan->n_rows + 1));
    for (k = 0; k < PQntuples(res); k++) {
        wf_mig_row_t *row = &plan->rows[k];

        row->from = pool_strdup(p, db_val(res, k, 0));
        row->n = atol(db_val(res, k, 1));
        row->to = mapped_to(row->from, map_from, map_to, n_map);
        row->error = row_error(plan, row);
        plan->errors += row->error != NULL;
    }
    /* a mapping for a state the old version does not have is a typo */
    for (i = 0; i < n_map; i++)
        if (map_from[i] != NULL && wf_state_find(plan->old_def, map_from[i]) == NULL) {
            plan->error = "admin.mig.not_old_state";
            plan->error_arg = map_from[i];
            plan->errors++;
            break;
        }
    return EN_OK;
}

static const wf_mig_row_t *
plan_row(const wf_mig_plan_t *plan, const char *from)
{
    size_t i;

    for (i = 0; i < plan->n_rows; i++)
        if (!strcmp(plan->rows[i].from, from))
            return &plan->rows[i];
    return NULL;
}

/* The change document wf_migrate_demand() takes; NULL when it cannot be
 * built whole. */
static const char *
change_json(pool_t *p, const principal_t *who, const wf_mig_plan_t *plan,
            const char *id, const char *version, const wf_mig_row_t *row)
{
    const wf_state_t *dst = wf_state_find(plan->new_def, row->to);
    json_t           *c = pool_json(p, json_object()), *actor = json_object();
    json_t           *timers;
    json_error_t      je;
    int               bad = 0;

    if (dst == NULL)
        return NULL;
    timers = json_loads(wf_timers_json(p, dst, time(NULL)), 0, &je);
    bad |= wf_json_set(actor, "kind", json_string(who->kind == PRINCIPAL_PERSON
                                                  ? "person" : "system"));
    if (who->kind == PRINCIPAL_PERSON)
        bad |= wf_json_set(actor, "person", json_string(who->person_id));
    bad |= wf_json_set(c, "actor", actor);
    bad |= wf_json_set(c, "demand", json_string(id));
    bad |= wf_json_set(c, "version", json_integer(atoi(version)));
    bad |= wf_json_set(c, "workflow", json_string(plan->key));
    bad |= wf_json_set(c, "from_version", json_integer(plan->from_version));
    bad |= wf_json_set(c, "to_version", json_integer(plan->to_version));
    bad |= wf_json_set(c, "from", json_string(row->from));
    bad |= wf_json_set(c, "to", json_string(dst->id));
    bad |= wf_json_set(c, "bucket", json_string(wf_bucket_name(dst->bucket)));
    bad |= wf_json_set(c, "progress", json_integer(dst->progress));
    bad |= wf_json_set(c, "final", json_boolean(dst->final));
    bad |= wf_json_set(c, "timers", timers);
    if (who->request_id != NULL)
        bad |= wf_json_set(c, "request_id", json_string(who->request_id));
    return bad ? NULL : pool_json_dumps(p, c, JSON_COMPACT);
}

int
wf_migrate_run(pool_t *p, en_err_t *err, const principal_t *who, const wf_mig_plan_t *plan,
               wf_mig_result_t **results, size_t *n)
{
    char        fv[16];
    const char *v[2];
    PGresult   *res;
    int         k, rows;

    *results = NULL;
    *n = 0;
    if (plan->errors > 0 || plan->old_def == NULL || plan->new_def == NULL)
        return en_set(err, EN_BADINPUT, "admin.mig.refused", "the plan has errors");
    snprintf(fv, sizeof(fv), "%d", plan->from_version);
    v[0] = plan->key;
    v[1] = fv;
    res = db_exec(p, err, "SELECT id, version, state, reference FROM demands"
                          " WHERE workflow_key = $1 AND definition_version = $2::int"
                          "   AND NOT is_final ORDER BY created_at, id", 2, v);
    if (res == NULL)
        return err->code;
    rows = PQntuples(res);
    *results = pool_calloc(p, sizeof(**results) * ((size_t) rows + 1));
    for (k = 0; k < rows; k++) {
        wf_mig_result_t    *out = &(*results)[(*n)++];
        const wf_mig_row_t *row = plan_row(plan, db_val(res, k, 2));
        const char         *c, *cv[1];
        PGresult           *r2;
        en_err_t            e2;
        json_t             *j;
        json_error_t        je;

        out->demand_id = pool_strdup(p, db_val(res, k, 0));
        out->reference = pool_strdup(p, db_val(res, k, 3));
        out->from = pool_strdup(p, db_val(res, k, 2));
        out->status = "conflict";
        if (row == NULL)                /* arrived in a state the plan did not see */
            continue;
        out->to = row->to;
        c = change_json(p, who, plan, out->demand_id, db_val(res, k, 1), row);
        if (c == NULL) {
            out->status = "error";
            continue;
        }
        cv[0] = c;
        en_clear(&e2);
        r2 = db_exec(p, &e2, "SELECT wf_migrate_demand($1::jsonb)", 1, cv);
        if (r2 == NULL) {
            if (e2.code == EN_UNAVAILABLE)
                return en_set(err, EN_UNAVAILABLE, e2.key, "%s", e2.msg);
            out->status = "error";
            continue;
        }
        j = pool_json(p, json_loads(db_val(r2, 0, 0), 0, &je));
        if (j != NULL && json_is_string(json_object_get(j, "status"))
            && !strcmp(json_string_value(json_object_get(j, "status")), "ok"))
            out->status = "ok";
    }
    return EN_OK;
}
