/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_cond.h -- the one rule for shown-when / required-when conditions
 * ("name=value", "name=a|b", "name!=value") and field: guards.
 *
 * Owns how a condition is judged once the value it looks at is known: the
 * runtime (wf_input.c: what a transition or a save may accept) and the
 * pages (demand_view.c: what a form shows) both ask here, so a page can
 * never hide a field the server requires.  Does not own where the value
 * comes from (what was posted, else what is stored: each caller knows its
 * input), nor the parsing of the condition (wf_def.c).
 */
#ifndef GUICHET_WF_COND_H
#define GUICHET_WF_COND_H

#include "pool.h"
#include "wf_def.h"

/* Whether value satisfies c.  value is a field's normalised value (a
 * multiple choice has one value a line; NULL counts as ""); a multiple
 * choice matches when any of its lines is one of c's values.  "!=" is the
 * negation of "=".  An absent condition (NULL, or no text) holds. */
int wf_cond_match(const wf_cond_t *c, const char *value);

/* What a condition compares for field f when the user sent text: the
 * value field_validate normalises it to (required-ness aside: "Oui" is
 * "yes"), or text itself when it is not valid for the field.  NULL when
 * text is NULL or not UTF-8: the condition then looks at what is stored
 * (the field itself is refused, "field.utf8").  Lives in p or is text. */
const char *wf_cond_normal(pool_t *p, const wf_field_t *f, const char *text);

#endif
