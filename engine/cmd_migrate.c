/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cmd_migrate.c -- `guichet migrate-demands KEY FROM TO OLD=NEW... [--dry-run]`:
 * moves the running demands of version FROM of procedure KEY to version TO,
 * each state OLD to state NEW, with the same check and the same one
 * transaction per demand as the administrators' page (wf_migrate.c).  The
 * events are the system's (request id "cli-<pid>").
 *
 * Prints the plan (one line per state: "OLD (N) -> NEW" or the refusal),
 * then one line per demand ("REFERENCE OLD -> NEW ok|conflict|error").
 * Exit status: 0 done (or --dry-run and the plan is clean), 1 the plan is
 * refused (nothing written) or a demand failed, 2 usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "wf_migrate.h"

static void
cmd_migrate_usage(FILE *out)
{
    fprintf(out,
        "usage: guichet migrate-demands KEY FROM_VERSION TO_VERSION OLD=NEW... [--dry-run]\n"
        "\n"
        "Moves the running demands of version FROM_VERSION of procedure KEY to\n"
        "TO_VERSION, each in state OLD to state NEW of the new version; the plan is\n"
        "checked first (every state with running demands mapped, no final or draft\n"
        "target for a filed demand) and nothing is written when it is refused.\n"
        "--dry-run: check and print the plan only.\n");
}

static int
version_arg(const char *s, int *v)
{
    char *end;
    long  n = strtol(s, &end, 10);

    if (*s == '\0' || *end != '\0' || n < 1 || n > 1000000)
        return -1;
    *v = (int) n;
    return 0;
}

static int
cmd_migrate_run(const cfg_t *cfg, pool_t *p, int argc, char **argv)
{
    const char     **from, **to, *key = NULL;
    int              fv = 0, tv = 0, npos = 0, dry = 0, i, failed = 0;
    size_t           n_map = 0, k, nres;
    wf_mig_plan_t    plan;
    wf_mig_result_t *res;
    principal_t      sys;
    en_err_t         err;

    from = pool_calloc(p, sizeof(char *) * (size_t) argc);
    to = pool_calloc(p, sizeof(char *) * (size_t) argc);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *eq = strchr(a, '=');

        if (!strcmp(a, "--dry-run")) {
            dry = 1;
        } else if (a[0] == '-') {
            fprintf(stderr, "migrate-demands: unknown option %s\n", a);
            return 2;
        } else if (npos < 3) {
            if (npos == 0)
                key = a;
            else if (version_arg(a, npos == 1 ? &fv : &tv) != 0) {
                fprintf(stderr, "migrate-demands: %s is not a version number\n", a);
                return 2;
            }
            npos++;
        } else if (eq == NULL || eq == a) {
            fprintf(stderr, "migrate-demands: %s is not OLD=NEW\n", a);
            return 2;
        } else {
            from[n_map] = pool_strndup(p, a, (size_t) (eq - a));
            to[n_map++] = eq + 1;
        }
    }
    if (npos < 3) {
        cmd_migrate_usage(stderr);
        return 2;
    }
    en_clear(&err);
    if (db_init(cfg->database, &err) != EN_OK) {
        fprintf(stderr, "guichet: %s (%s)\n", err.msg, err.detail);
        return 1;
    }
    /* the refusals in words (the catalogue's English); a missing
     * catalogue leaves the keys, which still say it */
    if (i18n_load(pool_printf(p, "%s/i18n", cfg->xslt_dir), &err) != EN_OK)
        en_clear(&err);
    if (wf_migrate_check(p, &err, key, fv, tv, from, to, n_map, &plan) != EN_OK) {
        fprintf(stderr, "migrate-demands: %s\n", err.msg);
        return 1;
    }
    printf("%s: version %d -> %d\n", key, fv, tv);
    for (k = 0; k < plan.n_rows; k++) {
        const wf_mig_row_t *r = &plan.rows[k];

        printf("  %s (%ld) -> %s%s%s\n", r->from, r->n, r->to ? r->to : "?",
               r->error ? ": refused, " : "",
               r->error ? i18n_get("en", r->error) : "");
    }
    if (plan.error != NULL)
        printf("  refused: %s\n", i18n_fmt(p, "en", plan.error, plan.error_arg));
    if (plan.errors > 0) {
        printf("plan refused: nothing changed\n");
        return 1;
    }
    if (dry) {
        printf("plan checked (--dry-run): nothing changed\n");
        return 0;
    }
    sys = principal_system(pool_printf(p, "cli-%ld", (long) getpid()));
    if (wf_migrate_run(p, &err, &sys, &plan, &res, &nres) != EN_OK) {
        fprintf(stderr, "migrate-demands: %s\n", err.msg);
        return 1;
    }
    for (k = 0; k < nres; k++) {
        printf("%s %s -> %s %s\n", res[k].reference, res[k].from,
               res[k].to ? res[k].to : "?", res[k].status);
        failed |= strcmp(res[k].status, "ok") != 0;
    }
    printf("%zu demand(s)%s\n", nres, failed ? ", some not migrated" : " migrated");
    return failed ? 1 : 0;
}

int
cmd_migrate_demands(const cfg_t *cfg, int argc, char **argv)
{
    pool_t *p;
    int     i, rc;

    for (i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            cmd_migrate_usage(stdout);
            return 0;
        }
    log_set_level("warn");
    p = pool_new(0);
    rc = cmd_migrate_run(cfg, p, argc, argv);
    if (rc == 2)
        cmd_migrate_usage(stderr);
    pool_free(p);
    db_close();
    return rc;
}
