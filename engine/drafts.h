/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * drafts.h -- what the portal knows about drafts and the procedures one
 * may file (engine/drafts.c).
 */
#ifndef GUICHET_DRAFTS_H
#define GUICHET_DRAFTS_H

#include <stddef.h>

#include "en_err.h"
#include "pool.h"
#include "principal.h"

/* One open draft, for the "resume or start anew" choice. */
typedef struct {
    const char *id;
    const char *reference;
    const char *updated;        /* DD.MM.YYYY HH:MM, Zurich */
    const char *expires;        /* DD.MM.YYYY: the purge timer; NULL if none */
} drafts_row_t;

/* The drafts of procedure key that the principal opened in the context it
 * acts for (itself, or its active space), most recently changed first,
 * at most 20; each still visible to it (authz_may).  One round trip. */
int drafts_open(pool_t *p, en_err_t *err, const principal_t *who, const char *key,
                drafts_row_t **out, size_t *n);

/* The date a draft will be purged (its pending purge timer), DD.MM.YYYY,
 * or NULL when it has none.  One round trip. */
int drafts_expiry(pool_t *p, en_err_t *err, const char *demand_id, const char **out);

/* The keys of every published procedure, sorted.  One round trip. */
int drafts_published_keys(pool_t *p, en_err_t *err, const char ***keys, size_t *n);

#endif
