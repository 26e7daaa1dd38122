/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * field.c -- typed form fields: the entry point and the text types.
 *
 * Owns field_validate() (UTF-8 check, trimming, "absent", dispatch by type),
 * the type names used in workflow files, and the types that are text at
 * heart: text, multiline, email, choice and yesno, with the length and
 * pattern rules.  Numbers, money and dates live in field_num.c; phone
 * numbers and identifiers with check digits (AVS13, IDE, NPA, OFS, IBAN) in
 * field_ids.c; uploads in field_file.c.  No I/O, no state between calls:
 * every result lives in the caller's pool.
 */
#include "field_int.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const field_names[FIELD__COUNT] = {
    "text", "multiline", "email", "phone", "date",
    "number", "money", "choice", "yesno", "avs13",
    "ide", "npa", "ofs", "iban", "file"
};

static const field_rules_t field_no_rules;

/* yesno spellings a Swiss user may type, in the three national languages
 * and in the forms a checkbox or an API sends; even index = "yes". */
static const char *const field_yesno_words[] = {
    "yes", "no", "oui", "non", "ja", "nein", "true", "false", "1", "0", NULL
};

int
field_type_by_name(const char *name)
{
    int i;

    if (name == NULL)
        return -1;
    for (i = 0; i < FIELD__COUNT; i++)
        if (strcmp(field_names[i], name) == 0)
            return i;
    return -1;
}

const char *
field_type_name(field_type_t t)
{
    if ((int) t < 0 || t >= FIELD__COUNT)
        return NULL;
    return field_names[t];
}

/*
 * Decodes one UTF-8 character at s[*i] into *cp and advances *i.  Returns -1
 * on anything RFC 3629 forbids (stray continuation bytes, overlong forms,
 * surrogates, code points past U+10FFFF, truncation), which is how a
 * Latin-1 form post or a binary paste shows up.
 */
