/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * commands.c -- wiring modules into the master before `serve` starts:
 * which hooks run on reload, which children the master keeps alive, what
 * every worker initialises.  Kept apart from master.c so that the master
 * knows no module by name.
 */
#include "commands.h"

#include "master.h"
#include "worker.h"

void
commands_register(const cfg_t *cfg)
{
    (void) cfg;
}
