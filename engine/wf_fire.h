/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_fire.h -- THE one way a demand changes state: fire a transition.
 *
 *   wf_fire(p, err, who, demand_id, transition_id, input, result)
 *
 * checks, in this order and before anything is written:
 *   1. the demand exists and is in a state the transition leaves
 *      (else EN_CONFLICT "already done" when it just moved, EN_NOTFOUND);
 *   2. who (a principal.h principal: web, command line or timer alike) may
 *      fire it: a person through one authz_check(AZ_FIRE_TRANSITION,
 *      demand, roles) for the transition's parsed by= roles; the system
 *      only where by= names "system" (EN_FORBIDDEN otherwise);
 *   3. the guards (EN_FORBIDDEN with the guard's message key);
 *   4. the input (wf_input.c): every field of the transition's form pages
 *      through field_validate / field_validate_file, the comment and
 *      attachments, every text valid UTF-8 (EN_BADINPUT with one message
 *      key per field in result->errors);
 * then applies it in ONE round trip (SELECT wf_apply($1::jsonb, $2::bytea[]),
 * one transaction): the demand updated WHERE its version still matches,
 * the event appended, uploaded files stored, the side effects run, the old
 * state's timers cancelled and the new state's scheduled, the mails queued
 * in the outbox.  Anything failing rolls all of it back.  Two concurrent
 * firings: the second finds the version moved and gets EN_CONFLICT.
 */
#ifndef GUICHET_WF_FIRE_H
#define GUICHET_WF_FIRE_H

#include <time.h>

#include <jansson.h>

#include "kv.h"
#include "principal.h"
#include "wf_def.h"
#include "wf_demand.h"
#include "wf_input.h"   /* wf_input_t, wf_field_error_t */

typedef struct {
    /* on EN_OK */
    const char        *state;         /* the new state */
    int                version;       /* the demand's new version */
    long long          event_id;
    /* on EN_BADINPUT: every refused field, in form order */
    wf_field_error_t  *errors;
    int                nerrors;
    /* on EN_CONFLICT: where the demand is now */
    const char        *current_state;
    int                current_version;
    const char        *last_transition;
} wf_result_t;

/* Fires transition_id on demand_id for who with input (NULL: none).
 * Returns EN_OK, EN_NOTFOUND, EN_CONFLICT, EN_FORBIDDEN (or EN_UNAUTH),
 * EN_BADINPUT (result->errors), EN_UNAVAILABLE or EN_INTERNAL, with err
 * set (msg safe to show, key for the catalogue).  result may be NULL;
 * everything in it lives in p. */
int wf_fire(pool_t *p, en_err_t *err, const principal_t *who,
            const char *demand_id, const char *transition_id,
            const wf_input_t *input, wf_result_t *result);

/* The same with the demand already loaded (by the scheduler's claim), and
 * the timer being fired (NULL when none: it is then consumed in the same
 * transaction, so it fires at most once). */
int wf_fire_loaded(pool_t *p, en_err_t *err, const principal_t *who,
                   const wf_demand_t *d, const char *transition_id,
                   const wf_input_t *input, const char *timer_id,
                   wf_result_t *result);

/* The change document wf_apply takes for the system firing t on d, with
 * no input (guards are not evaluated: the checker allows none where this
 * is used), for a caller that applies it in its own statement: a
 * <decide>'s `then`, fired when its last item is answered (wf_decide.c;
 * the statement sets "version").  *out lives in p. */
int wf_fire_change_system(pool_t *p, en_err_t *err, const principal_t *sys,
                          const wf_demand_t *d, const wf_transition_t *t, json_t **out);

/* The read receipt: fires, for a person viewing demand d (as the page
 * just read it), the first transition with auto="on-view" leaving its
 * state that this person plays (one batched authorization question first,
 * so a reader it is not for is not refused anything).  *fired is 1 when
 * one fired, or when a concurrent view fired it first (EN_CONFLICT is no
 * error here): the page then reads the demand again.  Costs nothing when
 * the state has no such transition. */
int wf_on_view(pool_t *p, en_err_t *err, const principal_t *who, wf_demand_t *d,
               int *fired);

/* Saves fields of the pages the demand's current state lets its owner
 * edit (a draft being filled in, page by page), without a transition:
 * each submitted field is validated on its own (required-ness waits for
 * the transition that submits), and a draft's purge timer restarts.
 * Same errors as wf_fire; result->version is the new version. */
int wf_save(pool_t *p, en_err_t *err, const principal_t *who,
            const char *demand_id, const wf_input_t *input,
            wf_result_t *result);
/* The same with the demand loaded by the caller in this request, after it
 * asked authz_check(AZ_FIRE_TRANSITION, id, "owner") itself (the page
 * save: one load and one question instead of two).  The version loaded is
 * the one the save expects: a change in between is a conflict. */
int wf_save_loaded(pool_t *p, en_err_t *err, const principal_t *who,
                   const wf_demand_t *d, const wf_input_t *input,
                   wf_result_t *result);

/* The transition's roles, parsed when the definition was loaded, as the
 * argument of AZ_FIRE_TRANSITION: normalised "kind" or "kind:qualifier"
 * items ("owner agent:serac referent:grants") one blank apart, which
 * authz_may() compares and never parses; without "system" ("" when only
 * the system fires it).  An actor chosen by the data
 * (by="third-party:@FIELD", wf_roles.h) becomes the group d's data names,
 * or is left out (d NULL, or no group named).  Lives in p. */
const char *wf_people_roles(pool_t *p, const wf_transition_t *t, const wf_demand_t *d);

/* The distinct wf_people_roles() of every transition of the definitions
 * this process has loaded whose actors the definition names alone (none
 * chosen by the data): a page may ask them all beside the statement that
 * reads a demand, before it knows the demand's state (h_demand_view.c).
 * "owner" first, always.  *roles is kept by the process until the store
 * loads another definition (p: the call's scratch). */
size_t wf_people_roles_known(pool_t *p, const char ***roles);

/* 0 when a guard of t that depends on the demand's stored data alone
 * (service-approval) does not hold: the page offers no button for a step
 * that could only be refused.  The other guards are judged when firing. */
int wf_transition_applies(const wf_demand_t *d, const wf_transition_t *t);

/* A text in every language as a JSON object {"fr": ..., "de": ...} (a
 * mail's data: the mailer picks the recipient's language). */
json_t *wf_i18n_json(const wf_i18n_t *t);

/* --- pure parts, unit-tested ------------------------------------------- */

/* wf_due_iso() and wf_time_iso() are wf_time.h's. */

/* The definition's timers running in state s, as the JSON array wf_apply
 * and wf_create take ([{name, action, transition, due}]), due from now. */
const char *wf_timers_json(pool_t *p, const wf_state_t *s, time_t now);

#endif
