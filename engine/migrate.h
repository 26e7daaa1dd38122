/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * migrate.h -- `guichet migrate`: numbered SQL migrations.
 */
#ifndef GUICHET_MIGRATE_H
#define GUICHET_MIGRATE_H

#include "cfg.h"

/* Applies every sql/NNNN_*.sql not yet recorded in schema_migrations, in
 * order, each in its own transaction.  Prints what it applied; on failure
 * prints "file: message" and returns non-zero with nothing of that file
 * kept. */
int migrate_run(const cfg_t *cfg);

#endif
