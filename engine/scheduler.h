/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * scheduler.h -- the scheduler process: fires due timers.
 *
 * Each timer is fired in its own transaction: it is claimed together with
 * its demand by SELECT ... FOR UPDATE SKIP LOCKED (a second scheduler, on
 * this host or another, skips it; nobody ever waits on a lock while holding
 * one), fired through wf_fire_loaded() as the system (which marks it fired
 * in the same transaction), and committed.  A timer therefore fires at most
 * once; a scheduler killed mid-batch loses nothing, since its open
 * transaction rolls back and the timer is still due for the next one.
 */
#ifndef GUICHET_SCHEDULER_H
#define GUICHET_SCHEDULER_H

#include "bgjob.h"

#define SCHEDULER_BATCH        100   /* timers per wake-up before a pause */
#define SCHEDULER_MAX_ATTEMPTS 5     /* a failing timer becomes 'failed' */
#define SCHEDULER_RETRY_BASE   60    /* seconds before the 2nd attempt */

/* The scheduler as a background job (bgjob.h): a child of the master when
 * cfg->scheduler is set, waking every cfg->scheduler_interval seconds, and
 * `guichet scheduler [--once]`; one() fires one due timer. */
extern const bgjob_t scheduler_job;

#endif
