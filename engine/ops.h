/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * ops.h -- the administrators' view of the background work: incidents
 * (timers, mails and letters failed for good, retried or given up from
 * the page, each act kept in admin_events) and the health of the
 * scheduler, the mailer and the letters job, read from their work
 * (sql/0031_incidents.sql, sql/0037_letter_incidents.sql).
 *
 * Reads and acts; who may is the caller's authz_check(AZ_ADMIN).  Does
 * not own firing timers (scheduler.c), sending mail (mailer.c) nor
 * typesetting letters (letters_job.c): a retry hands the item back to
 * them.  A letter given up leaves the print queue and its demand's
 * history gets the event "letter-cancelled".
 */
#ifndef GUICHET_OPS_H
#define GUICHET_OPS_H

#include <jansson.h>

#include "en_err.h"
#include "pool.h"

#define OPS_LIST_MAX 200    /* incidents of each kind on the page */

/* {timers: [...], mails: [...], letters: [...], n_timers, n_mails,
 * n_letters} (incidents_list). */
json_t *ops_incidents(pool_t *p, en_err_t *err);

/* {timers_late, timers_pending, timer_last, mails_late, mails_pending,
 * mail_last, letters_late, letters_pending, letter_last} (ops_health). */
json_t *ops_health(pool_t *p, en_err_t *err);

/* Retries or cancels (action "retry" | "cancel") the failed timer, mail or
 * letter (kind "timer" | "mail" | "letter") id for admin.  EN_NOTFOUND
 * with key "ops.gone" when it is not failed (any more); EN_NOTFOUND with
 * "err.notfound" for an unknown kind or action. */
int ops_incident_act(pool_t *p, en_err_t *err, const char *kind, const char *id,
                     const char *action, const char *admin, const char *request_id);

#endif
