/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * migrate.h -- `guichet migrate`: numbered SQL migrations.
 */
#ifndef GUICHET_MIGRATE_H
#define GUICHET_MIGRATE_H

#include "cfg.h"

/* Applies every NNNN_*.sql of cfg->sql_dir not yet recorded in
 * schema_migrations, in order, each in its own transaction, recording its
 * sha256.  Prints what it applied; on failure prints "file: message" and
 * returns non-zero with nothing of that file kept.  When a file already
 * applied has changed (its sha256 differs from the one recorded) it prints
 * "PATH: changed since it was applied ..." and applies nothing.  Rows
 * recorded before sha256 was kept get the files' current sha256. */
int migrate_run(const cfg_t *cfg);

#endif
