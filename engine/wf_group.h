/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_group.h -- repeating groups of fields and lookups in reference
 * registers (docs/workflow-language.md, "Repeating groups" and "Lookups"):
 *
 *   <group name="communes" min="1" max="10">
 *     <label xml:lang="fr">Commune</label>
 *     <add xml:lang="fr">Ajouter une autre commune</add>
 *     <field name="ofs" type="ofs" required="yes">...</field>
 *     <field name="commune-name" type="text">...</field>
 *     <lookup register="communes" key="ofs" fill="commune-name"/>
 *     <group name="applications" min="1" max="10">...</group>
 *   </group>
 *
 * THE storage contract: form_data["communes"] is a JSON array of objects,
 * one per item, each item field's normalised value as a string ("" when
 * left empty; absent when hidden by its shown-when) and each nested group
 * an array of the same shape:
 *   "communes": [{"ofs": "5586", "commune-name": "Lausanne",
 *                 "applications": [{"app": "RCPERS", "comment": ""}]}]
 * A page posts an item's field as "communes.0.ofs" (0-based), a nested
 * one as "communes.0.applications.1.app", and each group's item count as
 * "communes.items" / "communes.0.applications.items".
 *
 * Owns: the checks of `guichet check` on groups and lookups (names, limits,
 * nesting, conditions inside an item, registers, keys and targets), the
 * reading of a posted group, adding and removing an item, and the
 * validation of items and lookups for wf_input.c (the one input checker).
 * Does not own: a field's own rules (field.c), the registers' tables
 * (refreg.c), how a page shows a group (demand_group.c).
 */
#ifndef GUICHET_WF_GROUP_H
#define GUICHET_WF_GROUP_H

#include <jansson.h>

#include "kv.h"
#include "pool.h"
#include "wf_def.h"
#include "wf_diag.h"
#include "wf_input.h"

/* The most items a group may be given (max=), and a posted index's bound. */
#define WF_GROUP_MAX_INDEX 101

/* Resolves the lookups and the conditions inside the groups of every page
 * of form and reports, as file:line: errors in d: a malformed, reserved
 * or duplicate group name, min greater than max, a group without fields,
 * a file field in a group, a condition on anything but an earlier field
 * of the same item, an unknown register, the wrong number or type of
 * keys, a key or target outside the lookup's page or item, an unknown
 * column, a found= field that is not yes/no, a field filled twice. */
void wf_group_check(pool_t *p, wf_diag_t *d, const char *file, wf_form_t *form);

/* Whether every lookup and condition of page's groups was resolved
 * (wf_def_sound). */
int wf_group_sound(const wf_page_t *page);

/* The group of page called name (a page's group, not a nested one). */
const wf_group_t *wf_group_find(const wf_page_t *page, const char *name);

/* The field or group a posted path names ("communes.1.ofs",
 * "communes.0.applications", "communes"): *field or *group set (the
 * other NULL), *item the 0-based item of the innermost group that holds
 * it (-1 for a group itself), *outer_item that of the outer group for a
 * nested path (else -1).  0 when found, -1 otherwise. */
int wf_group_path(const wf_page_t *page, const char *path, const wf_field_t **field,
                  const wf_group_t **group, int *item, int *outer_item);

/* The items of g as posted: a JSON array of objects (field -> text as
 * typed, nested group -> array), read under prefix ("communes." or
 * "communes.0.applications."), as many as its "items" count says (else
 * as the highest index sent).  NULL when nothing of g was posted. */
json_t *wf_group_posted(pool_t *p, const wf_group_t *g, const kv_t *form, const char *prefix);

/* Every group of page as posted: an object group name -> array (only the
 * groups that were posted).  Lives in p. */
json_t *wf_group_posted_page(pool_t *p, const wf_page_t *page, const kv_t *form);

/* Applies "add:PATH" (one more empty item at the end of the group PATH,
 * e.g. "communes" or "communes.0.applications") or "remove:PATH" (the
 * item PATH, e.g. "communes.1") to posted (wf_group_posted_page).  0 when
 * op named a group or an item of page; -1 otherwise (nothing changed).
 * The count limits are judged afterwards, by the validation. */
int wf_group_apply(pool_t *p, const wf_page_t *page, json_t *posted, const char *op);

/* For wf_input.c: validates the groups of page (the ones posted in
 * c->in->groups, else, when full, the stored ones) and runs the page's
 * lookups and the items' ones.  Errors go next to "communes.1.ofs" (a
 * field of an item) or "communes" (a count outside min..max: keys
 * wf.group.min / wf.group.max with the limit).  A group without error is
 * set whole into c->set; the page's lookups write their targets into
 * c->set and c->norm (so that conditions see them).  full: a transition
 * (required-ness applies). */
void wf_group_input_lookups(wf_input_check_t *c, const wf_page_t *page, int full);
void wf_group_input_groups(wf_input_check_t *c, const wf_page_t *page, int full);

/* Whether the groups of page are complete, as a person leaving the page
 * with "next" must have them: posted (or else stored) items checked with
 * required-ness and min.  The count of errors, *errors (in p) listing
 * them. */
int wf_group_page_complete(pool_t *p, const wf_demand_t *d, const wf_page_t *page,
                           const json_t *posted, wf_field_error_t **errors, int *nerrors);

#endif
