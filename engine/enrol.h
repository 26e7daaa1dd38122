/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * enrol.h -- the electronic identification means (MIE): the identifiers a
 * trusted third party issues at the counter, and the counter's reads.
 *
 * Owns the SQL of enrol_identifiers (sql/0026_enrolment.sql) and the
 * third party's queue of enrolment demands addressed to their group
 * (demands.data_roles), plus the C halves of the effects
 * issue-identifier (fresh candidates) and activate-identifier (the typed
 * identifier compared, refused next to its field).
 *
 * Does not own: who may see or act (authz_may: the handler asks first),
 * the transitions (wf_fire), the level of a person (fx_raise_assurance in
 * SQL), the pages (h_counter.c).
 */
#ifndef GUICHET_ENROL_H
#define GUICHET_ENROL_H

#include <jansson.h>

#include "en_err.h"
#include "pool.h"

#define ENROL_WORKFLOW  "enrolment"   /* the procedure the counter serves */
#define ENROL_ID_LEN    6             /* a1bc2d */
#define ENROL_CANDIDATES 8            /* fresh identifiers offered per issue */

/* n fresh identifiers of ENROL_ID_LEN characters a-z 0-9, each with at
 * least one letter and one digit, as a JSON array (owned by p). */
int enrol_candidates(pool_t *p, en_err_t *err, size_t n, json_t **out);

/* What is known of demand_id at the counter of group: {in_group (the
 * demand's data names the group), identifier, issued_at, issued_by,
 * activated_at} (owned by p; identifier absent when none was issued). */
json_t *enrol_counter_facts(pool_t *p, en_err_t *err, const char *demand_id,
                            const char *group);

/* Whether identifier (as typed: trimmed, any case) is the one issued for
 * demand_id and not yet activated: 1 yes, 0 no, -1 on a database error
 * (err set). */
int enrol_identifier_matches(pool_t *p, en_err_t *err, const char *demand_id,
                             const char *identifier);

/* The queue of group: enrolment demands out of the drafts whose data
 * names the group, newest first, at most limit.  show: "open" (not
 * ended), "invalidated" (ended without activation), "all".  Filters
 * (NULL or "" = none): name (start of the first or last name, any case),
 * birth (yyyy-mm-dd), reference.  {rows: [{id, reference, date, iso,
 * first_name, last_name, birth_date, state, version}], counts: {open,
 * invalidated, all}} owned by p. */
json_t *enrol_queue(pool_t *p, en_err_t *err, const char *group, const char *show,
                    const char *name, const char *birth, const char *reference, int limit);

/* The third-party groups person_id belongs to, each with its number of
 * open enrolment demands: [{id, name, kind, open}] by name (owned by p;
 * [] when none). */
json_t *enrol_counter_groups(pool_t *p, en_err_t *err, const char *person_id);

/* The latest in-person verification of person_id (assurance_raises):
 * {level, at (dd.mm.yyyy hh:mm, when the level was raised), checked_at,
 * by (the third party's name), where (their authority's name)}, owned
 * by p; EN_NOTFOUND in err (and NULL) when there was none. */
json_t *enrol_verification(pool_t *p, en_err_t *err, const char *person_id);

#endif
