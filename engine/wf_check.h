/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_check.h -- validating a workflow definition: the RELAX NG schema
 * (workflows/workflow.rng) and the semantic rules no schema can express
 * (ids that must exist, reachability, timers, limits...).  wf_load_file()
 * and wf_load_memory() run both; these are exposed for tools and tests.
 */
#ifndef GUICHET_WF_CHECK_H
#define GUICHET_WF_CHECK_H

#include <libxml/tree.h>

#include "wf_def.h"

/* The schema file: $GUICHET_SCHEMA, else the path given to
 * wf_schema_set_path() (the commands that read a configuration give
 * <root>/workflows/workflow.rng), else workflows/workflow.rng in the
 * working directory when it is there (a checkout), else the installed
 * one under cfg_datadir(). */
const char *wf_schema_path(void);
/* Sets the fallback path (e.g. cfg->workflows_dir + "/workflow.rng"), so
 * that a server started elsewhere finds the schema; copied; NULL resets. */
void wf_schema_set_path(const char *path);

/*
 * Validates doc against the schema, adding one diagnostic per problem (as
 * name:line:), none printed by libxml2.  The compiled schema is cached for
 * the life of the process (keyed by its path).  Returns EN_OK when valid,
 * EN_BADINPUT when not, EN_INTERNAL when the schema itself cannot be
 * loaded (then diags says why).
 */
int wf_check_schema(xmlDocPtr doc, const char *name, wf_diag_t *diags);

/* Drops the cached schema, so that the next validation reads it again
 * (on reload). */
void wf_schema_forget(void);

/*
 * The semantic rules: resolves every cross-reference of def into pointers
 * (which is why def is not const), links states to the transitions and
 * timers leaving them, and reports every problem into diags.  Returns
 * EN_OK when it added no error, EN_BADINPUT otherwise.  Allocations (the
 * link arrays) live in p, which must be def's pool.
 */
int wf_check_def(pool_t *p, wf_def_t *def, wf_diag_t *diags);

#endif
