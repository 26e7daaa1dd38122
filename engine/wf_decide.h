/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_decide.h -- per-item decisions joined at the end: the runtime of the
 * workflow language's <decide> (docs/workflow-language.md), like a
 * multi-instance step of a BPMN engine.
 *
 *   a transition arrives in the decide's state S
 *        -> one item per element of form_data[over], addressed to the
 *           trusted third party the element names (wf_decide_arrival adds
 *           the effect open-items: sql/0028_item_decisions.sql)
 *   each third party answers its items (wf_decide): valid | refused
 *   (final) | pending (not final), with a comment; one event each
 *        -> the last final answer fires `then` (by the system), in the
 *           same transaction
 *
 * Owns the tables decide_items and decide_answers (through their SQL
 * functions) and the checks before an answer is written.  Does not own who
 * may answer (authz_may's 'decide-item'), nor the pages (h_decide.c,
 * h_demand_view.c).  Knows no HTTP request.
 */
#ifndef GUICHET_WF_DECIDE_H
#define GUICHET_WF_DECIDE_H

#include <jansson.h>

#include "en_err.h"
#include "pool.h"
#include "principal.h"
#include "wf_def.h"
#include "wf_demand.h"
#include "wf_input.h"

/* Appends to effects (wf_apply's array) the internal effect that opens the
 * items of the decide taken in state to, when there is one, after checking
 * that every item of d (its stored group, or the one in set, what the
 * transition writes) names a third party: else EN_FORBIDDEN
 * "decide.no_authority" (or "decide.no_items"), nothing written. */
int wf_decide_arrival(pool_t *p, en_err_t *err, const wf_def_t *def,
                      const wf_demand_t *d, json_t *set, const wf_state_t *to,
                      json_t *effects);

typedef struct {
    /* on EN_OK */
    int               done;        /* every item answered: `then` fired */
    const char       *state;       /* the demand's state now */
    /* on EN_BADINPUT: "outcome" or "comment" */
    wf_field_error_t *errors;
    int               nerrors;
} wf_decide_result_t;

/* who answers item (0-based) of decide_id on demand_id.  Checks, before
 * anything is written: may who answer it (authz 'decide-item': EN_NOTFOUND
 * for anyone but the item's third party), the demand still in the
 * decide's state (else EN_CONFLICT "decide.closed"), the item without a
 * final answer (EN_CONFLICT "decide.answered"), the outcome one of the
 * decide's and the comment as the decide asks (EN_BADINPUT, result->errors).
 * Then one statement, one transaction: the answer, its event, its mail to
 * the owner, and `then` when it was the last. */
int wf_decide(pool_t *p, en_err_t *err, const principal_t *who, const char *demand_id,
              const char *decide_id, int item, const char *outcome, const char *comment,
              wf_decide_result_t *result);

/* The items of a demand and their latest answers, as decide_items_of()
 * returns them ([{decide, item, group, group_name, key, outcome, final,
 * comment, at}]); the caller checked the reader may see the demand.
 * *out lives in p. */
int wf_decide_items(pool_t *p, en_err_t *err, const char *demand_id, json_t **out);

/* The items addressed to third-party group (which: "open", "done", "all"),
 * at most WF_DECIDE_QUEUE_LIMIT: {items, more} (more: true when the list
 * goes on; the open ones oldest first, the answered ones latest first,
 * sql/0052); the caller checked the reader is of that group.  *out lives
 * in p. */
#define WF_DECIDE_QUEUE_LIMIT 200
int wf_decide_queue(pool_t *p, en_err_t *err, const char *group, const char *which,
                    json_t **out);

/* The third-party groups who belongs to, [{id, name, open}] (their own
 * memberships: what their queue page lists).  *out lives in p. */
int wf_decide_groups(pool_t *p, en_err_t *err, const principal_t *who, json_t **out);

#endif
