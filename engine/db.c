/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * db.c -- the process's PostgreSQL connection (see db.h).
 *
 * One connection per process, made lazily and remade after the server went
 * away.  Maps SQLSTATEs to the engine's error codes in one place so that
 * handlers can tell a conflict from an outage from a bug.
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"

static PGconn       *db_pg;
static char         *db_conninfo;
static unsigned long db_errors;

static void
quiet_notice(void *arg, const char *message)
{
    (void) arg;
    (void) message;   /* NOTICEs from migrations are not errors */
}

static int
db_connect(en_err_t *err)
{
    if (db_pg != NULL) {
        PQfinish(db_pg);
        db_pg = NULL;
    }
    db_pg = PQconnectdb(db_conninfo);
    if (PQstatus(db_pg) != CONNECTION_OK) {
        en_set(err, EN_UNAVAILABLE, "err.unavailable",
               "the database is not reachable");
        en_detail(err, "%s", PQerrorMessage(db_pg));
        PQfinish(db_pg);
        db_pg = NULL;
        db_errors++;
        metrics_db_error();
        return EN_UNAVAILABLE;
    }
    PQsetNoticeProcessor(db_pg, quiet_notice, NULL);
    return EN_OK;
}

int
db_init(const char *conninfo, en_err_t *err)
{
    free(db_conninfo);
    /* a short connect timeout: a request must not hang on an outage */
    if (strstr(conninfo, "connect_timeout") == NULL) {
        size_t n = strlen(conninfo) + 32;

        db_conninfo = malloc(n);
        if (db_conninfo == NULL)
            return en_set(err, EN_INTERNAL, "err.internal", "out of memory");
        snprintf(db_conninfo, n, "%s connect_timeout=3", conninfo);
    } else {
        db_conninfo = strdup(conninfo);
    }
    return db_connect(err);
}

void
db_close(void)
{
    if (db_pg != NULL)
        PQfinish(db_pg);
    db_pg = NULL;
}

PGconn *
db_conn(en_err_t *err)
{
    if (db_pg != NULL && PQstatus(db_pg) == CONNECTION_OK)
        return db_pg;
    if (db_conninfo == NULL) {
        en_set(err, EN_INTERNAL, "err.internal", "database not configured");
        return NULL;
    }
    return db_connect(err) == EN_OK ? db_pg : NULL;
}

static int
sqlstate_code(const char *st)
{
    if (st == NULL)
        return EN_UNAVAILABLE;
    if (!strcmp(st, "40001") || !strcmp(st, "40P01") || !strcmp(st, "23505"))
        return EN_CONFLICT;
    if (!strncmp(st, "22", 2) || !strcmp(st, "23514") || !strcmp(st, "23503")
        || !strcmp(st, "P0001"))
        return EN_BADINPUT;
    if (!strncmp(st, "08", 2) || !strcmp(st, "57P01") || !strcmp(st, "57P02")
        || !strcmp(st, "57P03"))
        return EN_UNAVAILABLE;
    if (!strcmp(st, "P0002"))
        return EN_NOTFOUND;
    if (!strcmp(st, "42501"))
        return EN_FORBIDDEN;
    return EN_INTERNAL;
}

static void
free_result(void *res)
{
    PQclear(res);
}

PGresult *
db_exec_bin(pool_t *p, en_err_t *err, const char *sql, int n,
            const char *const *params, const int *lengths, const int *formats)
{
    PGconn        *c = db_conn(err);
    PGresult      *res;
    ExecStatusType st;

    if (c == NULL)
        return NULL;
    res = PQexecParams(c, sql, n, NULL, params, lengths, formats, 0);
    st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        pool_on_free(p, free_result, res);
        return res;
    }
    {
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
        int         code = sqlstate_code(state);

        if (PQstatus(c) != CONNECTION_OK)
            code = EN_UNAVAILABLE;
        en_set(err, code, code == EN_UNAVAILABLE ? "err.unavailable"
                          : code == EN_CONFLICT ? "err.conflict" : "err.db",
               "%s", code == EN_UNAVAILABLE ? "the database is not reachable"
                     : (code == EN_BADINPUT || code == EN_NOTFOUND || code == EN_FORBIDDEN)
                        && msg ? msg : "database error");
        en_detail(err, "SQLSTATE %s: %s", state ? state : "-",
                  msg ? msg : PQerrorMessage(c));
        if (code != EN_BADINPUT && code != EN_CONFLICT && code != EN_NOTFOUND
            && code != EN_FORBIDDEN) {
            db_errors++;
            metrics_db_error();
            log_event(LOG_ERROR, "database error", "sqlstate", state ? state : "-",
                      "error", msg ? msg : PQerrorMessage(c), NULL);
        }
        PQclear(res);
        if (code == EN_UNAVAILABLE) {
            PQfinish(db_pg);
            db_pg = NULL;
        }
        return NULL;
    }
}

PGresult *
db_exec(pool_t *p, en_err_t *err, const char *sql, int n,
        const char *const *params)
{
    return db_exec_bin(p, err, sql, n, params, NULL, NULL);
}

int
db_begin(pool_t *p, en_err_t *err)
{
    return db_exec(p, err, "BEGIN", 0, NULL) ? EN_OK : err->code;
}

int
db_commit(pool_t *p, en_err_t *err)
{
    return db_exec(p, err, "COMMIT", 0, NULL) ? EN_OK : err->code;
}

void
db_rollback(void)
{
    if (db_pg != NULL && PQstatus(db_pg) == CONNECTION_OK
        && PQtransactionStatus(db_pg) != PQTRANS_IDLE)
        PQclear(PQexec(db_pg, "ROLLBACK"));
}

const char *
db_val(PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col);
}

int
db_isnull(PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col);
}

unsigned long
db_error_count(void)
{
    return db_errors;
}
