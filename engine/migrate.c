/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * migrate.c -- applying numbered migrations (see migrate.h).
 *
 * The one place that sends SQL text with PQexec: a migration file is many
 * statements of our own DDL, which PQexecParams cannot run.  Nothing from
 * a user ever reaches it.  An advisory lock keeps two `guichet migrate`
 * runs (two hosts deploying at once) from interleaving.
 *
 * Owns the rule that a migration never changes once applied: each applied
 * file's sha256 (computed by PostgreSQL, as documents' are) is kept in
 * schema_migrations.sha256, and a run that finds an applied file changed
 * refuses before applying anything.  The column arrives with
 * 0006_migration_checksums.sql, applied by this same code, so every query
 * here works whether it exists yet or not: it is read through to_jsonb(),
 * and written only once it is there.  Rows from before it have no sha256:
 * the first run that has the column fills them from the files as they are.
 */
#include "migrate.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "util_file.h"

#define MIGRATE_LOCK_KEY "7210642211"
#define MIGRATE_MAX_FILE (16 * 1024 * 1024)   /* one migration file */

typedef struct {
    const char *name;       /* 0001_base.sql */
    const char *path;
    char       *sql;
    size_t      len;
    const char *sha256;     /* of the file now */
    int         applied;
    const char *recorded;   /* sha256 kept when applied; NULL: none yet */
} migration_t;

