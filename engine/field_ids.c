/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * field_ids.c -- phone numbers and the identifiers with check digits.
 *
 * Owns phone (Swiss national and E.164, stored E.164), AVS13 (EAN-13
 * check digit), IDE/UID (mod 11), NPA, OFS commune numbers and IBAN
 * (ISO 13616 mod 97, digit by digit, no bignum).  Users type these with
 * dots, blanks, slashes and dashes in many places; the readers here drop
 * the separators, check what is left and store one canonical spelling.
 * Whether a number exists (an AVS13 in the person register, an IDE in the
 * IDE register) is not checked here: that needs the database.  Called
 * through field_validate() (field.c).
 */
#include "field_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FIELD_PHONE_MAX 20      /* more digits than any E.164 number */

/* Suffixes the IDE register appends for VAT numbers (de, fr, it). */
static const char *const field_ide_suffixes[] = { "MWST", "TVA", "IVA", NULL };

static int
field_all_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!field_is_digit(s[i]))
            return 0;
    return s[n] == '\0';
}

/*
 * Copies the digits of s into out (at most cap - 1 of them), skipping one
 * separator at a time from seps or a blank, but only between two digits.
 * Returns the number of bytes of s read; reading stops at the first other
 * character, and *ndigits is set to cap when there were too many digits.
 */
static size_t
field_collect_digits(const char *s, const char *seps, char *out, size_t cap,
                     size_t *ndigits)
{
    size_t i = 0, n = 0, sep;

    for (;;) {
        if (field_is_digit(s[i])) {
            if (n + 1 >= cap) {
                *ndigits = cap;
                return i;
            }
            out[n++] = s[i++];
            continue;
        }
        sep = s[i] != '\0' && strchr(seps, s[i]) != NULL
              ? 1 : field_blank_len(s + i);
        if (sep == 0 || n == 0 || !field_is_digit(s[i + sep]))
            break;
        i += sep;
    }
    out[n] = '\0';
    *ndigits = n;
    return i;
}

/*
 * Reads a phone number into its digits, dropping the separators people
 * write (blanks, '.', '/', '-', parentheses around an area code).  '+' may
 * lead; "(0)" after the country code of an international number is the
 * national trunk prefix printed on cards ("+41 (0)79 ..."), and is dropped.
 * Returns 0, or -1 on any other character or too many digits.
 */
static int
field_phone_digits(const char *s, char *out, int *plus)
{
    size_t n = 0, b;
    int    paren = 0;                   /* none yet, open, closed */

    *plus = *s == '+';
    s += *plus;
    while (*s != '\0') {
        if (field_is_digit(*s)) {
            if (n + 1 >= FIELD_PHONE_MAX)
                return -1;
            out[n++] = *s++;
        } else if (paren == 0 && strncmp(s, "(0)", 3) == 0
                   && (*plus || (n >= 2 && out[0] == '0' && out[1] == '0'))) {
            paren = 2;
            s += 3;
        } else if (*s == '(' && paren == 0) {
            paren = 1;
            s++;
        } else if (*s == ')' && paren == 1) {
            paren = 2;
            s++;
        } else if (*s == '.' || *s == '/' || *s == '-') {
            s++;
        } else if ((b = field_blank_len(s)) > 0) {
            s += b;
        } else {
            return -1;
        }
    }
    out[n] = '\0';
    return paren == 1 ? -1 : 0;
}

/* A Swiss number without its trunk 0: 9 digits, the first not 0. */
static int
field_swiss_national_ok(const char *nat)
{
    return field_all_digits(nat, 9) && nat[0] != '0';
}

/*
 * phone, stored E.164: "079 123 45 67" -> "+41791234567".  A number
 * starting with one 0 is Swiss; "00" or "+" starts an international one,
 * which E.164 bounds to 8..15 digits.  "+41 079 ..." (a trunk 0 kept after
 * the country code) is a habit common enough to accept.
 */
