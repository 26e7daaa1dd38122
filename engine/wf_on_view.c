/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_on_view.c -- the read receipt: a transition marked auto="on-view"
 * fires when a person it is open to opens the demand (a decision read by
 * its owner goes to the archive).
 *
 * A named step of the runtime, taken by the demand page on the demand it
 * has just read (engine/h_demand_view.c); when a receipt fired, the page
 * reads the demand again, so that it shows the state after the receipt.  Which transitions are receipts, and
 * who they are open to, is the definition's; whether this reader plays
 * the role is asked in one batched authz_may (no refusal is logged for a
 * reader who simply is not the one the receipt is for); the firing itself
 * is wf_fire_loaded's, with its own authorization, in one transaction.
 * Does not render anything.
 */
#include <string.h>

#include "authz.h"
#include "wf_fire.h"
#include "wf_store.h"

int
wf_on_view(pool_t *p, en_err_t *err, const principal_t *who, wf_demand_t *d, int *fired)
{
    const wf_def_t          *def;
    const wf_state_t        *s;
    const wf_transition_t  **cand;
    const char             **objs, **roles;
    az_action_t             *acts;
    int                     *allowed, n = 0, i, rc;
    size_t                   k;

    *fired = 0;
    if (who->kind != PRINCIPAL_PERSON)
        return EN_OK;
    if ((def = wf_store_get(err, d->workflow_key, d->definition_version)) == NULL)
        return err->code;
    if ((s = wf_state_find(def, d->state)) == NULL)
        return EN_OK;                   /* the page says what is wrong */
    cand = pool_calloc(p, sizeof(*cand) * (s->n_out + 1));
    objs = pool_calloc(p, sizeof(*objs) * (s->n_out + 1));
    roles = pool_calloc(p, sizeof(*roles) * (s->n_out + 1));
    acts = pool_calloc(p, sizeof(*acts) * (s->n_out + 1));
    allowed = pool_calloc(p, sizeof(*allowed) * (s->n_out + 1));
    for (k = 0; k < s->n_out; k++) {
        const char *ro;

        if (!s->out[k]->auto_on_view || *(ro = wf_people_roles(p, s->out[k], d)) == '\0')
            continue;
        cand[n] = s->out[k];
        acts[n] = AZ_FIRE_TRANSITION;
        objs[n] = d->id;
        roles[n++] = ro;
    }
    if (n == 0)
        return EN_OK;
    if ((rc = authz_check_many(p, err, who, n, acts, objs, roles, allowed, NULL)) != EN_OK)
        return rc;
    for (i = 0; i < n; i++) {
        wf_result_t res;

        if (!allowed[i])
            continue;
        rc = wf_fire_loaded(p, err, who, d, cand[i]->id, NULL, NULL, &res);
        /* a conflict: another window fired it first, which is no error */
        if (rc != EN_OK && rc != EN_CONFLICT)
            return rc;
        en_clear(err);
        *fired = 1;
        return EN_OK;
    }
    return EN_OK;
}
