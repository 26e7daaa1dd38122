/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * db.c -- the process's PostgreSQL connection (see db.h).
 *
 * One connection per process, made lazily and remade after the server went
 * away.  Maps SQLSTATEs to the engine's error codes in one place so that
 * handlers can tell a conflict from an outage from a bug.  Prepares the
 * declared statements (db_stmt_t), and the texts run with db_exec, on the
 * connection: each remembers the connection generation it was prepared on,
 * and every reconnect starts a new generation, so they are prepared again
 * when first used after it.
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "log.h"
#include "metrics.h"

static PGconn       *db_pg;
static char         *db_conninfo;
static unsigned long db_errors;
static unsigned      db_gen = 1;     /* bumped at every new connection */

static void
quiet_notice(void *arg, const char *message)
{
    (void) arg;
    (void) message;   /* NOTICEs from migrations are not errors */
}

/*
 * The settings of every engine connection, given to libpq before it
 * connects (no statement of their own):
 * - dates and times read as text are ISO (YYYY-MM-DD...) whatever the
 *   cluster's DateStyle: the queue's rows (queue.c) carry bare dates;
 * - no JIT compilation.  The engine's statements are short, and the
 *   planner's guesses for set-returning functions (100 or 1,000 rows)
 *   push some over jit_above_cost: the queue's printable list spent
 *   313 ms of its 321 compiling expressions for 1,000 rows (bench/README.md).
 *   An operator's own jit= in PGOPTIONS is kept.
 */
static void
db_session_env(void)
{
    const char *o = getenv("PGOPTIONS");
    char        opts[1024];

    setenv("PGDATESTYLE", "ISO", 1);
    if (o != NULL && strstr(o, "jit=") != NULL)
        return;
    if (o == NULL || *o == '\0')
        setenv("PGOPTIONS", "-c jit=off", 1);
    else if ((size_t) snprintf(opts, sizeof(opts), "%s -c jit=off", o) < sizeof(opts))
        setenv("PGOPTIONS", opts, 1);
}

static int
db_connect(en_err_t *err)
{
    if (db_pg != NULL) {
        PQfinish(db_pg);
        db_pg = NULL;
    }
    db_session_env();
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
    db_gen++;
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

/* The failed result res of a statement on c: err set, counted, logged
 * when it is not an expected refusal, the connection dropped when it is
 * gone.  Always NULL. */
static PGresult *
db_fail(PGconn *c, PGresult *res, en_err_t *err)
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

static PGresult *
db_done(PGconn *c, PGresult *res, pool_t *p, en_err_t *err)
{
    ExecStatusType st = PQresultStatus(res);

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        pool_on_free(p, free_result, res);
        return res;
    }
    return db_fail(c, res, err);
}

/* --- statements known by their text ------------------------------------ */

/* A statement run by its text (db_exec) is prepared too, the first time the
 * process runs that text on its connection, under a name of its own: so
 * PostgreSQL parses and plans it once per connection, as a DB_STMT, not at
 * every call (measured with bench/: 0.2-0.6 ms of planning per call on the
 * account, context and notifications pages).  At most DB_AUTO_MAX texts a
 * process; beyond, and for what is not a query (BEGIN, COMMIT, SET...),
 * the text is sent as it is. */
#define DB_AUTO_MAX 256

typedef struct {
    db_stmt_t     st;           /* prepared as a declared one: name, a copy of the text */
    unsigned long hash;
    char          name[24];
} db_auto_t;

static db_auto_t db_autos[DB_AUTO_MAX];
static int       db_nautos;

static unsigned long
text_hash(const char *s)
{
    unsigned long h = 5381;

    while (*s)
        h = h * 33 + (unsigned char) *s++;
    return h;
}

static int
is_query(const char *sql)
{
    static const char *const verbs[] = { "SELECT", "WITH", "INSERT", "UPDATE", "DELETE",
                                         NULL };
    int i;

    while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
        sql++;
    for (i = 0; verbs[i] != NULL; i++)
        if (!strncasecmp(sql, verbs[i], strlen(verbs[i])))
            return 1;
    return 0;
}

static db_auto_t *
auto_of(const char *sql, int n)
{
    unsigned long h = text_hash(sql);
    db_auto_t    *a;
    int           i;

    for (i = 0; i < db_nautos; i++)
        if (db_autos[i].hash == h && db_autos[i].st.nparams == n
            && !strcmp(db_autos[i].st.sql, sql))
            return &db_autos[i];
    if (db_nautos == DB_AUTO_MAX || !is_query(sql))
        return NULL;
    a = &db_autos[db_nautos];
    if ((a->st.sql = strdup(sql)) == NULL)
        return NULL;
    a->hash = h;
    snprintf(a->name, sizeof(a->name), "db_auto_%d", db_nautos);
    a->st.name = a->name;
    a->st.nparams = n;
    a->st.conn_gen = 0;
    db_nautos++;
    return a;
}

PGresult *
db_exec_bin(pool_t *p, en_err_t *err, const char *sql, int n,
            const char *const *params, const int *lengths, const int *formats)
{
    db_auto_t *a = auto_of(sql, n);
    PGconn    *c;

    if (a != NULL)
        return db_exec_prepared_bin(p, err, &a->st, params, lengths, formats);
    if ((c = db_conn(err)) == NULL)
        return NULL;
    return db_done(c, PQexecParams(c, sql, n, NULL, params, lengths, formats, 0), p, err);
}

PGresult *
db_exec_prepared_bin(pool_t *p, en_err_t *err, db_stmt_t *st,
                     const char *const *params, const int *lengths, const int *formats)
{
    PGconn *c = db_conn(err);

    if (c == NULL)
        return NULL;
    if (st->conn_gen != db_gen) {
        PGresult *res = PQprepare(c, st->name, st->sql, st->nparams, NULL);

        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            return db_fail(c, res, err);
        PQclear(res);
        st->conn_gen = db_gen;
    }
    return db_done(c, PQexecPrepared(c, st->name, st->nparams, params, lengths, formats, 0),
                   p, err);
}

PGresult *
db_exec_prepared(pool_t *p, en_err_t *err, db_stmt_t *st, const char *const *params)
{
    return db_exec_prepared_bin(p, err, st, params, NULL, NULL);
}

static void
free_json(void *j)
{
    json_decref(j);
}

json_t *
db_query_json(pool_t *p, en_err_t *err, db_stmt_t *st, const char *const *params)
{
    PGresult    *res = db_exec_prepared(p, err, st, params);
    json_t      *j;
    json_error_t je;

    if (res == NULL)
        return NULL;
    if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
        en_set(err, EN_NOTFOUND, "err.notfound", "nothing found");
        return NULL;
    }
    j = json_loads(PQgetvalue(res, 0, 0), JSON_DECODE_ANY, &je);
    if (j == NULL) {
        en_set(err, EN_INTERNAL, "err.internal", "query answer is not JSON");
        en_detail(err, "%s: line %d: %s", st->name, je.line, je.text);
        return NULL;
    }
    pool_on_free(p, free_json, j);
    return j;
}

PGresult *
db_exec(pool_t *p, en_err_t *err, const char *sql, int n,
        const char *const *params)
{
    return db_exec_bin(p, err, sql, n, params, NULL, NULL);
}

static db_stmt_t ping_stmt = DB_STMT("db_ping", 0, "SELECT 1");

int
db_ping(pool_t *p, en_err_t *err)
{
    return db_exec_prepared(p, err, &ping_stmt, NULL) ? EN_OK : err->code;
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
