/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_roles.h -- actors chosen by the data: by="third-party:@FIELD" (and
 * "agent:@FIELD") is the group whose id is the value of FIELD in the
 * demand (the authority the applicant chose).
 *
 * Owns the two readings of such an actor:
 *   - the concrete role a demand's data names ("third-party:prefecture-
 *     lausanne"), substituted in a transition's roles before authz is
 *     asked (wf_people_roles, wf_fire.c);
 *   - demands.data_roles (sql/0026_enrolment.sql): every concrete role the
 *     demand's data names over the whole definition, sent with every change
 *     (wf_apply, wf_save_page) so that the database can let that group see
 *     the demand (az_demand) and list it in its queue (GIN index).
 * A value that is no group id (authz_group_ok) names nobody.
 *
 * Does not own: parsing by= (wf_def.c), the checks of FIELD (wf_check.c),
 * who belongs to a group (authz_may in SQL).
 */
#ifndef GUICHET_WF_ROLES_H
#define GUICHET_WF_ROLES_H

#include <jansson.h>

#include "pool.h"
#include "wf_def.h"
#include "wf_demand.h"

/* The group actor a names on the demand whose data is data (a JSON object:
 * the form data), or NULL when a is not chosen by the data, or its field
 * is empty or no group id.  Lives in p or in data. */
const char *wf_roles_group(pool_t *p, const wf_actor_t *a, json_t *data);

/* Every concrete role the data names for def's actors chosen by the data,
 * as a JSON array of "kind:group" strings, sorted, without duplicates
 * (owned by p).  NULL only when out of memory. */
json_t *wf_roles_of_data(pool_t *p, const wf_def_t *def, json_t *data);

/* The form data of d once set is merged in and unset removed: what the
 * demand will hold after the change (a new object owned by p). */
json_t *wf_roles_data_after(pool_t *p, const wf_demand_t *d, json_t *set, json_t *unset);

#endif