field_result_t
field_check_phone(pool_t *p, const field_rules_t *r, const char *s)
{
    char        d[FIELD_PHONE_MAX];
    const char *intl, *nat;
    size_t      n;
    int         plus;

    if (field_phone_digits(s, d, &plus) != 0)
        return field_fail("field.phone.invalid", NULL);
    if (plus) {
        intl = d;
    } else if (strncmp(d, "00", 2) == 0) {
        intl = d + 2;
    } else {
        if (d[0] != '0' || !field_swiss_national_ok(d + 1))
            return field_fail("field.phone.invalid", NULL);
        return field_pass(pool_printf(p, "+41%s", d + 1));
    }
    if (strncmp(intl, "41", 2) == 0) {
        nat = intl + 2;
        if (nat[0] == '0' && strlen(nat) == 10)
            nat++;
        if (!field_swiss_national_ok(nat))
            return field_fail("field.phone.invalid", NULL);
        return field_pass(pool_printf(p, "+41%s", nat));
    }
    n = strlen(intl);
    if (n < 8 || n > 15 || intl[0] == '0')
        return field_fail("field.phone.invalid", NULL);
    return field_pass(pool_printf(p, "+%s", intl));
}

/* EAN-13: weights 1,3,1,3... over the first 12 digits; the 13th makes the
 * sum a multiple of 10.  The 756 prefix is field_check_avs13()'s affair. */
int
field_avs13_ok(const char *digits13)
{
    int sum = 0, i;

    if (digits13 == NULL || !field_all_digits(digits13, 13))
        return 0;
    for (i = 0; i < 12; i++)
        sum += (digits13[i] - '0') * (i % 2 == 0 ? 1 : 3);
    return (10 - sum % 10) % 10 == digits13[12] - '0';
}

/* avs13, stored "756.1234.5678.97"; dots and blanks anywhere between digits. */
field_result_t
field_check_avs13(pool_t *p, const field_rules_t *r, const char *s)
{
    char   d[14];
    size_t used, n;

    used = field_collect_digits(s, ".", d, sizeof(d), &n);
    if (s[used] != '\0' || n != 13 || strncmp(d, "756", 3) != 0)
        return field_fail("field.avs13.format", NULL);
    if (!field_avs13_ok(d))
        return field_fail("field.avs13.checksum", NULL);
    return field_pass(pool_printf(p, "%.3s.%.4s.%.4s.%.2s",
                                  d, d + 3, d + 7, d + 11));
}

/* UID (Federal Statistical Office): weights 5,4,3,2,7,6,5,4 over the first
 * 8 digits, check = 11 - sum mod 11, where 11 gives 0 and 10 is never
 * issued (so such a number is invalid). */
int
field_ide_ok(const char *digits9)
{
    static const int weights[8] = { 5, 4, 3, 2, 7, 6, 5, 4 };
    int              sum = 0, check, i;

    if (digits9 == NULL || !field_all_digits(digits9, 9))
        return 0;
    for (i = 0; i < 8; i++)
        sum += (digits9[i] - '0') * weights[i];
    check = 11 - sum % 11;
    if (check == 11)
        check = 0;
    return check != 10 && check == digits9[8] - '0';
}

/* After the number: nothing, or a blank then MWST, TVA or IVA. */
static int
field_ide_tail_ok(const char *s)
{
    size_t b, i;

    if (*s == '\0')
        return 1;
    if ((b = field_blank_len(s)) == 0)
        return 0;
    while ((b = field_blank_len(s)) > 0)
        s += b;
    for (i = 0; field_ide_suffixes[i] != NULL; i++)
        if (strcasecmp(s, field_ide_suffixes[i]) == 0)
            return 1;
    return 0;
}

/* ide, stored "CHE-123.456.788": "CHE", an optional '-', 9 digits split by
 * dots or blanks, an optional VAT suffix (dropped: the UID is the same). */
