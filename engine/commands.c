/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * commands.c -- wiring modules into the master before `serve` starts:
 * which hooks run on reload, which children the master keeps alive, what
 * every worker initialises.  Kept apart from master.c so that the master
 * knows no module by name.
 */
#include "commands.h"

#include "auth_oidc.h"
#include "bgjob.h"
#include "letters.h"
#include "mailer.h"
#include "master.h"
#include "render.h"
#include "route.h"
#include "scheduler.h"
#include "session.h"
#include "wf_store.h"
#include "worker.h"

/* The background jobs (bgjob.h): the master forks one child for each
 * that the configuration enables.  A new job is one line here. */
static const bgjob_t *const commands_jobs[] = {
    &scheduler_job,
    &mailer_job,
    &letters_job,
};

void
commands_register(const cfg_t *cfg)
{
    size_t i;

    worker_add_init(auth_oidc_init);
    route_set_guard(session_guard);
    render_set_hook(session_render_hook);
    master_add_reload(wf_store_publish_dir);
    for (i = 0; i < sizeof(commands_jobs) / sizeof(commands_jobs[0]); i++)
        if (commands_jobs[i]->enabled == NULL || commands_jobs[i]->enabled(cfg))
            master_add_child(commands_jobs[i]->name, bgjob_main, commands_jobs[i]);
}
