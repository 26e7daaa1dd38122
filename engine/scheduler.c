/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * scheduler.c -- due timers fired, one transaction each (see scheduler.h).
 *
 * Owns the claim of timers and the retry policy of a timer that fails.
 * What firing does is wf_fire.c's (the system as actor, the same checks and
 * the same wf_apply as a person's click); a draft purge is wf_purge().
 *
 *   BEGIN
 *   SELECT t.*, d.* FROM timers t JOIN demands d ... due, pending
 *          ORDER BY due_at LIMIT 1 FOR UPDATE OF t, d SKIP LOCKED
 *   state moved on?   -> timer cancelled
 *   purge             -> SELECT wf_purge(...)
 *   fire              -> wf_fire_loaded(system, ..., timer) -> wf_apply
 *   COMMIT            (on failure: ROLLBACK, then the timer's attempts and
 *                      next due time in a transaction of their own)
 *
 * Locking both rows at the claim, without waiting, keeps the lock order
 * of a person's transition (demand, then its timers) from ever meeting the
 * scheduler's in a deadlock.
 */
#include "scheduler.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "log.h"
#include "master.h"
#include "metrics.h"
#include "pool_json.h"
#include "wf_demand.h"
#include "wf_fire.h"

static long
retry_delay(int attempts)
{
    long s = SCHEDULER_RETRY_BASE;

    while (--attempts > 0 && s < 86400)
        s *= 2;
    return s;
}

static void
count_fired(void)
{
    metrics_t *m = metrics_get();

    if (m != NULL)
        metrics_add(&m->timers_fired, 1);
}

/* A timer that could not fire: counted, retried later, failed for good
 * after SCHEDULER_MAX_ATTEMPTS; one that no longer applies (its guard
 * says no) is cancelled. */
static void
record_failure(pool_t *p, const char *id, int attempts, const en_err_t *why)
{
    en_err_t    err;
    char        wait[24];
    const char *status, *v[4];

    en_clear(&err);
    if (why->code == EN_FORBIDDEN)
        status = "cancelled";
    else if (attempts + 1 >= SCHEDULER_MAX_ATTEMPTS)
        status = "failed";
    else
        status = "pending";
    snprintf(wait, sizeof(wait), "%ld", retry_delay(attempts + 1));
    v[0] = id;
    v[1] = pool_printf(p, "%s%s%s", why->msg, *why->detail ? ": " : "", why->detail);
    v[2] = status;
    v[3] = wait;
    if (db_exec(p, &err, "UPDATE timers SET attempts = attempts + 1, last_error = $2,"
                         " status = $3, done_at = CASE WHEN $3 = 'pending' THEN NULL"
                         "                             ELSE now() END,"
                         " due_at = CASE WHEN $3 = 'pending'"
                         "     THEN now() + make_interval(secs => $4::int) ELSE due_at END"
                         " WHERE id = $1::bigint AND status = 'pending'", 4, v) == NULL)
        return;
    log_event(!strcmp(status, "failed") ? LOG_ERROR : LOG_WARN,
              !strcmp(status, "failed") ? "timer failed for good"
              : !strcmp(status, "cancelled") ? "timer does not apply; cancelled"
              : "timer failed; will retry",
              "timer", id, "error", v[1], NULL);
}

