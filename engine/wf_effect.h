/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_effect.h -- the C half of a transition's side effects (<effect>).
 *
 * An effect runs in SQL, inside wf_apply's transaction: wf_effect() calls
 * the function fx_<action> (dashes as underscores) with the demand row as
 * it is after the change, the effect's arguments, the event and the actor
 * (sql/0020_effects.sql).  Arguments ending in "-field" name a form field;
 * fx_arg(d, args, 'entity') reads the value from the demand.  Most actions
 * need nothing from C.
 *
 * The C half prepares the arguments sent with the change: the arguments as
 * written, plus what only the engine can compute (a fresh one-time code and
 * its keyed hash, the check of a typed code).  One table in wf_effect.c
 * lists every implemented action with its hook (NULL: nothing to add).
 * An action the checker knows but that has no row here, or no SQL
 * fx_ function, refuses the transition before anything is written.
 *
 * Does not own: which actions and arguments exist (wf_def.c, checked by
 * wf_check.c), nor what an effect writes (the fx_ functions in SQL).
 */
#ifndef GUICHET_WF_EFFECT_H
#define GUICHET_WF_EFFECT_H

#include <jansson.h>

#include "en_err.h"
#include "pool.h"
#include "principal.h"
#include "wf_def.h"
#include "wf_demand.h"
#include "wf_input.h"

/* A hook adds to args (already holding the written arguments) what the SQL
 * side needs.  EN_OK; EN_BADINPUT after wf_input_error() on c (shown next
 * to the field, e.g. a wrong code); any other refusal in err. */
typedef int (*wf_effect_hook_t)(pool_t *p, en_err_t *err, const principal_t *who,
                                const wf_demand_t *d, const wf_transition_t *t,
                                wf_input_check_t *c, const wf_effect_t *e, json_t *args);

/* Whether action is implemented by this runtime. */
int wf_effect_implemented(const char *action);

/* The effects of t as the JSON array wf_apply runs ([{name, args}]), in
 * *out (owned by p).  Called once the input passed: a hook may still
 * refuse it (EN_BADINPUT with c's errors). */
int wf_effect_prepare(pool_t *p, en_err_t *err, const principal_t *who,
                      const wf_demand_t *d, const wf_transition_t *t,
                      wf_input_check_t *c, json_t **out);

#endif
