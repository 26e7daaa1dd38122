/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * commands.h -- the subcommands other modules provide, and the one place
 * that wires modules into the master (reload hooks, extra children,
 * per-worker init) before `serve` starts.
 */
#ifndef GUICHET_COMMANDS_H
#define GUICHET_COMMANDS_H

#include "cfg.h"

int  cmd_check(int argc, char **argv);   /* cmd_check.c */
int  cmd_graph(int argc, char **argv);   /* cmd_graph.c */
void commands_register(const cfg_t *cfg);  /* commands.c */
/* cmd_runtime.c: argv[0] is the command's own name */
int  cmd_publish(const cfg_t *cfg, int argc, char **argv);
int  cmd_scheduler(const cfg_t *cfg, int argc, char **argv);
int  cmd_mailer(const cfg_t *cfg, int argc, char **argv);
int  cmd_letters(const cfg_t *cfg, int argc, char **argv);
int  cmd_demand(const cfg_t *cfg, int argc, char **argv);
/* cmd_backup.c */
int  cmd_backup(const cfg_t *cfg, int argc, char **argv);
int  cmd_restore(const cfg_t *cfg, int argc, char **argv);
/* cmd_migrate.c */
int  cmd_migrate_demands(const cfg_t *cfg, int argc, char **argv);

#endif
