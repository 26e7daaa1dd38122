/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * field_display.c -- stored field values shown back the Swiss way: the
 * inverse of field_validate().
 *
 * Owns how a normalised value (money in cents, an ISO date, a phone number
 * in E.164, a compact IBAN) is written for a person, either back into an
 * input (FIELD_SHOW_INPUT: "1500.50", "31.12.2026") or as text to read
 * (FIELD_SHOW_TEXT: "1'500.50 CHF", "+41 21 316 11 11", an IBAN in groups
 * of four).  Both are spellings field_validate() reads back to the same
 * stored value: field_validate(display(x)) == x.  The writers of numbers
 * and dates are field_num.c's, shared with the messages' arguments.
 * Does not own option labels or yes/no words (they need the catalogue:
 * demand_view.c), nor any page markup.
 */
#include "field_int.h"

#include <stdio.h>
#include <string.h>

/* "-?digits" into *v; 0 when s is exactly that and fits an int64. */
static int
field_stored_int(const char *s, int64_t *v)
{
    int      neg = *s == '-';
    size_t   n = 0;
    uint64_t acc = 0;

    if (neg)
        s++;
    for (; field_is_digit(s[n]); n++) {
        if (acc > (UINT64_MAX - 9) / 10)
            return -1;
        acc = acc * 10 + (uint64_t) (s[n] - '0');
    }
    if (n == 0 || s[n] != '\0' || acc > (uint64_t) INT64_MAX)
        return -1;
    *v = neg ? -(int64_t) acc : (int64_t) acc;
    return 0;
}

/* "yyyy-mm-dd" into yyyymmdd; 0 when s is exactly that. */
static int
field_stored_date(const char *s, int64_t *ymd)
{
    int i;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !field_is_digit(s[i]))
            return -1;
    *ymd = ((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'))
           * 10000LL + ((s[5] - '0') * 10 + (s[6] - '0')) * 100 + (s[8] - '0') * 10
           + (s[9] - '0');
    return 0;
}

static const char *
field_show_money(pool_t *p, const char *stored, field_show_t how)
{
    int64_t  cents;
    uint64_t u;

    if (field_stored_int(stored, &cents) != 0)
        return stored;
    if (how == FIELD_SHOW_TEXT)
        return field_fmt_cents(p, cents);
    u = cents < 0 ? (uint64_t) -cents : (uint64_t) cents;
    return pool_printf(p, "%s%llu.%02u", cents < 0 ? "-" : "", (unsigned long long) (u / 100),
                       (unsigned) (u % 100));
}

/* +41213161111 -> +41 21 316 11 11, as Swiss numbers are written; other
 * numbers as stored. */
static const char *
field_show_phone(pool_t *p, const char *stored)
{
    size_t i;

    if (strncmp(stored, "+41", 3) != 0 || strlen(stored) != 12)
        return stored;
    for (i = 1; i < 12; i++)
        if (!field_is_digit(stored[i]))
            return stored;
    return pool_printf(p, "+41 %.2s %.3s %.2s %.2s", stored + 3, stored + 5, stored + 8,
                       stored + 10);
}

static const char *
field_show_iban(pool_t *p, const char *stored)
{
    size_t n = strlen(stored), i, j = 0;
    char  *out = pool_alloc(p, n + n / 4 + 1);

    for (i = 0; i < n; i++) {
        if (i > 0 && i % 4 == 0)
            out[j++] = ' ';
        out[j++] = stored[i];
    }
    out[j] = '\0';
    return out;
}

const char *
field_display(pool_t *p, field_type_t t, const char *stored, field_show_t how)
{
    int64_t ymd;

    if (stored == NULL)
        return NULL;
    switch (t) {
    case FIELD_MONEY:
        return field_show_money(p, stored, how);
    case FIELD_DATE:
        return field_stored_date(stored, &ymd) == 0 ? field_fmt_ymd(p, ymd) : stored;
    case FIELD_PHONE:
        return how == FIELD_SHOW_TEXT ? field_show_phone(p, stored) : stored;
    case FIELD_IBAN:
        return how == FIELD_SHOW_TEXT ? field_show_iban(p, stored) : stored;
    default:
        /* text, numbers, choices, AVS13, IDE, NPA, OFS: the stored form is
         * already how people write them */
        return stored;
    }
}
