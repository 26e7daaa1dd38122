/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * queue.c -- the agents' queue of a group: which states wait for it (read
 * from the definitions), the query as a JSON document, and the statements
 * on demand_search / demands.assigned_to (sql/0029_queue.sql).
 *
 * The SQL of the list itself is assembled by queue_sql() in PostgreSQL
 * from fixed fragments, every value read from the JSON parameter, so each
 * query is planned for its own filters.  Not here: the pages and the
 * exports' formats (h_queue.c, h_queue_export.c), firing transitions
 * (wf_fire.c).
 */
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "authz.h"
#include "db.h"
#include "log.h"
#include "pool_json.h"
#include "queue.h"
#include "wf_def.h"
#include "wf_store.h"

const char *const queue_sorts[] = {
    "since", "reference", "procedure", "state", "applicant", "submitted", "deadline",
    "assignee", "amount", NULL
};

/* --- the states waiting for a group --------------------------------------------------- */

/* Whether some transition of def names agent:group. */
static int
names_group(const wf_def_t *def, const char *group)
{
    size_t i, k;

    for (i = 0; i < def->n_transitions; i++)
        for (k = 0; k < def->transitions[i].n_by; k++)
            if (def->transitions[i].by[k].kind == WF_BY_AGENT
                && def->transitions[i].by[k].group != NULL
                && !strcmp(def->transitions[i].by[k].group, group))
                return 1;
    return 0;
}

static int
waits_for(const wf_transition_t *t, const char *group, int named)
{
    size_t k;

    for (k = 0; k < t->n_by; k++) {
        if (t->by[k].kind != WF_BY_AGENT)
            continue;
        if (t->by[k].group == NULL ? named : !strcmp(t->by[k].group, group))
            return 1;
    }
    return 0;
}

json_t *
queue_states(pool_t *p, json_t *defs, const char *group, int open)
{
    json_t *out = pool_json(p, json_array()), *kv;
    size_t  i, s, t;

    json_array_foreach(defs, i, kv) {
        const char     *key = json_string_value(json_array_get(kv, 0));
        int             ver = (int) json_integer_value(json_array_get(kv, 1));
        const wf_def_t *def;
        en_err_t        err;
        int             named;

        en_clear(&err);
        if (key == NULL || (def = wf_store_get(&err, key, ver)) == NULL) {
            log_event(LOG_WARN, "definition does not load for a queue", "workflow",
                      key ? key : "", "error", err.msg, NULL);
            continue;
        }
        named = names_group(def, group);
        for (s = 0; s < def->n_states; s++) {
            const wf_state_t *st = &def->states[s];

            if (st->final)
                continue;
            if (open && named && st->bucket != WF_BUCKET_DRAFT) {
                /* followed: every open state of a procedure the group works */
                json_array_append_new(out, json_pack("[ssis]", group, key, ver, st->id));
                continue;
            }
            for (t = 0; t < st->n_out; t++)
                if (waits_for(st->out[t], group, named)) {
                    json_array_append_new(out, json_pack("[ssis]", group, key, ver, st->id));
                    break;
                }
        }
    }
    return out;
}

/* --- the query ------------------------------------------------------------------------ */

/* The money field shown as a procedure's amount (queue.h). */
static const char *
amount_field(const wf_def_t *def)
{
    const char *first = NULL;
    size_t      f, g, k;

    for (f = 0; f < def->n_forms; f++)
        for (g = 0; g < def->forms[f].n_pages; g++)
            for (k = 0; k < def->forms[f].pages[g].n_fields; k++) {
                const wf_field_t *fl = &def->forms[f].pages[g].fields[k];

                if (fl->type_name == NULL || strcmp(fl->type_name, "money") != 0)
                    continue;
                if (!strncmp(fl->name, "amount", 6))
                    return fl->name;
                if (first == NULL)
                    first = fl->name;
            }
    return first;
}

static void
set_str(json_t *o, const char *k, const char *v)
{
    if (v != NULL && *v)
        json_object_set_new(o, k, json_string(v));
}

