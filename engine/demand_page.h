/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * demand_page.h -- what the pages about one demand (h_demand_view.c: the
 * demand and its steps; h_form.c: the form page by page) and the
 * applicant's other pages (h_demand.c) share: the definition a demand runs
 * on, the <demand> head of every page about it, the page that says a step
 * can no longer happen (409), and "do not cache this page".
 *
 * Field and value rendering is demand_view.h's; this is only the frame.
 */
#ifndef GUICHET_DEMAND_PAGE_H
#define GUICHET_DEMAND_PAGE_H

#include <libxml/tree.h>

#include "req.h"
#include "wf_def.h"
#include "wf_demand.h"

/* The definition version d runs on (NULL with r->err set). */
const wf_def_t *dp_def_of(req_t *r, const wf_demand_t *d);

/* The label of state id in the reader's language, else the id. */
const char *dp_state_label(req_t *r, const wf_def_t *def, const char *id);

/* Cache-Control: no-store (pages about a person's demands). */
void dp_no_store(req_t *r);

/* The common head of every page about one demand: <demand id= reference=
 * workflow= title= bucket= progress= version= and the state's label>. */
xmlNodePtr dp_demand_node(req_t *r, xmlNodePtr root, const wf_def_t *def,
                          const wf_demand_t *d);

/* A step that cannot happen (any more): the 409 page demand_done, with
 * where demand id is now.  key is the refusal (wf.conflict.already_done,
 * wf.save.closed; anything else reads as wf.conflict.moved_on); tid the
 * step tried, or NULL for a form page. */
int dp_render_done(req_t *r, const char *id, const char *key, const char *tid);

#endif
