/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * db.h -- this process's one PostgreSQL connection.
 *
 * Every statement goes through db_exec (PQexecParams: parameters are never
 * spliced into SQL).  When the server went away the call fails with
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

int db_begin(pool_t *p, en_err_t *err);
int db_commit(pool_t *p, en_err_t *err);
void db_rollback(void);          /* best effort; never fails the caller */

/* Cell accessors that never return NULL: "" for SQL NULL. */
const char *db_val(PGresult *res, int row, int col);
int         db_isnull(PGresult *res, int row, int col);

/* Counts of failed statements since start, for /metrics. */
unsigned long db_error_count(void);

#endif