const char *
queue_query_json(pool_t *p, const queue_query_t *q, json_t *states)
{
    json_t     *o = pool_json(p, json_object()), *st, *amount = json_object();
    size_t      i;
    const char *s;

    json_array_foreach(states, i, st) {
        const char     *key = json_string_value(json_array_get(st, 1));
        const wf_def_t *def;
        en_err_t        err;
        int             ver;

        en_clear(&err);
        if (key == NULL || json_object_get(amount, key) != NULL)
            continue;
        def = wf_store_current(&err, key, &ver);
        if (def != NULL && (s = amount_field(def)) != NULL)
            json_object_set_new(amount, key, json_string(s));
    }
    json_object_set(o, "states", states);
    json_object_set_new(o, "amount", amount);
    set_str(o, "key", q->key);
    set_str(o, "state", q->state);
    set_str(o, "assigned", q->assigned);
    set_str(o, "from", q->from);
    set_str(o, "to", q->to);
    set_str(o, "due", q->due);
    set_str(o, "text", q->text);
    set_str(o, "sort", q->sort);
    set_str(o, "after", q->after);
    if (q->desc)
        json_object_set_new(o, "dir", json_string("desc"));
    if (q->limit > 0)
        json_object_set_new(o, "limit", json_integer(q->limit));
    s = pool_json_dumps(p, o, JSON_COMPACT);
    return s != NULL ? s : "{}";
}

/* --- the page --------------------------------------------------------------------------- */

/* One row of queue_rows (alias x) as the pages and exports read it (hq_row),
 * the columns in queue_col_t's order (queue_page_rows, sql/0053, gives the
 * page's the same way).  Dates are the day in Zurich as a
 * date ("YYYY-MM-DD": db.c asks for ISO dates); hq_row writes them the Swiss
 * way: no to_char per date per row. */
#define ROW_COLS(x)                                                                          \
    x ".id, " x ".reference, " x ".workflow_key, " x ".definition_version, " x ".state,"     \
    " " x ".version, (" x ".state_since AT TIME ZONE 'Europe/Zurich')::date,"               \
    " (" x ".submitted_at AT TIME ZONE 'Europe/Zurich')::date,"                              \
    " " x ".applicant, " x ".applicant_kind, " x ".assigned_to, " x ".assignee,"             \
    " (" x ".due_at AT TIME ZONE 'Europe/Zurich')::date, " x ".due_at < now(),"              \
    " " x ".timer, " x ".timer_transition, " x ".timer_action, " x ".amount"

const char *
queue_val(const queue_row_t *row, queue_col_t c, const char *dflt)
{
    if (row == NULL || PQgetisnull(row->res, row->i, row->col0 + (int) c))
        return dflt;
    return PQgetvalue(row->res, row->i, row->col0 + (int) c);
}

/* The page's statement (sql/0053_queue_page_kept.sql, queue_page_rows:
 * PL/pgSQL, so that it is planned once per connection, not at every view):
 * the counts and the total (queue_counts_total, sql/0043: added up once)
 * and the group's agents as one JSON document in the first column of the
 * first row, then the rows, each a row of the result from column PAGE_COL0
 * on, as ROW_COLS gives them (none: one row, the document and NULLs). */
#define PAGE_COL0 1
static db_stmt_t page_stmt = DB_STMT("queue_page", 2,
    "SELECT * FROM queue_page_rows($1::jsonb, $2, false)");
/* the plain page (queue_plain): queue_heads, whose plans are made once
 * for the connection (sql/0038_queue_heads.sql) */
static db_stmt_t heads_stmt = DB_STMT("queue_page_heads", 2,
    "SELECT * FROM queue_page_rows($1::jsonb, $2, true)");

static int
queue_plain(const queue_query_t *q)
{
    return q->assigned == NULL && q->from == NULL && q->to == NULL && q->due == NULL
        && q->text == NULL && (q->sort == NULL || !strcmp(q->sort, "since"))
        && q->limit == QUEUE_PAGE + 1;
}

