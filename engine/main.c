/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * main.c -- the `guichet` command line: global options, then one
 * subcommand.  Each subcommand lives in its own module; this file only
 * reads the configuration and dispatches.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "av.h"
#include "cfg.h"
#include "commands.h"
#include "log.h"
#include "master.h"
#include "migrate.h"
#include "wf_check.h"
#include "wf_code.h"
#include "xml_safe.h"

static void
usage(FILE *out)
{
    fprintf(out,
        "usage: guichet [--config FILE] COMMAND [ARGS]\n"
        "\n"
        "Guichet runs secure online public services: procedures written as\n"
        "XML workflows, demands kept as state machines in PostgreSQL, pages\n"
        "rendered through XSLT, behind nginx over FastCGI.\n"
        "\n"
        "commands:\n"
        "  serve            run the master, its workers, scheduler and mailer\n"
        "  migrate          apply the missing SQL migrations from sql/\n"
        "  check FILE...    validate workflow definitions (file:line: message)\n"
        "  graph [-T dot|svg] [-o OUT] FILE\n"
        "                   draw a workflow's state machine\n"
        "  reload           ask the running master to reload (SIGHUP)\n"
        "  publish          publish the changed workflow definitions now\n"
        "  scheduler [--once]  fire due timers (--once: what is due, then exit)\n"
        "  mailer [--once]  send the queued mail (--once: what is due, then exit)\n"
        "  demand create|show|list|fire|save|message ...\n"
        "                   act on demands as a given person (operators, tests)\n"
        "  backup DIR       dump the database and save the configuration in DIR\n"
        "  restore [--clean] DIR\n"
        "                   load a backup's database dump\n"
        "  migrate-demands KEY FROM TO OLD=NEW... [--dry-run]\n"
        "                   move running demands to another version of KEY\n"
        "\n"
        "options:\n"
        "  --config FILE    configuration file (default: $GUICHET_CONFIG, else\n"
        "                   %s when it exists)\n"
        "  --help           this text\n"
        "  --version        the version\n", cfg_default_path());
}

static int
cmd_reload(const cfg_t *cfg)
{
    FILE *f = fopen(cfg->pid_file, "r");
    long  pid = 0;

    if (f == NULL || fscanf(f, "%ld", &pid) != 1 || pid <= 1) {
        fprintf(stderr, "%s: no running master (no pid file)\n", cfg->pid_file);
        if (f != NULL)
            fclose(f);
        return 1;
    }
    fclose(f);
    if (kill((pid_t) pid, SIGHUP) != 0) {
        perror("reload");
        return 1;
    }
    printf("reload requested (master pid %ld)\n", pid);
    return 0;
}

int
main(int argc, char **argv)
{
    const char *config = getenv("GUICHET_CONFIG");
    pool_t     *p;
    cfg_t       cfg;
    en_err_t    err;
    int         i = 1, rc;
    const char *cmd;

    while (i < argc && argv[i][0] == '-') {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--version")) {
            printf("guichet %s\n", GUICHET_VERSION);
            return 0;
        } else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            config = argv[i + 1];
            i += 2;
        } else {
            fprintf(stderr, "guichet: unknown option %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    cmd = argv[i];
    xml_safe_init();
    /* check and graph read only definitions: no configuration needed */
    if (!strcmp(cmd, "check"))
        return cmd_check(argc - i, argv + i);
    if (!strcmp(cmd, "graph"))
        return cmd_graph(argc - i, argv + i);
    if (config == NULL && access(cfg_default_path(), R_OK) == 0)
        config = cfg_default_path();
    p = pool_new(0);
    en_clear(&err);
    if (cfg_load(p, config, &cfg, &err) != EN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    /* the schema that comes with the data this configuration names */
    wf_schema_set_path(pool_printf(p, "%s/workflows/workflow.rng", cfg.root));
    log_set_level(cfg.log_level);
    wf_code_configure(&cfg);
    if (av_configure(&cfg, &err) != EN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    if (!strcmp(cmd, "serve")) {
        commands_register(&cfg);
        rc = master_run(&cfg);
    } else if (!strcmp(cmd, "migrate")) {
        rc = migrate_run(&cfg);
    } else if (!strcmp(cmd, "reload")) {
        rc = cmd_reload(&cfg);
    } else if (!strcmp(cmd, "publish")) {
        rc = cmd_publish(&cfg, argc - i, argv + i);
    } else if (!strcmp(cmd, "scheduler")) {
        rc = cmd_scheduler(&cfg, argc - i, argv + i);
    } else if (!strcmp(cmd, "mailer")) {
        rc = cmd_mailer(&cfg, argc - i, argv + i);
    } else if (!strcmp(cmd, "demand")) {
        rc = cmd_demand(&cfg, argc - i, argv + i);
    } else if (!strcmp(cmd, "backup")) {
        rc = cmd_backup(&cfg, argc - i, argv + i);
    } else if (!strcmp(cmd, "restore")) {
        rc = cmd_restore(&cfg, argc - i, argv + i);
    } else if (!strcmp(cmd, "migrate-demands")) {
        rc = cmd_migrate_demands(&cfg, argc - i, argv + i);
    } else {
        fprintf(stderr, "guichet: unknown command \"%s\"\n", cmd);
        usage(stderr);
        rc = 2;
    }
    pool_free(p);
    return rc;
}
