/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * worker.h -- a worker process: accept one FastCGI request at a time,
 * answer it, repeat; and the master's hooks for what a worker loads.
 */
#ifndef GUICHET_WORKER_H
#define GUICHET_WORKER_H

#include "cfg.h"

/* Runs the accept loop on listen_fd until told to stop or max_requests
 * is reached; returns the process exit status. */
int worker_main(const cfg_t *cfg, int listen_fd, int slot);

/* Modules that need per-worker state (definitions, OIDC providers)
 * register an init function here before the master forks. */
typedef int (*worker_init_fn)(const cfg_t *cfg);
void worker_add_init(worker_init_fn fn);

#endif