json_t *
queue_page(pool_t *p, en_err_t *err, const queue_query_t *q, const char *query,
           const char *group, queue_row_t **rows, int *nrows)
{
    const char  *v[2] = { query, group };
    PGresult    *res = db_exec_prepared(p, err, queue_plain(q) ? &heads_stmt : &page_stmt, v);
    json_t      *page;
    json_error_t je;
    int          i, n;

    *rows = NULL;
    *nrows = 0;
    if (res == NULL)
        return NULL;
    if (PQntuples(res) < 1 || PQnfields(res) != PAGE_COL0 + QR__COUNT
        || PQgetisnull(res, 0, 0)) {
        en_set(err, EN_INTERNAL, "err.internal", "queue page: no answer");
        return NULL;
    }
    if ((page = json_loads(PQgetvalue(res, 0, 0), 0, &je)) == NULL) {
        en_set(err, EN_INTERNAL, "err.internal", "queue page: %s", je.text);
        return NULL;
    }
    pool_json(p, page);
    n = PQgetisnull(res, 0, PAGE_COL0 + QR_ID) ? 0 : PQntuples(res);
    *rows = pool_calloc(p, sizeof(**rows) * ((size_t) n + 1));
    for (i = 0; i < n; i++) {
        (*rows)[i].res = res;
        (*rows)[i].i = i;
        (*rows)[i].col0 = PAGE_COL0;
    }
    *nrows = n;
    return page;
}

static db_stmt_t ids_stmt = DB_STMT("queue_ids", 1,
    "SELECT coalesce(json_agg(json_build_array(id, reference)), '[]')::text"
    "  FROM queue_ids($1::jsonb)");

json_t *
queue_ids(pool_t *p, en_err_t *err, const char *query)
{
    const char *v[1] = { query };

    return db_query_json(p, err, &ids_stmt, v);
}

/* --- the export's rows, one at a time ------------------------------------------------- */

int
queue_each(pool_t *p, en_err_t *err, const char *query, queue_row_fn fn, void *ctx)
{
    PGconn     *c = db_conn(err);
    PGresult   *res;
    const char *v[1] = { query };
    int         stop = 0, rc = EN_OK;

    (void) p;
    if (c == NULL)
        return err->code;
    if (!PQsendQueryParams(c, "SELECT " ROW_COLS("x") " FROM queue_rows($1::jsonb) x",
                           1, NULL, v, NULL, NULL, 0))
        return en_set(err, EN_UNAVAILABLE, "err.unavailable", "%s", PQerrorMessage(c));
    if (!PQsetSingleRowMode(c))
        log_event(LOG_WARN, "single-row mode refused: the export is read whole", NULL);
    while ((res = PQgetResult(c)) != NULL) {
        ExecStatusType st = PQresultStatus(res);
        int            i;

        if (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK) {
            for (i = 0; i < PQntuples(res) && !stop && rc == EN_OK; i++) {
                queue_row_t row = { res, i, 0 };

                stop = fn(ctx, &row);
            }
        } else if (rc == EN_OK) {
            rc = en_set(err, EN_INTERNAL, "err.internal", "queue export: %s",
                        PQresultErrorMessage(res));
        }
        PQclear(res);
    }
    return rc;
}

/* --- assignment ------------------------------------------------------------------------- */

static db_stmt_t assign_stmt = DB_STMT("queue_assign", 5,
    "SELECT queue_assign($1::uuid, $2::int, $3::uuid, $4::uuid, $5)::text");

int
queue_assign(pool_t *p, en_err_t *err, const principal_t *who, const char *demand_id,
             int version, const char *assignee, int *changed)
{
    char        ver[16];
    const char *v[5];
    const char *status;
    json_t     *j;
    int         rc;

    *changed = 0;
    if ((rc = authz_check(p, err, who, AZ_ASSIGN_DEMAND, demand_id, assignee)) != EN_OK)
        return rc;
    snprintf(ver, sizeof(ver), "%d", version);
    v[0] = demand_id;
    v[1] = ver;
    v[2] = assignee;
    v[3] = who->person_id;
    v[4] = who->request_id;
    if ((j = db_query_json(p, err, &assign_stmt, v)) == NULL)
        return err->code;
    status = json_string_value(json_object_get(j, "status"));
    if (status != NULL && !strcmp(status, "ok")) {
        *changed = 1;
        return EN_OK;
    }
    if (status != NULL && !strcmp(status, "unchanged"))
        return EN_OK;
    if (status != NULL && !strcmp(status, "notfound"))
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such demand");
    return en_set(err, EN_CONFLICT, "queue.conflict", "the demand changed meanwhile");
}
