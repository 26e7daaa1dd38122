/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cmd_backup.c -- `guichet backup DIR` and `guichet restore [--clean] DIR`.
 *
 * A backup is a folder (mode 0700: it holds secrets) with
 *   database.dump   pg_dump --format=custom of the configured database:
 *                   one consistent snapshot of every demand, event, timer,
 *                   mail and document (the documents are bytea rows)
 *   config.tar      the configuration file and the procedures folder
 * Restore loads database.dump into the configured database with
 * pg_restore in one transaction (--clean first drops what is there); the
 * configuration is left for the operator to unpack (tar -xf ... -C /).
 *
 * Owns only the command line: the work is pg_dump, pg_restore and tar,
 * run with the engine's own connection settings passed as libpq
 * environment variables (PGHOST, PGPASSWORD, ...), never on a command
 * line where ps would show a password.
 */
#include <errno.h>
#include <limits.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"

extern char **environ;

static void
cmd_backup_usage(FILE *out)
{
    fprintf(out,
        "usage: guichet backup DIR\n"
        "       guichet restore [--clean] DIR\n"
        "\n"
        "backup writes DIR/database.dump (pg_dump, custom format: one\n"
        "consistent snapshot, documents included) and DIR/config.tar (the\n"
        "configuration and the procedures).  restore loads database.dump into\n"
        "the configured database in one transaction; --clean drops what is\n"
        "there first.  Exit status: 0 done, 1 failed, 2 usage error.\n");
}

/* Exports the configured connection as PG* variables for the tools. */
static int
cmd_backup_env(const cfg_t *cfg)
{
    char             *msg = NULL;
    PQconninfoOption *opts = PQconninfoParse(cfg->database, &msg), *o;

    if (opts == NULL) {
        fprintf(stderr, "guichet: database: %s", msg ? msg : "cannot parse\n");
        PQfreemem(msg);
        return -1;
    }
    for (o = opts; o->keyword != NULL; o++)
        if (o->val != NULL && o->envvar != NULL)
            setenv(o->envvar, o->val, 1);
    PQconninfoFree(opts);
    return 0;
}

/* Runs argv (found in PATH); 0 when it exits 0. */
static int
cmd_backup_run(char *const argv[])
{
    pid_t pid;
    int   status, rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);

    if (rc != 0) {
        fprintf(stderr, "guichet: cannot run %s: %s\n", argv[0], strerror(rc));
        return -1;
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "guichet: %s failed\n", argv[0]);
        return -1;
    }
    return 0;
}

/* path without its leading '/', after making it absolute */
static const char *
cmd_backup_rel(const char *path, char *buf)
{
    if (realpath(path, buf) == NULL)
        return NULL;
    return buf + 1;
}

int
cmd_backup(const cfg_t *cfg, int argc, char **argv)
{
    char        dump[PATH_MAX], tarf[PATH_MAX], c1[PATH_MAX], c2[PATH_MAX];
    const char *dir, *conf, *wf;

    if (argc != 2 || argv[1][0] == '-') {
        cmd_backup_usage(argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
        return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
    }
    dir = argv[1];
    umask(077);                 /* personal data and secrets: owner only */
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "guichet: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    chmod(dir, 0700);
    if (cmd_backup_env(cfg) != 0)
        return 1;
    snprintf(dump, sizeof(dump), "%s/database.dump", dir);
    snprintf(tarf, sizeof(tarf), "%s/config.tar", dir);
    {
        char *const pg_dump[] = { "pg_dump", "--format=custom", "--compress=6",
                                  "--file", dump, NULL };

        if (cmd_backup_run(pg_dump) != 0)
            return 1;
    }
    conf = strcmp(cfg->path, "(defaults)") ? cmd_backup_rel(cfg->path, c1) : NULL;
    wf = cmd_backup_rel(cfg->workflows_dir, c2);
    if (wf == NULL && conf == NULL) {
        fprintf(stderr, "guichet: no configuration file or procedures folder to save\n");
        return 1;
    }
    {
        char *tar[8];
        int   n = 0;

        tar[n++] = "tar";
        tar[n++] = "-cf";
        tar[n++] = tarf;
        tar[n++] = "-C";
        tar[n++] = "/";
        if (wf != NULL)
            tar[n++] = (char *) wf;
        if (conf != NULL)
            tar[n++] = (char *) conf;
        tar[n] = NULL;
        if (cmd_backup_run(tar) != 0)
            return 1;
    }
    chmod(dump, 0600);
    chmod(tarf, 0600);
    printf("backup written: %s, %s\n", dump, tarf);
    return 0;
}

int
cmd_restore(const cfg_t *cfg, int argc, char **argv)
{
    char        dump[PATH_MAX];
    const char *dir = NULL;
    int         clean = 0, i;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--clean"))
            clean = 1;
        else if (!strcmp(argv[i], "--help")) {
            cmd_backup_usage(stdout);
            return 0;
        } else if (argv[i][0] != '-' && dir == NULL)
            dir = argv[i];
        else {
            cmd_backup_usage(stderr);
            return 2;
        }
    }
    if (dir == NULL) {
        cmd_backup_usage(stderr);
        return 2;
    }
    snprintf(dump, sizeof(dump), "%s/database.dump", dir);
    if (access(dump, R_OK) != 0) {
        fprintf(stderr, "guichet: %s: %s\n", dump, strerror(errno));
        return 1;
    }
    if (cmd_backup_env(cfg) != 0)
        return 1;
    {
        const char *db = getenv("PGDATABASE");
        char       *restore[10];
        int         n = 0;

        restore[n++] = "pg_restore";
        restore[n++] = "--single-transaction";
        restore[n++] = "--exit-on-error";
        restore[n++] = "--no-owner";
        restore[n++] = "--dbname";
        restore[n++] = (char *) (db != NULL ? db : "guichet");
        if (clean) {
            restore[n++] = "--clean";
            restore[n++] = "--if-exists";
        }
        restore[n++] = dump;
        restore[n] = NULL;
        if (cmd_backup_run(restore) != 0)
            return 1;
    }
    printf("restored %s; the configuration is in %s/config.tar (tar -xf it -C /)\n",
           dump, dir);
    return 0;
}
