/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * db.h -- this process's one PostgreSQL connection.
 *
 * Every statement goes through db_exec (PQexecParams: parameters are never
 * spliced into SQL) or, for what runs on every request, db_exec_prepared:
 * a statement declared once (DB_STMT: name, parameter count, SQL) is
 * prepared on this process's connection the first time it is used and
 * again after every reconnect, so PostgreSQL parses and plans it once per
 * connection instead of once per call.  When the server went away the call fails with
 * EN_UNAVAILABLE and the next call reconnects, so a request during an
 * outage gets a 503 and the worker recovers by itself.
 */
#ifndef GUICHET_DB_H
#define GUICHET_DB_H

#include <libpq-fe.h>

#include "en_err.h"
#include "pool.h"

/* Remembers conninfo and connects (lazily retried later if it fails). */
int      db_init(const char *conninfo, en_err_t *err);
void     db_close(void);
/* The live connection, reconnecting if needed; NULL (and err set to
 * EN_UNAVAILABLE) when the server cannot be reached. */
PGconn  *db_conn(en_err_t *err);

/* Runs sql with n text parameters (NULL entries are SQL NULL).  The
 * result is owned by p.  Returns NULL on failure with err set:
 * EN_UNAVAILABLE (connection), EN_CONFLICT (serialization, unique
 * violation), EN_BADINPUT (check/data errors raised on purpose with
 * SQLSTATE 22xxx/23514 or P0001 from our functions), EN_INTERNAL otherwise;
 * SQLSTATE and server message go to err->detail. */
PGresult *db_exec(pool_t *p, en_err_t *err, const char *sql, int n,
                  const char *const *params);
/* Same with binary-safe parameters (lengths and formats per parameter). */
PGresult *db_exec_bin(pool_t *p, en_err_t *err, const char *sql, int n,
                      const char *const *params, const int *lengths,
                      const int *formats);

/* A statement prepared lazily by name.  Declare it static, once, in the
 * module that owns its tables:
 *     static db_stmt_t load_stmt = DB_STMT("wf_demand_load", 1, "SELECT ...");
 * Names are unique in the process (db.c refuses a second SQL text under a
 * name already prepared on the connection: the call fails EN_INTERNAL). */
typedef struct db_stmt {
    const char *name;
    int         nparams;
    const char *sql;
    unsigned    conn_gen;     /* db.c: the connection it was prepared on */
} db_stmt_t;

#define DB_STMT(name, nparams, sql) { (name), (nparams), (sql), 0 }

/* Runs a declared statement (preparing it first on a new connection);
 * results and errors exactly as db_exec. */
PGresult *db_exec_prepared(pool_t *p, en_err_t *err, db_stmt_t *st,
                           const char *const *params);
PGresult *db_exec_prepared_bin(pool_t *p, en_err_t *err, db_stmt_t *st,
                               const char *const *params, const int *lengths,
                               const int *formats);
/* A statement whose first column of its first row is one JSON value,
 * parsed (json_decref by the pool).  NULL with err set: EN_NOTFOUND when
 * there is no row or the value is SQL NULL, else as db_exec. */
struct json_t;
struct json_t *db_query_json(pool_t *p, en_err_t *err, db_stmt_t *st,
                             const char *const *params);

/* One round trip to the server (SELECT 1): EN_OK or err set. */
int db_ping(pool_t *p, en_err_t *err);

int db_begin(pool_t *p, en_err_t *err);
int db_commit(pool_t *p, en_err_t *err);
void db_rollback(void);          /* best effort; never fails the caller */

/* Cell accessors that never return NULL: "" for SQL NULL. */
const char *db_val(PGresult *res, int row, int col);
int         db_isnull(PGresult *res, int row, int col);

/* Counts of failed statements since start, for /metrics. */
unsigned long db_error_count(void);

#endif
