/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * demand_group.h -- how the demand pages show repeating groups and what
 * lookups filled (wf_group.h is the language): the inputs of each item on
 * a form page, the items as read on the review, the demand page and the
 * printable copy, and the label of a message about an item's field.
 *
 * Builds page XML only (xslt/form.xsl's "group" and "filled", demand.xsl's
 * data template); decides nothing: validation and the count limits are
 * the runtime's (wf_group.c).
 */
#ifndef GUICHET_DEMAND_GROUP_H
#define GUICHET_DEMAND_GROUP_H

#include <jansson.h>
#include <libxml/tree.h>

#include "demand_view.h"
#include "req.h"
#include "wf_def.h"

/* <group name id path title label help add count min max [can-add]
 * [error error-arg]> with one <item n legend path [can-remove]> per item,
 * each holding its <field>s (posted as PATH.N.FIELD), <filled>s and nested
 * <group>s in the order written.  items: the group's array, as typed
 * (stored 0) or as stored (stored 1, values shown back the Swiss way);
 * NULL: none yet.  At least min items are shown. */
void dv_group_inputs(req_t *r, xmlNodePtr parent, const wf_group_t *g, json_t *items,
                     int stored, const wf_field_error_t *errs, int nerrs, const char *path,
                     const wf_demand_t *d);

/* <filled id label [value]/>: a field a lookup writes, shown read-only
 * (value: the stored normalised value, or NULL when not looked up yet). */
xmlNodePtr dv_filled(req_t *r, xmlNodePtr parent, const wf_field_t *f, const char *id,
                     const char *value);

/* <group label title><entry legend><item .../>...<group/>...</entry>...:
 * the stored items of g as read (nothing when there is none). */
void dv_group_data(req_t *r, xmlNodePtr parent, const wf_group_t *g, json_t *items,
                   const char *path);

/* The label a message about path ("communes.1.ofs", "communes") is shown
 * with in a page's list of errors: "Commune 2 – OFS number"; NULL when
 * path names nothing of page. */
const char *dv_group_label(req_t *r, const wf_page_t *page, const char *path);

#endif
