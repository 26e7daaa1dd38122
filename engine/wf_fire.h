/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_fire.h -- THE one way a demand changes state: fire a transition.
 *
 *   wf_fire(p, err, who, demand_id, transition_id, input, result)
 *
 * checks, in this order and before anything is written:
 *   1. the demand exists and is in a state the transition leaves
 *      (else EN_CONFLICT "already done" when it just moved, EN_NOTFOUND);
 *   2. who may fire it: a person through authz_check(AZ_FIRE_TRANSITION,
 *      demand, role) for each role of the transition's by= list; the
 *      system only where by= names "system" (EN_FORBIDDEN otherwise);
 *   3. the guards (EN_FORBIDDEN with the guard's message key);
 *   4. the input: every field of the transition's form pages through
 *      field_validate / field_validate_file, the comment and attachments
 *      (EN_BADINPUT with one message key per field in result->errors);
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

#include "req.h"
#include "wf_def.h"
#include "wf_demand.h"

/* What the actor submitted with the transition. */
typedef struct {
    const kv_t     *form;              /* field name -> typed value */
    const upload_t *uploads;           /* file fields and attachments */
    const char     *comment;           /* NULL or text */
    int             expected_version;  /* the version the user saw; 0: any */
} wf_input_t;

/* One refused field: show msg_key (with arg) next to field. */
typedef struct {
    const char *field;      /* field name, attachment name or "comment" */
    const char *key;        /* catalogue key, e.g. "field.required" */
    const char *arg;        /* argument of the message, or NULL */
} wf_field_error_t;

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
int wf_fire(pool_t *p, en_err_t *err, const wf_who_t *who,
            const char *demand_id, const char *transition_id,
            const wf_input_t *input, wf_result_t *result);

/* The same with the demand already loaded (by the scheduler's claim), and
 * the timer being fired (NULL when none: it is then consumed in the same
 * transaction, so it fires at most once). */
int wf_fire_loaded(pool_t *p, en_err_t *err, const wf_who_t *who,
                   const wf_demand_t *d, const char *transition_id,
                   const wf_input_t *input, const char *timer_id,
                   wf_result_t *result);

/* Saves fields of the pages the demand's current state lets its owner
 * edit (a draft being filled in, page by page), without a transition:
 * each submitted field is validated on its own (required-ness waits for
 * the transition that submits), and a draft's purge timer restarts.
 * Same errors as wf_fire; result->version is the new version. */
int wf_save(pool_t *p, en_err_t *err, const wf_who_t *who,
            const char *demand_id, const wf_input_t *input,
            wf_result_t *result);
/* The same with the demand loaded by the caller in this request, after it
 * asked authz_check(AZ_FIRE_TRANSITION, id, "owner") itself (the page
 * save: one load and one question instead of two).  The version loaded is
 * the one the save expects: a change in between is a conflict. */
int wf_save_loaded(pool_t *p, en_err_t *err, const wf_who_t *who,
                   const wf_demand_t *d, const wf_input_t *input,
                   wf_result_t *result);

/* The transition's by= list as authz reads it, without "system" ("" when
 * only the system fires it); lives in p. */
const char *wf_people_roles(pool_t *p, const wf_transition_t *t);

/* --- pure parts, unit-tested ------------------------------------------- */

/* now + d (wf_duration_add: calendar months and days in local civil time,
 * then seconds) as "2026-11-23T08:53:48Z", what timers.due_at stores. */
const char *wf_due_iso(pool_t *p, time_t now, const wf_duration_t *d);
/* "2026-11-23T08:53:48Z" */
const char *wf_time_iso(pool_t *p, time_t t);

/* The definition's timers running in state s, as the JSON array wf_apply
 * and wf_create take ([{name, action, transition, due}]), due from now. */
const char *wf_timers_json(pool_t *p, const wf_state_t *s, time_t now);

#endif