static int
is_migration(const char *name)
{
    size_t n = strlen(name);

    return n > 8 && name[0] >= '0' && name[0] <= '9'
           && !strcmp(name + n - 4, ".sql");
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int
exec_ok(PGconn *c, const char *sql, const char *what)
{
    PGresult *res = PQexec(c, sql);
    int       ok = PQresultStatus(res) == PGRES_COMMAND_OK
                   || PQresultStatus(res) == PGRES_TUPLES_OK;

    if (!ok)
        fprintf(stderr, "%s: %s", what, PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

/* Runs a parameterised statement; the result lives in p.  NULL on error,
 * printed as "what: message". */
static PGresult *
query(pool_t *p, PGconn *c, const char *what, const char *sql, int n,
      const char *const *v, const int *lens, const int *formats)
{
    PGresult *res = PQexecParams(c, sql, n, NULL, v, lens, formats, 0);

    pool_on_free(p, (pool_cleanup_fn) PQclear, res);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "%s: %s", what, PQresultErrorMessage(res));
        return NULL;
    }
    return res;
}

static int
has_sha256_column(pool_t *p, PGconn *c)
{
    PGresult *res = query(p, c, "migrate",
                          "SELECT 1 FROM pg_attribute"
                          " WHERE attrelid = 'schema_migrations'::regclass"
                          "   AND attname = 'sha256' AND NOT attisdropped", 0, NULL,
                          NULL, NULL);

    return res != NULL && PQntuples(res) == 1;
}

/* Reads the file and has PostgreSQL hash its bytes. */
static int
load(pool_t *p, PGconn *c, const char *dir, migration_t *m)
{
    en_err_t    err;
    PGresult   *res;
    const char *v[1];
    int         lens[1], formats[1] = { 1 };

    en_clear(&err);
    m->path = pool_printf(p, "%s/%s", dir, m->name);
    if (util_read_file(p, m->path, MIGRATE_MAX_FILE, &m->sql, &m->len, &err) != EN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 0;
    }
    v[0] = m->sql;
    lens[0] = (int) m->len;
    res = query(p, c, m->path, "SELECT encode(sha256($1::bytea), 'hex')", 1, v, lens,
                formats);
    if (res == NULL)
        return 0;
    m->sha256 = pool_strdup(p, PQgetvalue(res, 0, 0));
    return 1;
}

static int
apply_one(pool_t *p, PGconn *c, migration_t *m)
{
    const char *v[2] = { m->name, m->sha256 };
    int         ok;

    if (!exec_ok(c, "BEGIN", m->path))
        return 0;
    ok = exec_ok(c, m->sql, m->path)
         && query(p, c, m->path, "INSERT INTO schema_migrations (version) VALUES ($1)",
                  1, v, NULL, NULL) != NULL;
    /* the file may be the one that adds the column */
    if (ok && has_sha256_column(p, c)) {
        ok = query(p, c, m->path, "UPDATE schema_migrations SET sha256 = $2"
                                  " WHERE version = $1", 2, v, NULL, NULL) != NULL;
        m->recorded = m->sha256;
    }
    if (ok && exec_ok(c, "COMMIT", m->path)) {
        printf("applied %s\n", m->name);
        return 1;
    }
    exec_ok(c, "ROLLBACK", m->path);
    return 0;
}

/* Every migration file in dir, in order, with what schema_migrations
 * says of it.  -1 on error (printed). */
static int
survey(pool_t *p, PGconn *c, const char *dir, migration_t **out)
{
    struct dirent **list;
    migration_t    *ms;
    PGresult       *rec;
    int             n, i, j, count = 0, ok = 1;

    rec = query(p, c, "migrate", "SELECT version, to_jsonb(m)->>'sha256'"
                                 "  FROM schema_migrations m", 0, NULL, NULL, NULL);
    if (rec == NULL)
        return -1;
    if ((n = scandir(dir, &list, NULL, by_name)) < 0) {
        fprintf(stderr, "%s: cannot read the migrations folder\n", dir);
        return -1;
    }
    ms = pool_calloc(p, sizeof(*ms) * (size_t) (n + 1));
    for (i = 0; i < n; i++) {
        if (ok && is_migration(list[i]->d_name)) {
            migration_t *m = &ms[count++];

            m->name = pool_strdup(p, list[i]->d_name);
            for (j = 0; j < PQntuples(rec); j++)
                if (!strcmp(PQgetvalue(rec, j, 0), m->name)) {
                    m->applied = 1;
                    m->recorded = PQgetisnull(rec, j, 1) ? NULL
                                  : pool_strdup(p, PQgetvalue(rec, j, 1));
                }
            ok = load(p, c, dir, m);
        }
        free(list[i]);
    }
    free(list);
    *out = ms;
    return ok ? count : -1;
}

int
migrate_run(const cfg_t *cfg)
{
    PGconn      *c = PQconnectdb(cfg->database);
    pool_t      *p;
    migration_t *ms;
    int          n, i, rc = 0, count = 0, changed = 0;

    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "migrate: cannot connect: %s", PQerrorMessage(c));
        PQfinish(c);
        return 1;
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    if (!exec_ok(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version text PRIMARY KEY,"
                    " applied_at timestamptz NOT NULL DEFAULT now())", "migrate")
        || !exec_ok(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "migrate")) {
        PQfinish(c);
        return 1;
    }
    p = pool_new(0);
    if ((n = survey(p, c, cfg->sql_dir, &ms)) < 0) {
        pool_free(p);
        PQfinish(c);
        return 1;
    }
    /* an applied file that changed: refuse before anything is applied */
    for (i = 0; i < n; i++)
        if (ms[i].applied && ms[i].recorded != NULL
            && strcmp(ms[i].recorded, ms[i].sha256) != 0) {
            fprintf(stderr, "%s: changed since it was applied (sha256 %s, applied as %s);"
                            " an applied migration never changes: restore it and add"
                            " a new one\n", ms[i].path, ms[i].sha256, ms[i].recorded);
            changed++;
        }
    if (changed > 0) {
        fprintf(stderr, "migrate: nothing applied\n");
        pool_free(p);
        PQfinish(c);
        return 1;
    }
    for (i = 0; i < n && rc == 0; i++)
        if (!ms[i].applied) {
            if (apply_one(p, c, &ms[i]))
                count++;
            else
                rc = 1;
        }
    /* rows without a sha256: applied before it was kept (said), or in this
     * run before the file that adds the column (not worth saying) */
    if (rc == 0 && has_sha256_column(p, c))
        for (i = 0; i < n && rc == 0; i++)
            if (ms[i].recorded == NULL) {
                const char *v[2] = { ms[i].name, ms[i].sha256 };

                if (query(p, c, ms[i].path, "UPDATE schema_migrations SET sha256 = $2"
                                            " WHERE version = $1 AND sha256 IS NULL",
                          2, v, NULL, NULL) == NULL)
                    rc = 1;
                else if (ms[i].applied)
                    printf("recorded the sha256 of %s (applied before sha256 was kept)\n",
                           ms[i].name);
            }
    if (rc == 0)
        printf("migrations up to date (%d applied now)\n", count);
    pool_free(p);
    PQfinish(c);
    return rc;
}
