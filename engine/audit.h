/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * audit.h -- the administrators' read-only search over the trails the
 * other parts keep: a demand's history, spaces and roles, what
 * administrators changed (sql/0033_audit.sql).
 *
 * What was typed decides where to look: a demand's reference
 * (2026-000123), an IDE number (CHE-123.456.789, written any way the form
 * fields accept), an e-mail address; nothing: the latest changes to
 * spaces and by administrators.  Owns no table.  Who may read is the
 * caller's authz_check(AZ_ADMIN).
 */
#ifndef GUICHET_AUDIT_H
#define GUICHET_AUDIT_H

#include <jansson.h>

#include "en_err.h"
#include "pool.h"

#define AUDIT_MAX 200      /* entries per search */

/* What q names: "reference", "ide", "email", "recent" (empty q), or NULL
 * when it is none of these; *value is q normalised. */
const char *audit_kind(pool_t *p, const char *q, const char **value);

/* {found, entries: [{at, trail, action, actor, whom, what, reference,
 * demand, detail}]}, newest first; from/to "YYYY-MM-DD" or NULL. */
json_t *audit_search(pool_t *p, en_err_t *err, const char *kind, const char *value,
                     const char *from, const char *to);

#endif
