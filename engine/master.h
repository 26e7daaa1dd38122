/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * master.h -- `guichet serve`: the prefork master and its children.
 */
#ifndef GUICHET_MASTER_H
#define GUICHET_MASTER_H

#include "cfg.h"

/* A background process the master keeps alive besides the workers
 * (scheduler, mailer: bgjob_main).  fn gets arg as given and returns the
 * exit status; it must return soon after SIGTERM is pending (it keeps the
 * signal blocked and polls with sigpending or sigtimedwait). */
typedef int (*master_child_fn)(const cfg_t *cfg, const void *arg);
void master_add_child(const char *role, master_child_fn fn, const void *arg);

/* Runs before the first workers start and again on every reload, in the
 * master (e.g. publish changed workflow definitions).  An error is
 * logged; the old workers keep serving. */
typedef int (*master_reload_fn)(const cfg_t *cfg);
void master_add_reload(master_reload_fn fn);

int master_run(const cfg_t *cfg);

/* In a child (worker, scheduler, mailer), which keeps SIGTERM, SIGINT and
 * SIGHUP blocked for its whole life: whether one of them is pending, i.e.
 * whether to stop after the work in hand. */
int master_child_should_stop(void);

/* In a child: asks the master to reload (SIGHUP), as `guichet reload`
 * does, e.g. after a page published a definition, so that a new
 * generation of workers sees it.  0 when asked, -1 outside a child. */
int master_request_reload(void);

#endif
