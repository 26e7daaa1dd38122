/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * scheduler.c -- due timers fired, one transaction each (see scheduler.h).
 *
 * Owns the claim of timers and the retry policy of a timer that fails:
 * the scheduler's one() of a background job (bgjob.c runs the loop, the
 * naps and the stopping).  What firing does is wf_fire.c's (the system as actor, the same checks and
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

/* The scheduler's bgjob one(): claims one due timer and fires (or purges,
 * or cancels) it in one transaction.  BGJOB_DONE fired or purged,
 * BGJOB_FAILED failed this time, BGJOB_SKIPPED cancelled because its
 * demand moved on, BGJOB_IDLE nothing due, BGJOB_DB database problem. */
static int
scheduler_one(const cfg_t *cfg)
{
    pool_t       *p = pool_new(0);
    en_err_t      err;
    PGresult     *res;
    const char   *id, *action, *transition, *state;
    wf_demand_t  *d;
    principal_t   who;
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
        return BGJOB_IDLE;
    }
    id = db_val(res, 0, 0);
    action = db_val(res, 0, 1);
    transition = db_val(res, 0, 2);
    state = db_val(res, 0, 3);
    attempts = atoi(db_val(res, 0, 4));
    if ((d = wf_demand_from_json(p, db_val(res, 0, 5), &err)) == NULL)
        goto db_fail;
    who = principal_system(pool_printf(p, "timer-%s", id));

    if (strcmp(d->state, state) != 0) {
        /* left its state without the timer being cancelled: never fire */
        const char *v[1] = { id };

        if (db_exec(p, &err, "UPDATE timers SET status = 'cancelled', done_at = now(),"
                             " last_error = 'the demand left the state'"
                             " WHERE id = $1::bigint", 1, v) == NULL
            || db_commit(p, &err) != EN_OK)
            goto db_fail;
        pool_free(p);
        return BGJOB_SKIPPED;
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
        count_fired();
        log_event(LOG_INFO, "draft purged", "demand", d->id, "reference", d->reference,
                  "timer", id, NULL);
        pool_free(p);
        return BGJOB_DONE;
    }
    rc = wf_fire_loaded(p, &err, &who, d, transition, NULL, id, NULL);
    if (rc == EN_OK && db_commit(p, &err) == EN_OK) {
        count_fired();
        pool_free(p);
        return BGJOB_DONE;
    }
    db_rollback();
    if (err.code == EN_UNAVAILABLE)
        goto db_fail;
    record_failure(p, id, attempts, &err);
    pool_free(p);
    return BGJOB_FAILED;

db_fail:
    db_rollback();
    log_event(LOG_WARN, "scheduler: database problem", "error", err.msg, "detail",
              err.detail, NULL);
    pool_free(p);
    return BGJOB_DB;
}

static int
scheduler_interval(const cfg_t *cfg)
{
    return cfg->scheduler_interval > 0 ? cfg->scheduler_interval : 2;
}

static int
scheduler_enabled(const cfg_t *cfg)
{
    return cfg->scheduler;
}

const bgjob_t scheduler_job = {
    .name = "scheduler",
    .done_word = "fired",
    .batch = SCHEDULER_BATCH,
    .enabled = scheduler_enabled,
    .interval = scheduler_interval,
    .one = scheduler_one,
};
