/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cmd_check.c -- `guichet check FILE...`: validates workflow definitions
 * the way the engine will when it loads them (schema, then semantic rules)
 * and prints every problem as `file:line: message` on stderr, so that an
 * editor or CI can jump to it.  A clean file gets `file: ok` on stdout.
 *
 * Exit status: 0 when every file is clean (warnings allowed), 1 when any
 * has an error, 2 on a usage error.  Owns no state; the definitions are
 * thrown away with the pool.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "en_err.h"
#include "wf_check.h"
#include "wf_def.h"
#include "xml_safe.h"

static void
cmd_check_usage(FILE *out)
{
    fprintf(out,
        "usage: guichet check FILE...\n"
        "\n"
        "Validates workflow definitions against %s (or $GUICHET_SCHEMA)\n"
        "and the engine's rules; prints each problem as file:line: message.\n"
        "Exit status: 0 all clean, 1 errors found, 2 usage error.\n",
        wf_schema_path());
}

/* Checks one file; 0 when it has no error. */
static int
cmd_check_file(const char *path)
{
    pool_t    *p = pool_new(0);
    wf_diag_t  diags;
    wf_def_t  *def;
    int        rc;

    wf_diag_init(&diags, p);
    rc = wf_load_file(p, path, &def, &diags);
    wf_diag_print(&diags, stderr);
    if (rc == EN_OK) {
        if (diags.warnings > 0)
            printf("%s: ok (%d warning%s)\n", path, diags.warnings,
                   diags.warnings == 1 ? "" : "s");
        else
            printf("%s: ok\n", path);
    }
    pool_free(p);
    return rc == EN_OK ? 0 : 1;
}

int
cmd_check(int argc, char **argv)
{
    int i, failed = 0, files = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            cmd_check_usage(stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "check: unknown option %s\n", argv[i]);
            cmd_check_usage(stderr);
            return 2;
        }
    }
    xml_safe_init();
    for (i = 1; i < argc; i++) {
        files++;
        failed |= cmd_check_file(argv[i]);
    }
    if (files == 0) {
        cmd_check_usage(stderr);
        return 2;
    }
    fflush(stdout);
    return failed ? 1 : 0;
}
