/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * ops.c -- incidents and the background work's health (see ops.h): the
 * statements of sql/0031_incidents.sql and 0037_letter_incidents.sql.
 */
#include "ops.h"

#include <string.h>

#include "db.h"

static db_stmt_t list_stmt = DB_STMT("ops_incidents", 1, "SELECT incidents_list($1::int)");
static db_stmt_t health_stmt = DB_STMT("ops_health", 0, "SELECT ops_health()");
static db_stmt_t act_stmt = DB_STMT("ops_incident_act", 5,
    "SELECT incident_act($1, $2::bigint, $3, $4::uuid, $5)");

json_t *
ops_incidents(pool_t *p, en_err_t *err)
{
    const char *params[1];

    params[0] = pool_printf(p, "%d", OPS_LIST_MAX);

    return db_query_json(p, err, &list_stmt, params);
}

json_t *
ops_health(pool_t *p, en_err_t *err)
{
    return db_query_json(p, err, &health_stmt, NULL);
}

int
ops_incident_act(pool_t *p, en_err_t *err, const char *kind, const char *id,
                 const char *action, const char *admin, const char *request_id)
{
    const char *params[5] = { kind, id, action, admin, request_id };
    PGresult   *res;

    if ((strcmp(kind, "timer") && strcmp(kind, "mail") && strcmp(kind, "letter"))
        || (strcmp(action, "retry") && strcmp(action, "cancel")))
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such incident action");
    if ((res = db_exec_prepared(p, err, &act_stmt, params)) == NULL)
        return err->code;
    if (strcmp(db_val(res, 0, 0), "t") != 0)
        return en_set(err, EN_NOTFOUND, "ops.gone", "this incident is no longer open");
    return EN_OK;
}