field_result_t
field_check_ide(pool_t *p, const field_rules_t *r, const char *s)
{
    char   d[10];
    size_t used, n, b;

    if (strncasecmp(s, "CHE", 3) != 0)
        return field_fail("field.ide.format", NULL);
    s += 3;
    if (*s == '-')
        s++;
    else
        while ((b = field_blank_len(s)) > 0)
            s += b;
    used = field_collect_digits(s, ".", d, sizeof(d), &n);
    if (n != 9 || !field_ide_tail_ok(s + used))
        return field_fail("field.ide.format", NULL);
    if (!field_ide_ok(d))
        return field_fail("field.ide.checksum", NULL);
    return field_pass(pool_printf(p, "CHE-%.3s.%.3s.%.3s", d, d + 3, d + 6));
}

/* npa: a Swiss postal code, 1000..9699 (Liechtenstein's 948x/949x too). */
field_result_t
field_check_npa(pool_t *p, const field_rules_t *r, const char *s)
{
    int v;

    if (!field_all_digits(s, 4))
        return field_fail("field.npa.invalid", NULL);
    v = atoi(s);
    if (v < 1000 || v > 9699)
        return field_fail("field.npa.invalid", NULL);
    return field_pass(pool_strdup(p, s));
}

/* ofs: commune number 1..6999, up to 4 digits ("0261" as lists print it),
 * stored without leading zeros. */
field_result_t
field_check_ofs(pool_t *p, const field_rules_t *r, const char *s)
{
    size_t n = strlen(s);
    int    v;

    if (n > 4 || !field_all_digits(s, n))
        return field_fail("field.ofs.invalid", NULL);
    v = atoi(s);
    if (v < 1 || v > 6999)
        return field_fail("field.ofs.invalid", NULL);
    return field_pass(pool_printf(p, "%d", v));
}

static int
field_is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* ISO 13616: move the first four characters to the end, read letters as
 * 10..35, and the whole number mod 97 must be 1.  Folding one digit at a
 * time keeps the remainder below 97 * 100, so no bignum is needed. */
int
field_iban_ok(const char *compact)
{
    size_t len, i;
    int    rem = 0;
    char   c;

    if (compact == NULL || (len = strlen(compact)) < 5 || len > 34
        || !field_is_upper(compact[0]) || !field_is_upper(compact[1])
        || !field_is_digit(compact[2]) || !field_is_digit(compact[3]))
        return 0;
    for (i = 0; i < len; i++) {
        c = compact[(i + 4) % len];
        if (field_is_digit(c))
            rem = (rem * 10 + (c - '0')) % 97;
        else if (field_is_upper(c))
            rem = (rem * 100 + (c - 'A' + 10)) % 97;
        else
            return 0;
    }
    return rem == 1;
}

/* The IBAN without blanks, upper-cased, without a printed "IBAN" label;
 * NULL when another character appears. */
static char *
field_iban_compact(pool_t *p, const char *s)
{
    char  *out = pool_alloc(p, strlen(s) + 1), *o = out;
    size_t b;

    if (strncasecmp(s, "IBAN", 4) == 0 && field_blank_len(s + 4) > 0)
        s += 4;
    while (*s != '\0') {
        if ((b = field_blank_len(s)) > 0) {
            s += b;
            continue;
        }
        if (*s >= 'a' && *s <= 'z')
            *o++ = (char) (*s - 'a' + 'A');
        else if (field_is_upper(*s) || field_is_digit(*s))
            *o++ = *s;
        else
            return NULL;
        s++;
    }
    *o = '\0';
    return out;
}

/* iban, stored compact upper-case: "CH9300762011623852957".  Lengths are
 * checked for CH and LI only (21); others get the ISO bounds 15..34. */
field_result_t
field_check_iban(pool_t *p, const field_rules_t *r, const char *s)
{
    char  *v = field_iban_compact(p, s);
    size_t len;

    if (v == NULL || (len = strlen(v)) < 15 || len > 34
        || !field_is_upper(v[0]) || !field_is_upper(v[1])
        || !field_is_digit(v[2]) || !field_is_digit(v[3]))
        return field_fail("field.iban.format", NULL);
    if ((strncmp(v, "CH", 2) == 0 || strncmp(v, "LI", 2) == 0) && len != 21)
        return field_fail("field.iban.format", NULL);
    if (!field_iban_ok(v))
        return field_fail("field.iban.checksum", NULL);
    return field_pass(v);
}