static int
field_utf8_next(const unsigned char *s, size_t *i, unsigned *cp)
{
    unsigned c = s[*i], min;
    int      n, k;

    if (c < 0x80) {
        *cp = c;
        (*i)++;
        return 0;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1; min = 0x80; c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2; min = 0x800; c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3; min = 0x10000; c &= 0x07;
    } else {
        return -1;
    }
    for (k = 1; k <= n; k++) {
        if ((s[*i + k] & 0xC0) != 0x80)
            return -1;              /* also stops at the NUL terminator */
        c = (c << 6) | (s[*i + k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return -1;
    *cp = c;
    *i += (size_t) n + 1;
    return 0;
}

static int
field_utf8_valid(const char *s)
{
    size_t   i = 0;
    unsigned cp;

    while (s[i] != '\0')
        if (field_utf8_next((const unsigned char *) s, &i, &cp) != 0)
            return 0;
    return 1;
}

int
field_utf8_ok(const char *s)
{
    return s != NULL && field_utf8_valid(s);
}

size_t
field_blank_len(const char *s)
{
    const unsigned char *u = (const unsigned char *) s;

    if (u[0] == ' ' || u[0] == '\t')
        return 1;
    if (u[0] == 0xC2 && u[1] == 0xA0)
        return 2;                                   /* no-break space */
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x89 || u[2] == 0xAF))
        return 3;                                   /* thin, narrow nbsp */
    return 0;
}

static size_t
field_space_len(const char *s)
{
    if (*s == '\r' || *s == '\n' || *s == '\v' || *s == '\f')
        return 1;
    return field_blank_len(s);
}

/* Length of a space character ending exactly at s + end, or 0. */
static size_t
field_space_len_before(const char *s, size_t end)
{
    size_t n;

    for (n = 1; n <= 3 && n <= end; n++)
        if (field_space_len(s + end - n) == n)
            return n;
    return 0;
}

char *
field_trim(pool_t *p, const char *s)
{
    size_t n, end = strlen(s);

    while ((n = field_space_len(s)) > 0) {
        s += n;
        end -= n;
    }
    while ((n = field_space_len_before(s, end)) > 0)
        end -= n;
    return pool_strndup(p, s, end);
}

/*
 * Tells whether the parentheses of an ERE balance, skipping escapes and
 * bracket expressions.  glibc takes a lone ')' as a literal, so "a)|b"
 * compiles, and wrapped as ^(a)|b)$ it would match "xb": the anchoring
 * must not rest on the pattern being well formed.
 */
static int
field_parens_balance(const char *re)
{
    int depth = 0;

    for (; *re != '\0'; re++) {
        if (*re == '\\') {
            if (*++re == '\0')
                return 0;
        } else if (*re == '[') {
            re++;
            if (*re == '^')
                re++;
            if (*re == ']')
                re++;                   /* a leading ']' is a literal */
            while (*re != '\0' && *re != ']') {
                if (*re == '[' && (re[1] == ':' || re[1] == '.'
                                   || re[1] == '=')) {
                    char        close = re[1];
                    const char *end = re + 2;

                    while (*end != '\0' && !(end[0] == close && end[1] == ']'))
                        end++;
                    if (*end == '\0')
                        return 0;
                    re = end + 1;
                }
                re++;
            }
            if (*re == '\0')
                return 0;
        } else if (*re == '(') {
            depth++;
        } else if (*re == ')' && --depth < 0) {
            return 0;
        }
    }
    return depth == 0;
}

/* Compiles the pattern anchored to the whole value; 0 on success. */
static int
field_pattern_compile(pool_t *p, const char *pattern, regex_t *re)
{
    if (!field_parens_balance(pattern))
        return -1;
    return regcomp(re, pool_printf(p, "^(%s)$", pattern),
                   REG_EXTENDED | REG_NOSUB) == 0 ? 0 : -1;
}

int
field_pattern_ok(const char *pattern)
{
    pool_t *p;
    regex_t re;
    int     rc;

    if (pattern == NULL)
        return -1;
    p = pool_new(0);
    rc = field_pattern_compile(p, pattern, &re);
    if (rc == 0)
        regfree(&re);
    pool_free(p);
    return rc;
}

static int
field_pattern_match(pool_t *p, const char *pattern, const char *value)
{
    regex_t re;
    int     rc;

    if (field_pattern_compile(p, pattern, &re) != 0)
        return 0;
    rc = regexec(&re, value, 0, NULL, 0);
    regfree(&re);
    return rc == 0;
}

size_t
field_utf8_count(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        if (((unsigned char) *s & 0xC0) != 0x80)
            n++;
    return n;
}

/* Length and pattern, for the types whose value is free text. */
static field_result_t
field_text_rules(pool_t *p, const field_rules_t *r, const char *value)
{
    size_t n = field_utf8_count(value);

    if (r->max_length > 0 && n > r->max_length)
        return field_fail("field.too_long",
                          pool_printf(p, "%zu", r->max_length));
    if (r->min_length > 0 && n < r->min_length)
        return field_fail("field.too_short",
                          pool_printf(p, "%zu", r->min_length));
    if (r->pattern != NULL && !field_pattern_match(p, r->pattern, value))
        return field_fail("field.pattern", NULL);
    return field_pass(value);
}

static int
field_is_control(unsigned cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

/*
 * text and multiline.  Line ends become LF whatever the browser sent
 * (CRLF per HTML, a lone CR from old clients), so that lengths count what
 * the user sees and stored values compare equal.
 */
static field_result_t
field_check_text(pool_t *p, const field_rules_t *r, const char *s, int multi)
{
    buf_t    b;
    size_t   i = 0, start;
    unsigned cp;

    buf_init(&b, p);
    while (s[i] != '\0') {
        start = i;
        field_utf8_next((const unsigned char *) s, &i, &cp);
        if (cp == '\r' || cp == '\n' || cp == 0x2028 || cp == 0x2029) {
            if (!multi)
                return field_fail("field.text.newline", NULL);
            if (cp == '\r' && s[i] == '\n')
                i++;
            buf_putc(&b, '\n');
            continue;
        }
        if (field_is_control(cp) && !(multi && cp == '\t'))
            return field_fail("field.text.control", NULL);
        buf_add(&b, s + start, i - start);
    }
    return field_text_rules(p, r, b.data);
}

static int
field_email_local_ok(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char) s[i];

        if (c == '.' && s[i + 1] == '.')
            return 0;
        if (c >= 0x80 || (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z')
                          && !(c >= '0' && c <= '9')
                          && strchr(".!#$%&'*+/=?^_`{|}~-", c) == NULL))
            return 0;
    }
    return 1;
}

/* Host name labels [A-Za-z0-9-], 1..63, no '-' at either end; at least
 * two labels, the last not all digits (an IP address is no mail domain). */
static int
field_email_domain_ok(const char *s)
{
    int    labels = 0, digits_only = 1;
    size_t len;

    for (;;) {
        len = 0;
        digits_only = 1;
        while (s[len] != '\0' && s[len] != '.') {
            char c = s[len];

            if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z')
                && !(c >= '0' && c <= '9') && c != '-')
                return 0;
            if (!(c >= '0' && c <= '9'))
                digits_only = 0;
            len++;
        }
        if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
            return 0;
        labels++;
        if (s[len] == '\0')
            break;
        s += len + 1;
    }
    return labels >= 2 && !digits_only;
}

