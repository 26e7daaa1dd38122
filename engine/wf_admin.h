/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_admin.h -- what the administrators' procedure pages read about the
 * published procedures: every version of every procedure (date, sha256,
 * source file) with its demands counted per state, in one query.
 *
 * Owns no table (definitions and demands are sql/0004's, written by
 * wf_store.c and the runtime); reads only.  Who may read it is the
 * caller's authz_check (AZ_ADMIN).
 */
#ifndef GUICHET_WF_ADMIN_H
#define GUICHET_WF_ADMIN_H

#include <stddef.h>

#include "en_err.h"
#include "pool.h"

typedef struct {
    const char *state;
    long        n;          /* demands of this version in this state */
    int         final;
} wf_admin_count_t;

typedef struct {
    int               version;
    const char       *sha256;
    const char       *published_at;   /* YYYY-MM-DD HH:MI, Zurich time */
    const char       *source;         /* the file it was read from */
    wf_admin_count_t *counts;         /* by state name */
    size_t            n_counts;
    long              running;        /* demands not in a final state */
    long              total;
} wf_admin_version_t;

typedef struct {
    const char         *key;
    wf_admin_version_t *versions;     /* newest first */
    size_t              n_versions;
} wf_admin_proc_t;

/* Every procedure (key NULL) or one: *out (n of them, by key) lives in p.
 * A key with no published version gives n = 0. */
int wf_admin_procedures(pool_t *p, en_err_t *err, const char *key,
                        wf_admin_proc_t **out, size_t *n);

/* The version v of proc, or NULL. */
const wf_admin_version_t *wf_admin_version(const wf_admin_proc_t *proc, int v);

#endif
