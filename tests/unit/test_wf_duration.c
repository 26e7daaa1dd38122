/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_wf_duration.c -- ISO-8601 durations (wf_duration_parse) and the
 * instants timers fall due (wf_duration_add through wf_due_iso: calendar
 * months and days in local civil time, then seconds), and the UTC format
 * timers.due_at stores (wf_time_iso).  Moved here from test_wf_fire.c,
 * which now tests wf_fire.
 */
#include "test_util.h"

#include <time.h>

#include "pool.h"
#include "wf_def.h"
#include "wf_fire.h"

static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return timegm(&tm);
}

static const char *
iso_after(pool_t *p, time_t t, const char *dur)
{
    wf_duration_t d;
    const char   *why = NULL;

    if (wf_duration_parse(dur, &d, &why) != 0)
        return "BAD";
    return wf_due_iso(p, t, &d);
}

static void
use_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

/* --- durations and due times ------------------------------------------------ */

static void
test_duration_parse_parts(void **state)
{
    wf_duration_t d;
    const char   *why;

    (void) state;
    assert_int_equal(wf_duration_parse("P1Y2M3DT4H5M6S", &d, &why), 0);
    assert_int_equal(d.months, 14);
    assert_int_equal(d.days, 3);
    assert_int_equal(d.seconds, 4 * 3600 + 5 * 60 + 6);
    assert_int_equal(wf_duration_parse("P2W", &d, &why), 0);
    assert_int_equal(d.days, 14);
    assert_int_equal(wf_duration_parse("PT90M", &d, &why), 0);
    assert_int_equal(d.seconds, 5400);
}

static void
test_duration_parse_refuses_malformed(void **state)
{
    static const char *bad[] = {
        "", "P", "PT", "60D", "P-1D", "P1.5D", "P1H", "PT1D", "P1D1M", "P1DT",
        "P1M1M", "PT1S1M", "P1DX", "p1d", "P0D", "P101Y", "P99999999999D", NULL
    };
    wf_duration_t d;
    const char   *why;
    int           i;

    (void) state;
    for (i = 0; bad[i] != NULL; i++) {
        why = NULL;
        assert_int_equal(wf_duration_parse(bad[i], &d, &why), -1);
        assert_non_null(why);
    }
}

static void
test_due_at_calendar_arithmetic_utc(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    use_tz("UTC");
    /* days are calendar days, crossing months and years */
    assert_string_equal(iso_after(p, utc(2026, 11, 23, 8, 0, 0), "P60D"),
                        "2027-01-22T08:00:00Z");
    assert_string_equal(iso_after(p, utc(2026, 12, 31, 23, 30, 0), "P1D"),
                        "2027-01-01T23:30:00Z");
    /* months clamp to the month's end, leap years included */
    assert_string_equal(iso_after(p, utc(2026, 1, 31, 12, 0, 0), "P1M"),
                        "2026-02-28T12:00:00Z");
    assert_string_equal(iso_after(p, utc(2028, 1, 31, 12, 0, 0), "P1M"),
                        "2028-02-29T12:00:00Z");
    assert_string_equal(iso_after(p, utc(2026, 11, 30, 0, 0, 0), "P3M"),
                        "2027-02-28T00:00:00Z");
    assert_string_equal(iso_after(p, utc(2028, 2, 29, 0, 0, 0), "P1Y"),
                        "2029-02-28T00:00:00Z");
    /* months first, then days (31 Jan + P1M1D = 1 Mar in 2026) */
    assert_string_equal(iso_after(p, utc(2026, 1, 31, 0, 0, 0), "P1M1D"),
                        "2026-03-01T00:00:00Z");
    /* the time part is exact seconds */
    assert_string_equal(iso_after(p, utc(2026, 11, 23, 8, 0, 0), "PT30S"),
                        "2026-11-23T08:00:30Z");
    /* the enrolment's chained deadlines: 10 days, 3 months */
    assert_string_equal(iso_after(p, utc(2026, 2, 20, 9, 15, 0), "P10D"),
                        "2026-03-02T09:15:00Z");
    assert_string_equal(iso_after(p, utc(2026, 11, 23, 8, 0, 0), "P3M"),
                        "2027-02-23T08:00:00Z");
    assert_string_equal(iso_after(p, utc(2026, 11, 23, 8, 0, 0), "nonsense"), "BAD");
    pool_free(p);
}

static void
test_due_at_keeps_the_civil_hour_across_dst_in_zurich(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    use_tz("Europe/Zurich");
    /* Sat 28 Mar 2026 12:00 CET (11:00Z) + P1D = Sun 29 Mar 12:00 CEST
     * (10:00Z): a day is a calendar day, 23 hours that time */
    assert_string_equal(iso_after(p, utc(2026, 3, 28, 11, 0, 0), "P1D"),
                        "2026-03-29T10:00:00Z");
    /* and 25 hours in October */
    assert_string_equal(iso_after(p, utc(2026, 10, 24, 10, 0, 0), "P1D"),
                        "2026-10-25T11:00:00Z");
    /* hours stay exact: 2 hours later is 2 hours later */
    assert_string_equal(iso_after(p, utc(2026, 3, 29, 0, 0, 0), "PT2H"),
                        "2026-03-29T02:00:00Z");
    use_tz("UTC");
    pool_free(p);
}

static void
test_time_iso_format(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    assert_string_equal(wf_time_iso(p, 0), "1970-01-01T00:00:00Z");
    assert_string_equal(wf_time_iso(p, utc(2026, 11, 23, 8, 53, 48)),
                        "2026-11-23T08:53:48Z");
    pool_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_parse_parts),
        cmocka_unit_test(test_duration_parse_refuses_malformed),
        cmocka_unit_test(test_due_at_calendar_arithmetic_utc),
        cmocka_unit_test(test_due_at_keeps_the_civil_hour_across_dst_in_zurich),
        cmocka_unit_test(test_time_iso_format),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
