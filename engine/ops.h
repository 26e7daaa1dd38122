/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * ops.h -- the administrators' view of the background work: incidents
 * (timers and mails failed for good, retried or given up from the page,
 * each act kept in admin_events) and the health of the scheduler and the
 * mailer, read from their work (sql/0031_incidents.sql).
 *
 * Reads and acts; who may is the caller's authz_check(AZ_ADMIN).  Does
 * not own firing timers (scheduler.c) nor sending mail (mailer.c).
 */
#ifndef GUICHET_OPS_H
#define GUICHET_OPS_H

#include <jansson.h>

#include "en_err.h"
#include "pool.h"

#define OPS_LIST_MAX 200    /* incidents of each kind on the page */

/* {timers: [...], mails: [...], n_timers, n_mails} (incidents_list). */
json_t *ops_incidents(pool_t *p, en_err_t *err);

/* {timers_late, timers_pending, timer_last, mails_late, mails_pending,
 * mail_last} (ops_health). */
json_t *ops_health(pool_t *p, en_err_t *err);

/* Retries or cancels (action "retry" | "cancel") the failed timer or mail
 * (kind "timer" | "mail") id for admin.  EN_NOTFOUND when it is not
 * failed (any more); EN_BADINPUT for an unknown kind or action. */
int ops_incident_act(pool_t *p, en_err_t *err, const char *kind, const char *id,
                     const char *action, const char *admin, const char *request_id);

#endif