/* 1: a timer was handled (fired or not), 0: nothing due, -1: database. */
static int
fire_one(int *fired, int *failed)
{
    pool_t       *p = pool_new(0);
    en_err_t      err;
    PGresult     *res;
    const char   *id, *action, *transition, *state;
    wf_demand_t  *d;
    wf_who_t      who;
    int           attempts, rc;

    en_clear(&err);
    if (db_begin(p, &err) != EN_OK)
        goto db_fail;
    res = db_exec(p, &err,
                  "SELECT t.id, t.action, coalesce(t.transition, ''), t.state, t.attempts,"
                  "       to_jsonb(d)"
                  "  FROM timers t JOIN demands d ON d.id = t.demand_id"
                  " WHERE t.status = 'pending' AND t.due_at <= now()"
                  " ORDER BY t.due_at, t.id LIMIT 1"
                  "   FOR UPDATE OF t, d SKIP LOCKED", 0, NULL);
    if (res == NULL)
        goto db_fail;
    if (PQntuples(res) == 0) {
        db_rollback();
        pool_free(p);
        return 0;
    }
    id = db_val(res, 0, 0);
    action = db_val(res, 0, 1);
    transition = db_val(res, 0, 2);
    state = db_val(res, 0, 3);
    attempts = atoi(db_val(res, 0, 4));
    if ((d = wf_demand_from_json(p, db_val(res, 0, 5), &err)) == NULL)
        goto db_fail;
    wf_who_system(&who, pool_printf(p, "timer-%s", id));

    if (strcmp(d->state, state) != 0) {
        /* left its state without the timer being cancelled: never fire */
        const char *v[1] = { id };

        if (db_exec(p, &err, "UPDATE timers SET status = 'cancelled', done_at = now(),"
                             " last_error = 'the demand left the state'"
                             " WHERE id = $1::bigint", 1, v) == NULL
            || db_commit(p, &err) != EN_OK)
            goto db_fail;
        pool_free(p);
        return 1;
    }
    if (!strcmp(action, "purge")) {
        char        ver[16];
        json_t     *c = pool_json(p, json_object());
        const char *v[1];

        snprintf(ver, sizeof(ver), "%d", d->version);
        json_object_set_new(c, "demand", json_string(d->id));
        json_object_set_new(c, "version", json_integer(d->version));
        json_object_set_new(c, "state", json_string(d->state));
        json_object_set_new(c, "request_id", json_string(who.request_id));
        v[0] = pool_json_dumps(p, c, JSON_COMPACT);
        if (db_exec(p, &err, "SELECT wf_purge($1::jsonb)", 1, v) == NULL
            || db_commit(p, &err) != EN_OK)
            goto db_fail;
        (*fired)++;
        count_fired();
        log_event(LOG_INFO, "draft purged", "demand", d->id, "reference", d->reference,
                  "timer", id, NULL);
        pool_free(p);
        return 1;
    }
    rc = wf_fire_loaded(p, &err, &who, d, transition, NULL, id, NULL);
    if (rc == EN_OK && db_commit(p, &err) == EN_OK) {
        (*fired)++;
        count_fired();
        pool_free(p);
        return 1;
    }
    db_rollback();
    if (err.code == EN_UNAVAILABLE)
        goto db_fail;
    (*failed)++;
    record_failure(p, id, attempts, &err);
    pool_free(p);
    return 1;

db_fail:
    db_rollback();
    log_event(LOG_WARN, "scheduler: database problem", "error", err.msg, "detail",
              err.detail, NULL);
    pool_free(p);
    return -1;
}

int
scheduler_run(const cfg_t *cfg, int max, int *fired, int *failed)
{
    int i, rc = 0;

    (void) cfg;
    *fired = *failed = 0;
    for (i = 0; i < max && !master_child_should_stop(); i++)
        if ((rc = fire_one(fired, failed)) <= 0)
            break;
    return rc < 0 ? EN_UNAVAILABLE : EN_OK;
}

int
scheduler_main(const cfg_t *cfg)
{
    sigset_t        set;
    struct timespec nap;
    en_err_t        err;
    int             fired, failed;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    nap.tv_sec = cfg->scheduler_interval > 0 ? cfg->scheduler_interval : 2;
    nap.tv_nsec = 0;
    en_clear(&err);
    if (db_init(cfg->database, &err) != EN_OK)
        log_event(LOG_WARN, "database not reachable yet", "error", err.detail, NULL);
    log_event(LOG_INFO, "scheduler ready", NULL);
    for (;;) {
        int rc = scheduler_run(cfg, SCHEDULER_BATCH, &fired, &failed);

        if (master_child_should_stop())
            break;
        if (rc == EN_OK && fired + failed == SCHEDULER_BATCH)
            continue;           /* more is due: no nap */
        /* sleeps the interval; SIGTERM ends the nap at once */
        if (sigtimedwait(&set, NULL, &nap) > 0)
            break;
    }
    db_close();
    log_event(LOG_INFO, "scheduler stopped", NULL);
    return 0;
}