/* Pragmatic, not RFC 5322: what a mail server of ours can deliver to and
 * what a typo rarely passes.  The domain is lower-cased (it is
 * case-insensitive), the local part kept as typed (it may not be). */
static field_result_t
field_check_email(pool_t *p, const field_rules_t *r, const char *s)
{
    const char *at = strchr(s, '@');
    char       *v, *d;

    if (at == NULL || strchr(at + 1, '@') != NULL || strlen(s) > 254
        || !field_email_local_ok(s, (size_t) (at - s))
        || !field_email_domain_ok(at + 1))
        return field_fail("field.email.invalid", NULL);
    v = pool_strdup(p, s);
    for (d = v + (at - s) + 1; *d != '\0'; d++)
        if (*d >= 'A' && *d <= 'Z')
            *d = (char) (*d - 'A' + 'a');
    return field_text_rules(p, r, v);
}

static int
field_choice_index(const field_rules_t *r, const char *v)
{
    int i;

    for (i = 0; r->choices != NULL && r->choices[i] != NULL; i++)
        if (strcmp(r->choices[i], v) == 0)
            return i;
    return -1;
}

/*
 * Several values come one per line.  Each must be in the list, once; the
 * stored value lists them in the definition's order, so that two equal
 * selections store the same string whatever order the browser sent.
 */
static field_result_t
field_check_choices(pool_t *p, const field_rules_t *r, const char *s)
{
    size_t      n = 0, i;
    const char *line, *nl;
    char       *seen, *item;
    buf_t       b;
    int         k;

    while (r->choices != NULL && r->choices[n] != NULL)
        n++;
    seen = pool_calloc(p, n + 1);
    for (line = s; line != NULL; line = nl != NULL ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        item = nl != NULL ? pool_strndup(p, line, (size_t) (nl - line))
                          : pool_strdup(p, line);
        item = field_trim(p, item);
        if (*item == '\0')
            continue;
        if ((k = field_choice_index(r, item)) < 0 || seen[k])
            return field_fail("field.choice.invalid", NULL);
        seen[k] = 1;
    }
    buf_init(&b, p);
    for (i = 0; i < n; i++)
        if (seen[i]) {
            if (b.len > 0)
                buf_putc(&b, '\n');
            buf_puts(&b, r->choices[i]);
        }
    return field_pass(b.data);
}

static field_result_t
field_check_choice(pool_t *p, const field_rules_t *r, const char *s)
{
    if (r->multiple)
        return field_check_choices(p, r, s);
    if (field_choice_index(r, s) < 0)
        return field_fail("field.choice.invalid", NULL);
    return field_pass(pool_strdup(p, s));
}

static field_result_t
field_check_yesno(const char *s)
{
    int i;

    for (i = 0; field_yesno_words[i] != NULL; i++)
        if (strcasecmp(field_yesno_words[i], s) == 0)
            return field_pass(i % 2 == 0 ? "yes" : "no");
    return field_fail("field.yesno.invalid", NULL);
}

field_result_t
field_validate(pool_t *p, field_type_t t, const field_rules_t *rules,
               const char *input)
{
    const field_rules_t *r = rules != NULL ? rules : &field_no_rules;
    char                *s;

    if (input == NULL)
        input = "";
    if (!field_utf8_valid(input))
        return field_fail("field.utf8", NULL);
    s = field_trim(p, input);
    if (*s == '\0')
        return r->required ? field_fail("field.required", NULL)
                           : field_pass(s);

    switch (t) {
    case FIELD_TEXT:      return field_check_text(p, r, s, 0);
    case FIELD_MULTILINE: return field_check_text(p, r, s, 1);
    case FIELD_EMAIL:     return field_check_email(p, r, s);
    case FIELD_PHONE:     return field_check_phone(p, r, s);
    case FIELD_DATE:      return field_check_date(p, r, s);
    case FIELD_NUMBER:    return field_check_number(p, r, s);
    case FIELD_MONEY:     return field_check_money(p, r, s);
    case FIELD_CHOICE:    return field_check_choice(p, r, s);
    case FIELD_YESNO:     return field_check_yesno(s);
    case FIELD_AVS13:     return field_check_avs13(p, r, s);
    case FIELD_IDE:       return field_check_ide(p, r, s);
    case FIELD_NPA:       return field_check_npa(p, r, s);
    case FIELD_OFS:       return field_check_ofs(p, r, s);
    case FIELD_IBAN:      return field_check_iban(p, r, s);
    case FIELD_FILE:      /* bytes, not text: field_validate_file() */
    default:              return field_fail("field.invalid", NULL);
    }
}
