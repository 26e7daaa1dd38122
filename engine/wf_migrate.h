/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_migrate.h -- moving the running demands of one version of a
 * procedure to another version, with a state mapping (old state -> new
 * state).  The same two steps for the administrators' page and for
 * `guichet migrate-demands`:
 *
 *   wf_migrate_check   reads the running demands per state and checks the
 *                      whole mapping before anything is written;
 *   wf_migrate_run     runs a plan that checked clean: one transaction per
 *                      demand (SQL wf_migrate_demand, sql/0019), each
 *                      recorded in its history as 'migrate'; the target
 *                      state's timers start again from now.
 *
 * The rules of a plan (docs/runtime.md, "Versions"):
 *   - the two versions exist and differ;
 *   - every state that has running demands is mapped, to a state of the
 *     new version;
 *   - no target is a final state (a migration never ends a demand: fire
 *     its transition for that);
 *   - a draft stays a draft and a filed demand is never sent back to the
 *     drafts (a draft state's purge timer would delete a filed demand);
 *   - a mapping names only states of the old version.
 * Running: not in a final state (drafts included).
 *
 * Who may run it is the caller's question (the page: authz_check AZ_ADMIN;
 * the command line: whoever holds the database password).  No HTTP here.
 */
#ifndef GUICHET_WF_MIGRATE_H
#define GUICHET_WF_MIGRATE_H

#include <stddef.h>

#include "en_err.h"
#include "pool.h"
#include "principal.h"
#include "wf_def.h"

typedef struct {
    const char *from;       /* a state of the old version with running demands */
    long        n;          /* how many */
    const char *to;         /* the chosen state of the new version; NULL: none */
    const char *error;      /* NULL, or the refusal's message key (admin.mig.*) */
} wf_mig_row_t;

typedef struct {
    const char     *key;
    int             from_version, to_version;
    const wf_def_t *old_def, *new_def;   /* NULL when the version is missing */
    wf_mig_row_t   *rows;
    size_t          n_rows;
    const char     *error;     /* a refusal of the whole plan (key), or NULL */
    const char     *error_arg; /* what it names (a state) */
    int             errors;    /* rows refused + whole-plan refusals */
} wf_mig_plan_t;

/* Builds and checks the plan; map_from[i] -> map_to[i], n_map pairs (an
 * empty map_to counts as unmapped).  EN_OK when the plan could be built
 * (plan->errors says whether it is runnable), else EN_UNAVAILABLE... */
int wf_migrate_check(pool_t *p, en_err_t *err, const char *key, int from_version,
                     int to_version, const char *const *map_from,
                     const char *const *map_to, size_t n_map, wf_mig_plan_t *plan);

typedef struct {
    const char *demand_id;
    const char *reference;
    const char *from, *to;
    const char *status;     /* "ok", "conflict" (it moved meanwhile), "error" */
} wf_mig_result_t;

/* Runs a plan with no error, one demand per transaction, as who (a person:
 * the event's actor; the system: the command line).  EN_BADINPUT (nothing
 * done) when the plan has errors.  *results (n of them) lives in p. */
int wf_migrate_run(pool_t *p, en_err_t *err, const principal_t *who,
                   const wf_mig_plan_t *plan, wf_mig_result_t **results, size_t *n);

#endif
