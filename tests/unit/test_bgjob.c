/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_bgjob.c -- the background jobs' loop, with a job whose one() plays
 * back a script: what a round counts, where it stops (nothing due, the
 * batch, a database problem, a pending SIGTERM).
 */
#include "test_util.h"

#include <signal.h>

#include "bgjob.h"

static const int *script;   /* one()'s answers, ended by BGJOB_IDLE */
static int        calls;

static int
scripted_one(const cfg_t *cfg)
{
    (void) cfg;
    return script[calls++];
}

static const bgjob_t job = {
    .name = "test", .done_word = "done", .batch = 3, .one = scripted_one,
};

static void
play(const int *answers)
{
    script = answers;
    calls = 0;
}

static void
test_counts_until_nothing_is_due(void **state)
{
    static const int answers[] = { BGJOB_DONE, BGJOB_FAILED, BGJOB_SKIPPED, BGJOB_DONE,
                                   BGJOB_IDLE };
    int done, failed;

    (void) state;
    play(answers);
    assert_int_equal(bgjob_drain(&job, NULL, 10, &done, &failed), 4);
    assert_int_equal(done, 2);
    assert_int_equal(failed, 1);
    assert_int_equal(calls, 5);
}

static void
test_stops_at_max(void **state)
{
    static const int answers[] = { BGJOB_DONE, BGJOB_DONE, BGJOB_DONE, BGJOB_DONE,
                                   BGJOB_IDLE };
    int done, failed;

    (void) state;
    play(answers);
    assert_int_equal(bgjob_drain(&job, NULL, 3, &done, &failed), 3);
    assert_int_equal(done, 3);
    assert_int_equal(calls, 3);         /* the fourth is for the next round */
}

static void
test_database_problem_ends_the_round(void **state)
{
    static const int answers[] = { BGJOB_DONE, BGJOB_DB, BGJOB_DONE, BGJOB_IDLE };
    int done, failed;

    (void) state;
    play(answers);
    assert_int_equal(bgjob_drain(&job, NULL, 10, &done, &failed), -1);
    assert_int_equal(calls, 2);
}

/* SIGTERM pending (blocked, as in a child of the master): no item more */
static void
test_pending_sigterm_stops_between_items(void **state)
{
    static const int answers[] = { BGJOB_DONE, BGJOB_DONE, BGJOB_IDLE };
    sigset_t set, old;
    int      done, failed, sig;

    (void) state;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGTERM);
    play(answers);
    assert_int_equal(bgjob_drain(&job, NULL, 10, &done, &failed), 0);
    assert_int_equal(calls, 0);
    sigwait(&set, &sig);                /* take it back */
    sigprocmask(SIG_SETMASK, &old, NULL);
    play(answers);
    assert_int_equal(bgjob_drain(&job, NULL, 10, &done, &failed), 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_until_nothing_is_due),
        cmocka_unit_test(test_stops_at_max),
        cmocka_unit_test(test_database_problem_ends_the_round),
        cmocka_unit_test(test_pending_sigterm_stops_between_items),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
