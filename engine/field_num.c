/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * field_num.c -- numbers, money and dates as Swiss users type them.
 *
 * Owns the integer reading shared by number and money (thousands
 * separators ' and U+2019 and blanks, in groups of three), money as int64
 * cents with no floating point anywhere (1'200.50 is 120050, overflow is an
 * input error), and dates written jj.mm.aaaa or yyyy-mm-dd, checked against
 * the real calendar and stored as ISO.  Limits handed back as message
 * arguments are written the Swiss way: 500'000, 500'000.00 CHF, 01.01.2020
 * (the same writers serve field_display(), field_display.c).  Called only
 * through field_validate() (field.c).
 */
#include "field_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* What may precede or follow an amount; longest spelling first. */
static const char *const field_currencies[] = {
    "CHF", "SFr.", "Fr.", "Fr", NULL
};

/* *acc = *acc * mul + add, or -1 when that passes INT64_MAX (acc >= 0). */
static int
field_mul_add(int64_t *acc, int64_t mul, int64_t add)
{
    if (*acc > (INT64_MAX - add) / mul)
        return -1;
    *acc = *acc * mul + add;
    return 0;
}

static size_t
field_thousands_len(const char *s)
{
    const unsigned char *u = (const unsigned char *) s;

    if (u[0] == '\'')
        return 1;
    if (u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x99)
        return 3;                       /* ’ as word processors write ' */
    return field_blank_len(s);
}

/*
 * Reads digits split by thousands separators into *acc.  Once a separator
 * appears, the first group has 1 to 3 digits and every later group exactly
 * 3: "1'00" is a typo, not a hundred, and "1 2" two numbers.  Returns the
 * bytes read, or 0 when s starts with no digit, the grouping is wrong or
 * the value passes INT64_MAX.
 */
static size_t
field_read_grouped(const char *s, int64_t *acc)
{
    size_t i = 0, group = 0, n;
    int    grouped = 0;

    *acc = 0;
    for (;;) {
        if (field_is_digit(s[i])) {
            if (field_mul_add(acc, 10, s[i] - '0') != 0)
                return 0;
            group++;
            i++;
        } else if ((n = field_thousands_len(s + i)) > 0) {
            if (group == 0 || (grouped ? group != 3 : group > 3))
                return 0;
            grouped = 1;
            group = 0;
            i += n;
        } else {
            break;
        }
    }
    if (group == 0 || (grouped && group != 3))
        return 0;
    return i;
}

/* 1234567 -> "1'234'567", with a '-' in front when neg. */
char *
field_fmt_grouped(pool_t *p, int neg, uint64_t u)
{
    char   digits[24], out[40];
    size_t len, i, j = 0;

    snprintf(digits, sizeof(digits), "%" PRIu64, u);
    len = strlen(digits);
    if (neg)
        out[j++] = '-';
    for (i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[j++] = '\'';
        out[j++] = digits[i];
    }
    out[j] = '\0';
    return pool_strdup(p, out);
}

static uint64_t
field_abs(int64_t v)
{
    return v < 0 ? (uint64_t) -(v + 1) + 1 : (uint64_t) v;
}

static char *
field_fmt_units(pool_t *p, int64_t v)
{
    return field_fmt_grouped(p, v < 0, field_abs(v));
}

/* 50000000 cents -> "500'000.00 CHF". */
char *
field_fmt_cents(pool_t *p, int64_t cents)
{
    uint64_t u = field_abs(cents);

    return pool_printf(p, "%s.%02u CHF",
                       field_fmt_grouped(p, cents < 0, u / 100),
                       (unsigned) (u % 100));
}

/* integer, as stored: "-1200" */
field_result_t
field_check_number(pool_t *p, const field_rules_t *r, const char *s)
{
    int     neg = 0;
    int64_t v;
    size_t  n;

    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if ((n = field_read_grouped(s, &v)) == 0 || s[n] != '\0')
        return field_fail("field.number.invalid", NULL);
    if (neg)
        v = -v;
    if (r->has_min && v < r->min)
        return field_fail("field.too_small", field_fmt_units(p, r->min));
    if (r->has_max && v > r->max)
        return field_fail("field.too_big", field_fmt_units(p, r->max));
    return field_pass(pool_printf(p, "%" PRId64, v));
}

/* The amount without a currency before or after it ("CHF 12", "12 fr."). */
static char *
field_money_strip(pool_t *p, const char *s)
{
    size_t len = strlen(s), n, i;

    for (i = 0; field_currencies[i] != NULL; i++) {
        n = strlen(field_currencies[i]);
        if (len <= n)
            continue;
        if (strncasecmp(s, field_currencies[i], n) == 0) {
            s += n;
            len -= n;
            break;
        }
        if (strncasecmp(s + len - n, field_currencies[i], n) == 0) {
            len -= n;
            break;
        }
    }
    return field_trim(p, pool_strndup(p, s, len));
}

/* After the decimal separator: ".-", ".--" and ".–" mean no centimes. */
static int
field_is_dash_cents(const char *s)
{
    return strcmp(s, "-") == 0 || strcmp(s, "--") == 0
           || strcmp(s, "\xE2\x80\x93") == 0;
}

/*
 * Reads the centimes after the decimal separator into *frac (".5" is 50).
 * Returns the number of decimals typed, or -1 when something else follows.
 */
static int
field_read_cents(const char *s, int64_t *frac)
{
    int n = 0;

    *frac = 0;
    if (field_is_dash_cents(s))
        return 0;
    for (; field_is_digit(*s); s++, n++)
        if (n < 2)
            *frac += (*s - '0') * (n == 0 ? 10 : 1);
    return *s == '\0' ? n : -1;
}

/*
 * money, stored as cents: "1'200.50" -> "120050".  The decimal separator
 * is '.' or ','; "1.200" is refused for its three decimals rather than
 * read as German thousands.  An amount is never negative unless the
 * definition sets a negative minimum.
 */
field_result_t
field_check_money(pool_t *p, const field_rules_t *r, const char *s)
{
    int     neg = 0, decimals = 0;
    int64_t cents, frac = 0, min;
    size_t  n;

    s = field_money_strip(p, s);
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if ((n = field_read_grouped(s, &cents)) == 0)
        return field_fail("field.money.invalid", NULL);
    s += n;
    if (*s == '.' || *s == ',') {
        if ((decimals = field_read_cents(s + 1, &frac)) < 0)
            return field_fail("field.money.invalid", NULL);
    } else if (*s != '\0') {
        return field_fail("field.money.invalid", NULL);
    }
    if (decimals > 2)
        return field_fail("field.money.decimals", NULL);
    if (field_mul_add(&cents, 100, frac) != 0)
        return field_fail("field.money.invalid", NULL);
    if (neg)
        cents = -cents;
    min = r->has_min ? r->min : 0;
    if (cents < min)
        return field_fail("field.too_small", field_fmt_cents(p, min));
    if (r->has_max && cents > r->max)
        return field_fail("field.too_big", field_fmt_cents(p, r->max));
    return field_pass(pool_printf(p, "%" PRId64, cents));
}

/* Reads between min_n and max_n digits into *v; returns how many, or 0. */
static size_t
field_read_digits(const char *s, size_t min_n, size_t max_n, int *v)
{
    size_t n = 0;

    *v = 0;
    while (n < max_n && field_is_digit(s[n]))
        *v = *v * 10 + (s[n++] - '0');
    if (n < min_n || field_is_digit(s[n]))
        return 0;
    return n;
}

static int
field_days_in_month(int y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31 };

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* "2024-02-29" */
static int
field_read_iso(const char *s, int *y, int *m, int *d)
{
    return field_read_digits(s, 4, 4, y) == 4 && s[4] == '-'
           && field_read_digits(s + 5, 2, 2, m) == 2 && s[7] == '-'
           && field_read_digits(s + 8, 2, 2, d) == 2 && s[10] == '\0';
}

/* "29.02.2024", "1.3.2024", "1. 3. 2024" */
static int
field_read_swiss(const char *s, int *y, int *m, int *d)
{
    size_t n;

    if ((n = field_read_digits(s, 1, 2, d)) == 0 || s[n] != '.')
        return 0;
    for (s += n + 1; *s == ' '; s++)
        ;
    if ((n = field_read_digits(s, 1, 2, m)) == 0 || s[n] != '.')
        return 0;
    for (s += n + 1; *s == ' '; s++)
        ;
    return field_read_digits(s, 4, 4, y) == 4 && s[4] == '\0';
}

/* 20261231 -> "31.12.2026". */
char *
field_fmt_ymd(pool_t *p, int64_t ymd)
{
    return pool_printf(p, "%02d.%02d.%04d", (int) (ymd % 100),
                       (int) (ymd / 100 % 100), (int) (ymd / 10000));
}

/*
 * date, stored "yyyy-mm-dd".  Years have four digits from 1000 on: a
 * two-digit year is ambiguous and "0199" a typo.  The limits are yyyymmdd
 * integers, given back as jj.mm.aaaa.
 */
field_result_t
field_check_date(pool_t *p, const field_rules_t *r, const char *s)
{
    int     y, m, d;
    int64_t ymd;

    if (!field_read_iso(s, &y, &m, &d) && !field_read_swiss(s, &y, &m, &d))
        return field_fail("field.date.invalid", NULL);
    if (y < 1000 || m < 1 || m > 12 || d < 1
        || d > field_days_in_month(y, m))
        return field_fail("field.date.invalid", NULL);
    ymd = (int64_t) y * 10000 + m * 100 + d;
    if (r->has_min && ymd < r->min)
        return field_fail("field.date.too_early", field_fmt_ymd(p, r->min));
    if (r->has_max && ymd > r->max)
        return field_fail("field.date.too_late", field_fmt_ymd(p, r->max));
    return field_pass(pool_printf(p, "%04d-%02d-%02d", y, m, d));
}
