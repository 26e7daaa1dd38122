/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * field_int.h -- what the field_*.c files share and nobody else uses: the
 * per-type checks behind field_validate(), the blank handling, and the
 * small result constructors.
 */
#ifndef GUICHET_FIELD_INT_H
#define GUICHET_FIELD_INT_H

#include "field.h"

static inline field_result_t
field_fail(const char *key, const char *arg)
{
    field_result_t res = { key, arg, NULL };

    return res;
}

static inline field_result_t
field_pass(const char *value)
{
    field_result_t res = { NULL, NULL, value };

    return res;
}

static inline int
field_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * The per-type checks behind field_validate(), shared between field.c,
 * field_num.c and field_ids.c.  Not for callers: s must already be trimmed,
 * non-empty and valid UTF-8, and r non-NULL.
 */
field_result_t field_check_number(pool_t *p, const field_rules_t *r,
                                  const char *s);
field_result_t field_check_money(pool_t *p, const field_rules_t *r,
                                 const char *s);
field_result_t field_check_date(pool_t *p, const field_rules_t *r,
                                const char *s);
field_result_t field_check_phone(pool_t *p, const field_rules_t *r,
                                 const char *s);
field_result_t field_check_avs13(pool_t *p, const field_rules_t *r,
                                 const char *s);
field_result_t field_check_ide(pool_t *p, const field_rules_t *r,
                               const char *s);
field_result_t field_check_npa(pool_t *p, const field_rules_t *r,
                               const char *s);
field_result_t field_check_ofs(pool_t *p, const field_rules_t *r,
                               const char *s);
field_result_t field_check_iban(pool_t *p, const field_rules_t *r,
                                const char *s);

/* The Swiss way of writing numbers, shared by the messages' arguments
 * (field_num.c) and field_display() (field_display.c):
 * 1234567 -> "1'234'567" ('-' in front when neg), 50000000 cents ->
 * "500'000.00 CHF", 20261231 -> "31.12.2026".  In p. */
char *field_fmt_grouped(pool_t *p, int neg, uint64_t u);
char *field_fmt_cents(pool_t *p, int64_t cents);
char *field_fmt_ymd(pool_t *p, int64_t ymd);

/* s without the blanks, line ends and no-break spaces around it, in p. */
char  *field_trim(pool_t *p, const char *s);

/* Byte length of the blank at s that users type or paste between groups of
 * digits (space, tab, U+00A0, U+2009, U+202F), 0 when s is not blank. */
size_t field_blank_len(const char *s);

#endif
