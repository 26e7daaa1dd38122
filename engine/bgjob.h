/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * bgjob.h -- the one loop of the master's background children.
 *
 * A background job (the scheduler's timers, the mailer's outbox, and the
 * next one: letters, exports, reminders) is a queue in a table, drained
 * one item per transaction.  The job module says what one item is, in a
 * bgjob_t; this module runs it, as the master's child or once from the
 * command line:
 *
 *   init once ─> ┌─ up to batch items, each one()'s own transaction ─┐
 *                │  (stops between items when SIGTERM is pending)     │
 *                └─ a full batch: go on at once; else nap `interval`  ┘
 *                   seconds in sigtimedwait, which SIGTERM ends at once
 *
 * one() claims its item with SELECT ... FOR UPDATE SKIP LOCKED (two
 * processes, here or on another host, never take the same one), handles
 * it, records the outcome and commits: a process killed mid-item loses
 * nothing but that transaction.  Retry and backoff of a failed item are
 * the job's (they are what the item means); a database problem makes the
 * loop nap, so a database that is away is asked once per interval.
 *
 * Adding a job: write its one() (and init/fini when it needs libraries),
 * declare `const bgjob_t letters_job = {...}` in its module, and add it to
 * the table in commands.c.  docs/runtime.md says more.
 */
#ifndef GUICHET_BGJOB_H
#define GUICHET_BGJOB_H

#include "cfg.h"
#include "en_err.h"

/* What one() did. */
enum {
    BGJOB_DB = -1,      /* database problem (logged by one()): nap, retry */
    BGJOB_IDLE = 0,     /* nothing due */
    BGJOB_DONE = 1,     /* an item handled: fired, sent, ... */
    BGJOB_FAILED = 2,   /* an item handled that failed this time (retried or not) */
    BGJOB_SKIPPED = 3   /* an item handled that was neither (no longer applied) */
};

typedef struct {
    const char *name;                       /* child role, log process: "mailer" */
    const char *done_word;                  /* --once summary: "sent" */
    int         batch;                      /* items per round before a nap is considered */
    int       (*enabled)(const cfg_t *cfg); /* forked by the master? NULL: always */
    int       (*interval)(const cfg_t *cfg);/* seconds of a nap; NULL: 1 */
    int       (*init)(const cfg_t *cfg, en_err_t *err);  /* once per process; NULL: none */
    void      (*fini)(void);                /* before the process ends; NULL: none */
    int       (*one)(const cfg_t *cfg);     /* one item, one transaction: BGJOB_* */
} bgjob_t;

/* The master's child (a master_child_fn: arg is the bgjob_t): runs the
 * loop above until SIGTERM, SIGINT or SIGHUP.  Exit status 3 when init
 * fails, else 0. */
int bgjob_main(const cfg_t *cfg, const void *arg);

/* Handles what is due now, at most max items (fewer when a stop signal is
 * pending or nothing more is due).  *done and *failed count this call's
 * outcomes; the return is the number of items handled (skipped ones
 * too), or -1 on a database problem. */
int bgjob_drain(const bgjob_t *job, const cfg_t *cfg, int max, int *done, int *failed);

/* `guichet NAME --once`: init, connect, drain until a round is not full,
 * print "N <done_word>, N failed".  Returns the exit status (0, or 1 with
 * the reason on stderr). */
int bgjob_once(const bgjob_t *job, const cfg_t *cfg);

#endif
