/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * commands.c -- wiring modules into the master before `serve` starts:
 * which hooks run on reload, which children the master keeps alive, what
 * every worker initialises.  Kept apart from master.c so that the master
 * knows no module by name.
 */
#include "commands.h"

#include "auth_oidc.h"
#include "mailer.h"
#include "master.h"
#include "render.h"
#include "route.h"
#include "scheduler.h"
#include "session.h"
#include "wf_store.h"
#include "worker.h"

void
commands_register(const cfg_t *cfg)
{
    (void) cfg;
    worker_add_init(auth_oidc_init);
    route_set_guard(session_guard);
    render_set_hook(session_render_hook);
    master_add_reload(wf_store_publish_dir);
    if (cfg->scheduler)
        master_add_child("scheduler", scheduler_main);
    if (cfg->mailer)
        master_add_child("mailer", mailer_main);
}
