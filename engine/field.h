/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * field.h -- typed form fields: server-side validation and normalisation.
 *
 * Pure functions, no I/O, no database: a value as typed by a user goes in,
 * either a normalised value comes out (stored form: money in cents, dates
 * ISO yyyy-mm-dd, AVS13 as 756.xxxx.xxxx.xx, ...) or a message key for the
 * catalogue (xslt/i18n/field.xml has its fr/de/en text); and back, a
 * stored value written for a person (field_display).
 */
#ifndef GUICHET_FIELD_H
#define GUICHET_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "pool.h"

typedef enum {
    FIELD_TEXT, FIELD_MULTILINE, FIELD_EMAIL, FIELD_PHONE, FIELD_DATE,
    FIELD_NUMBER, FIELD_MONEY, FIELD_CHOICE, FIELD_YESNO, FIELD_AVS13,
    FIELD_IDE, FIELD_NPA, FIELD_OFS, FIELD_IBAN, FIELD_FILE,
    FIELD__COUNT
} field_type_t;

/* "text", "multiline", "email", ... as written in workflow files;
 * returns -1 for an unknown name. */
int         field_type_by_name(const char *name);
const char *field_type_name(field_type_t t);

/* Constraints a definition puts on a field; unset members are 0/NULL
 * (has_min/has_max tell whether min/max are set). */
typedef struct {
    int          required;
    size_t       min_length, max_length;     /* characters (UTF-8), 0 = none */
    int          has_min, has_max;
    int64_t      min, max;                   /* number: units; money: cents;
                                                date: yyyymmdd */
    const char  *pattern;                    /* POSIX ERE on the whole value */
    const char **choices;                    /* NULL-terminated, for choice */
    int          multiple;                   /* choice: several values allowed */
    const char **accept;                     /* file: MIME types, NULL = PDF */
    size_t       max_size;                   /* file: bytes, 0 = 10 MiB */
} field_rules_t;

typedef struct {
    const char *key;      /* NULL when valid; else e.g. "field.avs13.checksum" */
    const char *arg;      /* an argument for the message (a limit), or NULL */
    const char *value;    /* normalised value (in the pool) when valid */
} field_result_t;

/* Validates one text value.  An empty or all-blank value is "absent":
 * an error "field.required" if rules->required, else valid with value "". */
field_result_t field_validate(pool_t *p, field_type_t t,
                              const field_rules_t *rules, const char *input);

/* Validates an uploaded file from its bytes (never its name): type sniffed
 * from the content, size capped.  On success value is the MIME type. */
field_result_t field_validate_file(pool_t *p, const field_rules_t *rules,
                                   const unsigned char *data, size_t len);

/* How field_display() writes a value: back into an input, or to read. */
typedef enum { FIELD_SHOW_INPUT = 0, FIELD_SHOW_TEXT } field_show_t;

/* The inverse of field_validate(): a stored (normalised) value written the
 * Swiss way, FIELD_SHOW_INPUT for an input ("1500.50", "31.12.2026") or
 * FIELD_SHOW_TEXT to read ("1'500.50 CHF", "+41 21 316 11 11", an IBAN in
 * groups of four).  For every value field_validate produced,
 * field_validate(field_display(x)) gives x back.  A value not in the stored
 * form is returned unchanged; NULL gives NULL.  Lives in p (or is stored).
 * Choices and yes/no are shown with their labels by the pages. */
const char *field_display(pool_t *p, field_type_t t, const char *stored, field_show_t how);

/* Whether s is valid UTF-8 (RFC 3629: no overlong forms, surrogates or
 * truncated sequences); 0 for NULL.  Every text a person sends passes
 * here or is refused, never dropped. */
int field_utf8_ok(const char *s);
/* Characters (code points) in valid UTF-8 s: what max-length counts. */
size_t field_utf8_count(const char *s);

/* The check-digit algorithms, exposed for reuse and tests. */
int field_avs13_ok(const char *digits13);    /* 13 digits, EAN-13 */
int field_ide_ok(const char *digits9);       /* 9 digits, mod 11 */
int field_iban_ok(const char *compact);      /* no spaces, upper-case */

/* Sniffs a MIME type from the first bytes ("application/pdf", "image/png",
 * "image/jpeg", or NULL when unknown). */
const char *field_sniff_mime(const unsigned char *data, size_t len);

/* Checks a definition's pattern once, when the definition is loaded: 0 when
 * it compiles as a POSIX ERE and its parentheses balance (so that anchoring
 * it as ^(...)$ cannot be undone by a stray ')'), -1 otherwise.  A pattern
 * that fails here makes every value fail "field.pattern" (fail closed). */
int field_pattern_ok(const char *pattern);

#endif
