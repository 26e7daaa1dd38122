/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * bgjob.c -- the background children's loop (see bgjob.h).
 *
 * Owns the shape every background job shares: signals kept blocked for the
 * process's life and looked at between items (master_child_should_stop),
 * rounds of at most `batch` items, the nap when a round was not full, the
 * connection to the database, the ready/stopped log lines.  Knows no job by
 * name: what an item is belongs to the job's module.
 */
#include "bgjob.h"

#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "db.h"
#include "log.h"
#include "master.h"

int
bgjob_drain(const bgjob_t *job, const cfg_t *cfg, int max, int *done, int *failed)
{
    int handled = 0;

    *done = *failed = 0;
    while (handled < max && !master_child_should_stop()) {
        int rc = job->one(cfg);

        if (rc == BGJOB_DB)
            return -1;
        if (rc == BGJOB_IDLE)
            break;
        handled++;
        if (rc == BGJOB_DONE)
            (*done)++;
        else if (rc == BGJOB_FAILED)
            (*failed)++;
    }
    return handled;
}

int
bgjob_main(const cfg_t *cfg, const void *arg)
{
    const bgjob_t  *job = arg;
    sigset_t        set;
    struct timespec nap;
    en_err_t        err;
    int             done, failed;

    /* blocked for the process's life: pending, they say "stop" between
     * items; sigtimedwait takes them during a nap */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    nap.tv_sec = job->interval != NULL ? job->interval(cfg) : 1;
    if (nap.tv_sec <= 0)
        nap.tv_sec = 1;
    nap.tv_nsec = 0;
    en_clear(&err);
    if (job->init != NULL && job->init(cfg, &err) != EN_OK) {
        log_event(LOG_ERROR, "background job cannot start", "job", job->name, "error",
                  err.msg, "detail", err.detail, NULL);
        return 3;
    }
    if (db_init(cfg->database, &err) != EN_OK)
        log_event(LOG_WARN, "database not reachable yet", "error", err.detail, NULL);
    log_event(LOG_INFO, "background job ready", "job", job->name, NULL);
    for (;;) {
        int handled = bgjob_drain(job, cfg, job->batch, &done, &failed);

        if (master_child_should_stop())
            break;
        if (handled == job->batch)
            continue;           /* more may be due: no nap */
        if (sigtimedwait(&set, NULL, &nap) > 0)
            break;
    }
    if (job->fini != NULL)
        job->fini();
    db_close();
    log_event(LOG_INFO, "background job stopped", "job", job->name, NULL);
    return 0;
}

int
bgjob_once(const bgjob_t *job, const cfg_t *cfg)
{
    en_err_t err;
    int      done, failed, total_done = 0, total_failed = 0, rc = 0;

    en_clear(&err);
    if (job->init != NULL && job->init(cfg, &err) != EN_OK) {
        fprintf(stderr, "guichet: %s\n", err.msg);
        return 1;
    }
    if (db_init(cfg->database, &err) != EN_OK) {
        fprintf(stderr, "guichet: %s (%s)\n", err.msg, err.detail);
        rc = 1;
    }
    while (rc == 0) {
        int handled = bgjob_drain(job, cfg, job->batch, &done, &failed);

        if (handled < 0) {
            fprintf(stderr, "guichet: %s: database problem (see the log)\n", job->name);
            rc = 1;
            break;
        }
        total_done += done;
        total_failed += failed;
        if (handled < job->batch)
            break;
    }
    if (rc == 0)
        printf("%d %s, %d failed\n", total_done, job->done_word, total_failed);
    if (job->fini != NULL)
        job->fini();
    db_close();
    return rc;
}
