/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * migrate.c -- applying numbered migrations (see migrate.h).
 *
 * The one place that sends SQL text with PQexec: a migration file is many
 * statements of our own DDL, which PQexecParams cannot run.  Nothing from
 * a user ever reaches it.  An advisory lock keeps two `guichet migrate`
 * runs (two hosts deploying at once) from interleaving.
 */
#include "migrate.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define MIGRATE_LOCK_KEY "7210642211"

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

static char *
slurp(const char *path)
{
    FILE  *f = fopen(path, "rb");
    char  *data;
    long   n;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n < 0 || (data = malloc((size_t) n + 1)) == NULL) {
        fclose(f);
        return NULL;
    }
    if (fread(data, 1, (size_t) n, f) != (size_t) n) {
        fclose(f);
        free(data);
        return NULL;
    }
    data[n] = '\0';
    fclose(f);
    return data;
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

static int
applied(PGconn *c, const char *version)
{
    const char *v[1] = { version };
    PGresult   *res = PQexecParams(c, "SELECT 1 FROM schema_migrations WHERE version = $1",
                                   1, NULL, v, NULL, NULL, 0);
    int         yes = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;

    PQclear(res);
    return yes;
}

static int
apply_one(PGconn *c, const char *dir, const char *name)
{
    char        path[1024];
    char       *sql;
    const char *v[1] = { name };
    PGresult   *res;
    int         ok;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if ((sql = slurp(path)) == NULL) {
        fprintf(stderr, "%s: cannot read\n", path);
        return 0;
    }
    if (!exec_ok(c, "BEGIN", path)) {
        free(sql);
        return 0;
    }
    ok = exec_ok(c, sql, path);
    free(sql);
    if (ok) {
        res = PQexecParams(c, "INSERT INTO schema_migrations (version) VALUES ($1)",
                           1, NULL, v, NULL, NULL, 0);
        ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "%s: %s", path, PQresultErrorMessage(res));
        PQclear(res);
    }
    if (ok && exec_ok(c, "COMMIT", path)) {
        printf("applied %s\n", name);
        return 1;
    }
    exec_ok(c, "ROLLBACK", path);
    return 0;
}

int
migrate_run(const cfg_t *cfg)
{
    PGconn         *c = PQconnectdb(cfg->database);
    struct dirent **list;
    int             n, i, rc = 0, count = 0;

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
    n = scandir(cfg->sql_dir, &list, NULL, by_name);
    if (n < 0) {
        fprintf(stderr, "%s: cannot read the migrations folder\n", cfg->sql_dir);
        PQfinish(c);
        return 1;
    }
    for (i = 0; i < n; i++) {
        if (rc == 0 && is_migration(list[i]->d_name) && !applied(c, list[i]->d_name)) {
            if (apply_one(c, cfg->sql_dir, list[i]->d_name))
                count++;
            else
                rc = 1;
        }
        free(list[i]);
    }
    free(list);
    if (rc == 0)
        printf("migrations up to date (%d applied now)\n", count);
    PQfinish(c);
    return rc;
}
