/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_field.c -- typed form fields (engine/field*.c).
 *
 * Table-driven: for every type, what users really type with the stored
 * value it must give, and bad input with the exact message key and
 * argument it must get.  A last test reads xslt/i18n/field.xml and checks
 * that every key the module can return has French, German and English
 * text, and that the tables exercise every key.
 *
 * Check digits computed by hand (and documented here so they can be
 * re-checked without the code):
 *   IDE CHE-123.456.788: 1*5+2*4+3*3+4*2+5*7+6*6+7*5+8*4 = 168,
 *       168 mod 11 = 3, 11 - 3 = 8.
 *   IDE CHE-116.068.369: 1*5+1*4+6*3+0*2+6*7+8*6+3*5+6*4 = 156,
 *       156 mod 11 = 2, 11 - 2 = 9.
 *   IDE CHE-100.000.16x: 1*5+0+0+0+0+0+1*5+6*4 = 34, 34 mod 11 = 1,
 *       11 - 1 = 10: never issued, whatever x is.
 *   AVS 756.1234.5678.97: 7+15+6+3+2+9+4+15+6+21+8+27 = 123 (weights
 *       1,3,1,3...), (10 - 123 mod 10) mod 10 = 7.
 */
#include "test_util.h"
#include "field.h"
#include "pool.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

typedef struct {
    field_type_t         type;
    const field_rules_t *rules;   /* NULL: no rules */
    const char          *input;
    const char          *key;     /* NULL when the input must be accepted */
    const char          *want;    /* accepted: stored value; else the arg */
} field_case_t;

typedef struct {
    const field_rules_t *rules;
    const char          *data;
    size_t               len;
    const char          *key;
    const char          *want;    /* accepted: MIME type; else the arg */
} file_case_t;

/* Every key field*.c can return. */
static const char *const all_keys[] = {
    "field.required", "field.invalid", "field.utf8",
    "field.too_long", "field.too_short",
    "field.text.newline", "field.text.control", "field.pattern",
    "field.email.invalid", "field.phone.invalid",
    "field.date.invalid", "field.date.too_early", "field.date.too_late",
    "field.number.invalid", "field.too_small", "field.too_big",
    "field.money.invalid", "field.money.decimals",
    "field.choice.invalid", "field.yesno.invalid",
    "field.avs13.format", "field.avs13.checksum",
    "field.ide.format", "field.ide.checksum",
    "field.npa.invalid", "field.ofs.invalid",
    "field.iban.format", "field.iban.checksum",
    "field.file.type", "field.file.too_large", "field.file.truncated",
    NULL
};

static const field_rules_t r_required = { .required = 1 };
static const field_rules_t r_max5 = { .max_length = 5 };
static const field_rules_t r_min3 = { .min_length = 3 };
static const field_rules_t r_max200 = { .max_length = 200 };
static const field_rules_t r_pattern = { .pattern = "[A-Z]{2}[0-9]+" };
static const field_rules_t r_alt = { .pattern = "oui|non" };
/* glibc compiles "a)|b"; wrapped as ^(a)|b)$ it would match "xb". */
static const field_rules_t r_bad_pattern = { .pattern = "a)|b" };
static const field_rules_t r_date = { .has_min = 1, .min = 20200101,
                                      .has_max = 1, .max = 20251231 };
static const field_rules_t r_num = { .has_min = 1, .min = 0,
                                     .has_max = 1, .max = 500000 };
static const field_rules_t r_num_neg = { .has_min = 1, .min = -1000 };
static const field_rules_t r_money = { .has_max = 1, .max = 50000000 };
static const field_rules_t r_money_neg = { .has_min = 1, .min = -10000 };

static const char *cantons[] = { "bern", "vaud", "geneve", NULL };
static const field_rules_t r_choice = { .choices = cantons };
static const field_rules_t r_choices = { .choices = cantons, .multiple = 1 };
static const field_rules_t r_choices_req = { .choices = cantons,
                                             .multiple = 1, .required = 1 };

static const char *accept_images[] = { "image/png", "image/jpeg", NULL };
static const char *accept_pdf_png[] = { "application/pdf", "image/png",
                                        NULL };
static const field_rules_t r_file_req = { .required = 1 };
static const field_rules_t r_file_small = { .max_size = 64 };
static const field_rules_t r_file_kb = { .max_size = 500 * 1024 };
static const field_rules_t r_file_img = { .accept = accept_images };
static const field_rules_t r_file_pdf_png = { .accept = accept_pdf_png };

/* Long strings for the exact limits of e-mail addresses. */
#define S15  "sssssssssssssss"
#define S16  S15 "s"
#define S64  S16 S16 S16 S16
#define L63  S16 S16 S16 S15
#define L61  S16 S16 S16 "sssssssssssss"
#define MAIL254 S64 "@" L63 "." L63 "." L61

#define T(type, rules, in, key, want) { type, rules, in, key, want }

static const field_case_t text_cases[] = {
    T(FIELD_TEXT, NULL, "  Bonjour  ", NULL, "Bonjour"),
    T(FIELD_TEXT, NULL, "\xC2\xA0Lausanne\xE2\x80\xAF\t", NULL, "Lausanne"),
    T(FIELD_TEXT, NULL, "Crêt-du-Locle", NULL, "Crêt-du-Locle"),
    T(FIELD_TEXT, NULL, "", NULL, ""),
    T(FIELD_TEXT, NULL, NULL, NULL, ""),
    T(FIELD_TEXT, NULL, " \r\n ", NULL, ""),
    T(FIELD_TEXT, &r_required, "   ", "field.required", NULL),
    T(FIELD_TEXT, &r_required, "\xC2\xA0", "field.required", NULL),
    T(FIELD_TEXT, NULL, "ligne 1\nligne 2", "field.text.newline", NULL),
    T(FIELD_TEXT, NULL, "a\rb", "field.text.newline", NULL),
    T(FIELD_TEXT, NULL, "a\xE2\x80\xA8z", "field.text.newline", NULL),
    T(FIELD_TEXT, NULL, "a\tb", "field.text.control", NULL),
    T(FIELD_TEXT, NULL, "rouge\x1b[31m", "field.text.control", NULL),
    T(FIELD_TEXT, NULL, "a\x7f", "field.text.control", NULL),
    T(FIELD_TEXT, NULL, "a\xC2\x85z", "field.text.control", NULL),
    /* Latin-1 "café", overlong '/', a surrogate, a cut sequence, past
     * U+10FFFF, a stray continuation byte */
    T(FIELD_TEXT, NULL, "caf\xE9", "field.utf8", NULL),
    T(FIELD_TEXT, NULL, "\xC0\xAF", "field.utf8", NULL),
    T(FIELD_TEXT, NULL, "\xED\xA0\x80", "field.utf8", NULL),
    T(FIELD_TEXT, NULL, "ab\xE2\x82", "field.utf8", NULL),
    T(FIELD_TEXT, NULL, "\xF4\x90\x80\x80", "field.utf8", NULL),
    T(FIELD_TEXT, NULL, "\x80", "field.utf8", NULL),
    T(FIELD_NUMBER, NULL, "12\xFF", "field.utf8", NULL),
    T(FIELD_TEXT, &r_max5, "abcde", NULL, "abcde"),
    T(FIELD_TEXT, &r_max5, "ééééé", NULL, "ééééé"),
    T(FIELD_TEXT, &r_max5, " abcde ", NULL, "abcde"),
    T(FIELD_TEXT, &r_max5, "abcdef", "field.too_long", "5"),
    T(FIELD_TEXT, &r_max5, "éééééé", "field.too_long", "5"),
    T(FIELD_TEXT, &r_min3, "ab", "field.too_short", "3"),
    T(FIELD_TEXT, &r_min3, "abc", NULL, "abc"),
    T(FIELD_TEXT, &r_pattern, "VD1234", NULL, "VD1234"),
    T(FIELD_TEXT, &r_pattern, "xVD1234", "field.pattern", NULL),
    T(FIELD_TEXT, &r_pattern, "VD1234x", "field.pattern", NULL),
    T(FIELD_TEXT, &r_alt, "oui", NULL, "oui"),
    T(FIELD_TEXT, &r_alt, "ouix", "field.pattern", NULL),
    T(FIELD_TEXT, &r_alt, "xnon", "field.pattern", NULL),
    T(FIELD_TEXT, &r_bad_pattern, "xb", "field.pattern", NULL),
    T(FIELD_TEXT, &r_bad_pattern, "a", "field.pattern", NULL),
    T(FIELD_MULTILINE, NULL, "Ligne 1\r\nLigne 2", NULL, "Ligne 1\nLigne 2"),
    T(FIELD_MULTILINE, NULL, "a\rb", NULL, "a\nb"),
    T(FIELD_MULTILINE, NULL, "\r\n\r\n  x\r\n", NULL, "x"),
    T(FIELD_MULTILINE, NULL, "col1\tcol2", NULL, "col1\tcol2"),
    T(FIELD_MULTILINE, NULL, "a\x01", "field.text.control", NULL),
    T(FIELD_MULTILINE, &r_max5, "ab\r\ncd", NULL, "ab\ncd"),
    T(FIELD_MULTILINE, &r_max5, "ab\r\ncde", "field.too_long", "5"),
    T(FIELD_FILE, NULL, "x", "field.invalid", NULL),
    T(FIELD__COUNT, NULL, "x", "field.invalid", NULL),
};

static const field_case_t email_cases[] = {
    T(FIELD_EMAIL, NULL, " Anne.Muller@Example.CH ", NULL,
      "Anne.Muller@example.ch"),
    T(FIELD_EMAIL, NULL, "a@b.ch", NULL, "a@b.ch"),
    T(FIELD_EMAIL, NULL, "first+tag@sub.domain-1.example.com", NULL,
      "first+tag@sub.domain-1.example.com"),
    T(FIELD_EMAIL, NULL, "o'brien@vd.ch", NULL, "o'brien@vd.ch"),
    T(FIELD_EMAIL, NULL, S64 "@vd.ch", NULL, S64 "@vd.ch"),
    T(FIELD_EMAIL, NULL, MAIL254, NULL, MAIL254),
    T(FIELD_EMAIL, NULL, MAIL254 "s", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, S64 "s@vd.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "a@" L63 ".ch", NULL, "a@" L63 ".ch"),
    T(FIELD_EMAIL, NULL, "a@" L63 "s.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anne.vd.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "a@@vd.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "a@b@vd.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "@vd.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anne@", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anne@localhost", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anne@-vd.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anne@vd-.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anne@vd..ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anne@vd.ch.", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anne@vd_ge.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anne@1.2.3.4", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, ".anne@vd.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anne.@vd.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "an..ne@vd.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anne muller@vd.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anné@vd.ch", "field.email.invalid", NULL),
    T(FIELD_EMAIL, NULL, "anne@vd.ch\nBcc: x@y.ch", "field.email.invalid",
      NULL),
    T(FIELD_EMAIL, &r_required, " ", "field.required", NULL),
};

static const field_case_t phone_cases[] = {
    T(FIELD_PHONE, NULL, "079 123 45 67", NULL, "+41791234567"),
    T(FIELD_PHONE, NULL, "021/123.45.67", NULL, "+41211234567"),
    T(FIELD_PHONE, NULL, "0041 79 123 45 67", NULL, "+41791234567"),
    T(FIELD_PHONE, NULL, "+41 79 123 45 67", NULL, "+41791234567"),
    T(FIELD_PHONE, NULL, "+41 (0)79 123 45 67", NULL, "+41791234567"),
    T(FIELD_PHONE, NULL, "+41 079 123 45 67", NULL, "+41791234567"),
    T(FIELD_PHONE, NULL, "(021) 123 45 67", NULL, "+41211234567"),
    T(FIELD_PHONE, NULL, "079-123-45-67", NULL, "+41791234567"),
    T(FIELD_PHONE, NULL, "079\xC2\xA0" "123\xC2\xA0" "45\xC2\xA0" "67", NULL,
      "+41791234567"),
    T(FIELD_PHONE, NULL, "+33 1 23 45 67 89", NULL, "+33123456789"),
    T(FIELD_PHONE, NULL, "0033 1 23 45 67 89", NULL, "+33123456789"),
    T(FIELD_PHONE, NULL, "+1 202-555-0123", NULL, "+12025550123"),
    T(FIELD_PHONE, NULL, "+12345678", NULL, "+12345678"),
    T(FIELD_PHONE, NULL, "+123456789012345", NULL, "+123456789012345"),
    T(FIELD_PHONE, NULL, "+1234567", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "+1234567890123456", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "079 123 45 6", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "079 123 45 678", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "79 123 45 67", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "+41 79 123 45 6", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "+41 79 123 45 678", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "000 123 45 67", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "079 123 45 6a", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "079 123 45 67 int. 2", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "(021 123 45 67", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "++41 79 123 45 67", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "+", "field.phone.invalid", NULL),
    T(FIELD_PHONE, NULL, "12345678901234567890123", "field.phone.invalid",
      NULL),
};

static const field_case_t date_cases[] = {
    T(FIELD_DATE, NULL, "29.02.2024", NULL, "2024-02-29"),
    T(FIELD_DATE, NULL, "29.02.2023", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "29.02.2000", NULL, "2000-02-29"),
    T(FIELD_DATE, NULL, "29.02.1900", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "1.3.2024", NULL, "2024-03-01"),
    T(FIELD_DATE, NULL, " 1. 3. 2024 ", NULL, "2024-03-01"),
    T(FIELD_DATE, NULL, "2024-03-01", NULL, "2024-03-01"),
    T(FIELD_DATE, NULL, "31.12.9999", NULL, "9999-12-31"),
    T(FIELD_DATE, NULL, "31.04.2024", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "32.01.2024", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "00.01.2024", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "01.13.2024", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "01.00.2024", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "01.01.24", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "01.01.0999", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "001.01.2024", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "01.01.20245", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "1.1.2024x", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "2024-3-1", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "2023-02-29", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "01/03/2024", "field.date.invalid", NULL),
    T(FIELD_DATE, NULL, "demain", "field.date.invalid", NULL),
    T(FIELD_DATE, &r_date, "31.12.2019", "field.date.too_early", "01.01.2020"),
    T(FIELD_DATE, &r_date, "01.01.2020", NULL, "2020-01-01"),
    T(FIELD_DATE, &r_date, "31.12.2025", NULL, "2025-12-31"),
    T(FIELD_DATE, &r_date, "2026-01-01", "field.date.too_late", "31.12.2025"),
};

static const field_case_t number_cases[] = {
    T(FIELD_NUMBER, NULL, "1200", NULL, "1200"),
    T(FIELD_NUMBER, NULL, "1'200", NULL, "1200"),
    T(FIELD_NUMBER, NULL, "1\xE2\x80\x99" "200\xE2\x80\x99" "000", NULL,
      "1200000"),
    T(FIELD_NUMBER, NULL, "1 200", NULL, "1200"),
    T(FIELD_NUMBER, NULL, "1\xE2\x80\xAF" "200", NULL, "1200"),
    T(FIELD_NUMBER, NULL, "-5", NULL, "-5"),
    T(FIELD_NUMBER, NULL, "+5", NULL, "5"),
    T(FIELD_NUMBER, NULL, "-0", NULL, "0"),
    T(FIELD_NUMBER, NULL, "007", NULL, "7"),
    T(FIELD_NUMBER, NULL, "9223372036854775807", NULL, "9223372036854775807"),
    T(FIELD_NUMBER, NULL, "-9'223'372'036'854'775'807", NULL,
      "-9223372036854775807"),
    T(FIELD_NUMBER, NULL, "9223372036854775808", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "99999999999999999999", "field.number.invalid",
      NULL),
    T(FIELD_NUMBER, NULL, "1'00", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "12'3456", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "1234'567", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "1''000", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "1'000'", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "'100", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "12 34", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "12.5", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "1,000", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "1e3", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "- 5", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "--5", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "-", "field.number.invalid", NULL),
    T(FIELD_NUMBER, NULL, "douze", "field.number.invalid", NULL),
    T(FIELD_NUMBER, &r_num, "500'000", NULL, "500000"),
    T(FIELD_NUMBER, &r_num, "500001", "field.too_big", "500'000"),
    T(FIELD_NUMBER, &r_num, "0", NULL, "0"),
    T(FIELD_NUMBER, &r_num, "-1", "field.too_small", "0"),
    T(FIELD_NUMBER, &r_num_neg, "-1000", NULL, "-1000"),
    T(FIELD_NUMBER, &r_num_neg, "-1001", "field.too_small", "-1'000"),
};

static const field_case_t money_cases[] = {
    T(FIELD_MONEY, NULL, "1200", NULL, "120000"),
    T(FIELD_MONEY, NULL, "1'200.50", NULL, "120050"),
    T(FIELD_MONEY, NULL, "1 200,5", NULL, "120050"),
    T(FIELD_MONEY, NULL, "CHF 12.30", NULL, "1230"),
    T(FIELD_MONEY, NULL, "chf12", NULL, "1200"),
    T(FIELD_MONEY, NULL, "12.30 CHF", NULL, "1230"),
    T(FIELD_MONEY, NULL, "Fr. 20.05", NULL, "2005"),
    T(FIELD_MONEY, NULL, "20 fr.", NULL, "2000"),
    T(FIELD_MONEY, NULL, "12.-", NULL, "1200"),
    T(FIELD_MONEY, NULL, "12.--", NULL, "1200"),
    T(FIELD_MONEY, NULL, "12,-", NULL, "1200"),
    T(FIELD_MONEY, NULL, "12.\xE2\x80\x93", NULL, "1200"),
    T(FIELD_MONEY, NULL, "12.- CHF", NULL, "1200"),
    T(FIELD_MONEY, NULL, "12.", NULL, "1200"),
    T(FIELD_MONEY, NULL, "0.05", NULL, "5"),
    T(FIELD_MONEY, NULL, "1\xE2\x80\x99" "200.00", NULL, "120000"),
    T(FIELD_MONEY, NULL, "1'200'000.5", NULL, "120000050"),
    T(FIELD_MONEY, NULL, "92'233'720'368'547'758.07", NULL,
      "9223372036854775807"),
    T(FIELD_MONEY, NULL, "92233720368547758.08", "field.money.invalid", NULL),
    T(FIELD_MONEY, NULL, "92233720368547759", "field.money.invalid", NULL),
    T(FIELD_MONEY, NULL, "99999999999999999999", "field.money.invalid", NULL),
    T(FIELD_MONEY, NULL, "12.345", "field.money.decimals", NULL),
    T(FIELD_MONEY, NULL, "1,234", "field.money.decimals", NULL),
    T(FIELD_MONEY, NULL, "0.001", "field.money.decimals", NULL),
    T(FIELD_MONEY, NULL, "1.200,50", "field.money.invalid", NULL),
    T(FIELD_MONEY, NULL, "12.5.0", "field.money.invalid", NULL),
    T(FIELD_MONEY, NULL, ".50", "field.money.invalid", NULL),
    T(FIELD_MONEY, NULL, "1'00.50", "field.money.invalid", NULL),
    T(FIELD_MONEY, NULL, "12 CHF CHF", "field.money.invalid", NULL),
    T(FIELD_MONEY, NULL, "EUR 12", "field.money.invalid", NULL),
    T(FIELD_MONEY, NULL, "12.3e2", "field.money.invalid", NULL),
    T(FIELD_MONEY, NULL, "CHF", "field.money.invalid", NULL),
    T(FIELD_MONEY, NULL, "-12", "field.too_small", "0.00 CHF"),
    T(FIELD_MONEY, &r_money, "500'000", NULL, "50000000"),
    T(FIELD_MONEY, &r_money, "500'000.01", "field.too_big", "500'000.00 CHF"),
    T(FIELD_MONEY, &r_money_neg, "-12.30", NULL, "-1230"),
    T(FIELD_MONEY, &r_money_neg, "CHF -100.01", "field.too_small",
      "-100.00 CHF"),
};

static const field_case_t choice_cases[] = {
    T(FIELD_CHOICE, &r_choice, "vaud", NULL, "vaud"),
    T(FIELD_CHOICE, &r_choice, " vaud ", NULL, "vaud"),
    T(FIELD_CHOICE, &r_choice, "Vaud", "field.choice.invalid", NULL),
    T(FIELD_CHOICE, &r_choice, "zurich", "field.choice.invalid", NULL),
    T(FIELD_CHOICE, &r_choice, "vaud\ngeneve", "field.choice.invalid", NULL),
    T(FIELD_CHOICE, NULL, "vaud", "field.choice.invalid", NULL),
    T(FIELD_CHOICE, &r_choices, "geneve\nbern", NULL, "bern\ngeneve"),
    T(FIELD_CHOICE, &r_choices, "geneve\r\nbern\r\n", NULL, "bern\ngeneve"),
    T(FIELD_CHOICE, &r_choices, "vaud", NULL, "vaud"),
    T(FIELD_CHOICE, &r_choices, "bern\nbern", "field.choice.invalid", NULL),
    T(FIELD_CHOICE, &r_choices, "bern\nzurich", "field.choice.invalid", NULL),
    T(FIELD_CHOICE, &r_choices, "\n\n", NULL, ""),
    T(FIELD_CHOICE, &r_choices_req, "\r\n", "field.required", NULL),
    T(FIELD_YESNO, NULL, "yes", NULL, "yes"),
    T(FIELD_YESNO, NULL, "oui", NULL, "yes"),
    T(FIELD_YESNO, NULL, "JA", NULL, "yes"),
    T(FIELD_YESNO, NULL, "true", NULL, "yes"),
    T(FIELD_YESNO, NULL, "1", NULL, "yes"),
    T(FIELD_YESNO, NULL, " Non ", NULL, "no"),
    T(FIELD_YESNO, NULL, "nein", NULL, "no"),
    T(FIELD_YESNO, NULL, "false", NULL, "no"),
    T(FIELD_YESNO, NULL, "0", NULL, "no"),
    T(FIELD_YESNO, NULL, "no", NULL, "no"),
    T(FIELD_YESNO, NULL, "y", "field.yesno.invalid", NULL),
    T(FIELD_YESNO, NULL, "si", "field.yesno.invalid", NULL),
    T(FIELD_YESNO, NULL, "2", "field.yesno.invalid", NULL),
    T(FIELD_YESNO, NULL, "ouii", "field.yesno.invalid", NULL),
    T(FIELD_YESNO, &r_required, "", "field.required", NULL),
};

static const field_case_t avs13_cases[] = {
    T(FIELD_AVS13, NULL, "756.1234.5678.97", NULL, "756.1234.5678.97"),
    T(FIELD_AVS13, NULL, "7561234567897", NULL, "756.1234.5678.97"),
    T(FIELD_AVS13, NULL, "756 1234 5678 97", NULL, "756.1234.5678.97"),
    T(FIELD_AVS13, NULL, "756.9876.5432.17", NULL, "756.9876.5432.17"),
    T(FIELD_AVS13, NULL, "756.1234.5678.98", "field.avs13.checksum", NULL),
    T(FIELD_AVS13, NULL, "756.1234.5679.97", "field.avs13.checksum", NULL),
    T(FIELD_AVS13, NULL, "756.1234.5678.9", "field.avs13.format", NULL),
    T(FIELD_AVS13, NULL, "756.1234.5678.977", "field.avs13.format", NULL),
    T(FIELD_AVS13, NULL, "757.1234.5678.97", "field.avs13.format", NULL),
    T(FIELD_AVS13, NULL, "756..1234.5678.97", "field.avs13.format", NULL),
    T(FIELD_AVS13, NULL, "756.1234.5678.97.", "field.avs13.format", NULL),
    T(FIELD_AVS13, NULL, "756-1234-5678-97", "field.avs13.format", NULL),
    T(FIELD_AVS13, NULL, "756.1234.5678.9x", "field.avs13.format", NULL),
    T(FIELD_AVS13, NULL, "75612345678970000000000", "field.avs13.format",
      NULL),
    T(FIELD_AVS13, &r_required, "  ", "field.required", NULL),
};

static const field_case_t ide_cases[] = {
    T(FIELD_IDE, NULL, "CHE-123.456.788", NULL, "CHE-123.456.788"),
    T(FIELD_IDE, NULL, "CHE123456788", NULL, "CHE-123.456.788"),
    T(FIELD_IDE, NULL, "CHE-123456788", NULL, "CHE-123.456.788"),
    T(FIELD_IDE, NULL, "che-123.456.788", NULL, "CHE-123.456.788"),
    T(FIELD_IDE, NULL, "CHE-116.068.369 MWST", NULL, "CHE-116.068.369"),
    T(FIELD_IDE, NULL, "CHE-116.068.369 TVA", NULL, "CHE-116.068.369"),
    T(FIELD_IDE, NULL, "CHE 116 068 369 iva", NULL, "CHE-116.068.369"),
    T(FIELD_IDE, NULL, "CHE-123.456.789", "field.ide.checksum", NULL),
    T(FIELD_IDE, NULL, "CHE-116.068.368", "field.ide.checksum", NULL),
    T(FIELD_IDE, NULL, "CHE-100.000.160", "field.ide.checksum", NULL),
    T(FIELD_IDE, NULL, "CHE-123.456.78", "field.ide.format", NULL),
    T(FIELD_IDE, NULL, "CHE-123.456.7888", "field.ide.format", NULL),
    T(FIELD_IDE, NULL, "123.456.788", "field.ide.format", NULL),
    T(FIELD_IDE, NULL, "CHF-123.456.788", "field.ide.format", NULL),
    T(FIELD_IDE, NULL, "CHE-123.456.788 VAT", "field.ide.format", NULL),
    T(FIELD_IDE, NULL, "CHE-123.456.788MWST", "field.ide.format", NULL),
    T(FIELD_IDE, NULL, "CHE--123.456.788", "field.ide.format", NULL),
};

static const field_case_t place_cases[] = {
    T(FIELD_NPA, NULL, "1003", NULL, "1003"),
    T(FIELD_NPA, NULL, "1000", NULL, "1000"),
    T(FIELD_NPA, NULL, "9699", NULL, "9699"),
    T(FIELD_NPA, NULL, " 3003 ", NULL, "3003"),
    T(FIELD_NPA, NULL, "0999", "field.npa.invalid", NULL),
    T(FIELD_NPA, NULL, "999", "field.npa.invalid", NULL),
    T(FIELD_NPA, NULL, "9700", "field.npa.invalid", NULL),
    T(FIELD_NPA, NULL, "10034", "field.npa.invalid", NULL),
    T(FIELD_NPA, NULL, "1OO3", "field.npa.invalid", NULL),
    T(FIELD_NPA, NULL, "CH-1003", "field.npa.invalid", NULL),
    T(FIELD_OFS, NULL, "5586", NULL, "5586"),
    T(FIELD_OFS, NULL, "261", NULL, "261"),
    T(FIELD_OFS, NULL, "0261", NULL, "261"),
    T(FIELD_OFS, NULL, "1", NULL, "1"),
    T(FIELD_OFS, NULL, "6999", NULL, "6999"),
    T(FIELD_OFS, NULL, "7000", "field.ofs.invalid", NULL),
    T(FIELD_OFS, NULL, "0", "field.ofs.invalid", NULL),
    T(FIELD_OFS, NULL, "0000", "field.ofs.invalid", NULL),
    T(FIELD_OFS, NULL, "00261", "field.ofs.invalid", NULL),
    T(FIELD_OFS, NULL, "-1", "field.ofs.invalid", NULL),
    T(FIELD_OFS, NULL, "12a", "field.ofs.invalid", NULL),
};

static const field_case_t iban_cases[] = {
    T(FIELD_IBAN, NULL, "CH93 0076 2011 6238 5295 7", NULL,
      "CH9300762011623852957"),
    T(FIELD_IBAN, NULL, "ch9300762011623852957", NULL,
      "CH9300762011623852957"),
    T(FIELD_IBAN, NULL, "IBAN CH93 0076 2011 6238 5295 7", NULL,
      "CH9300762011623852957"),
    T(FIELD_IBAN, NULL, "LI21 0881 0000 2324 013A A", NULL,
      "LI21088100002324013AA"),
    T(FIELD_IBAN, NULL, "DE89 3704 0044 0532 0130 00", NULL,
      "DE89370400440532013000"),
    T(FIELD_IBAN, NULL, "GB82 WEST 1234 5698 7654 32", NULL,
      "GB82WEST12345698765432"),
    T(FIELD_IBAN, NULL, "CH93 0076 2011 6238 5295 8", "field.iban.checksum",
      NULL),
    T(FIELD_IBAN, NULL, "CH93 0076 2011 6238 5296 7", "field.iban.checksum",
      NULL),
    T(FIELD_IBAN, NULL, "CH39 0076 2011 6238 5295 7", "field.iban.checksum",
      NULL),
    T(FIELD_IBAN, NULL, "DE89 3704 0044 0532 0130 01", "field.iban.checksum",
      NULL),
    T(FIELD_IBAN, NULL, "CH93 0076 2011 6238 5295", "field.iban.format", NULL),
    T(FIELD_IBAN, NULL, "CH93 0076 2011 6238 5295 77", "field.iban.format",
      NULL),
    T(FIELD_IBAN, NULL, "CH93-0076-2011-6238-5295-7", "field.iban.format",
      NULL),
    T(FIELD_IBAN, NULL, "9300762011623852957", "field.iban.format", NULL),
    T(FIELD_IBAN, NULL, "CHXX 0076 2011 6238 5295 7", "field.iban.format",
      NULL),
    T(FIELD_IBAN, NULL, "DE89 3704", "field.iban.format", NULL),
    T(FIELD_IBAN, NULL, "DE89 3704 0044 0532 0130 0000 0000 0000 0000 0",
      "field.iban.format", NULL),
};

#define F(rules, lit, key, want) { rules, lit, sizeof(lit) - 1, key, want }

#define PDF_OK  "%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
#define PNG_HDR "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1"
#define JPG_HDR "\xff\xd8\xff\xe0\0\x10JFIF\0"

static const file_case_t file_cases[] = {
    F(NULL, PDF_OK, NULL, "application/pdf"),
    F(NULL, "%PDF-1.4\n%%EOF", NULL, "application/pdf"),
    F(NULL, "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "field.file.truncated", NULL),
    F(NULL, PNG_HDR, "field.file.type", "PDF"),
    F(NULL, JPG_HDR, "field.file.type", "PDF"),
    F(NULL, "MZ\x90\0\3\0\0\0", "field.file.type", "PDF"),
    F(NULL, "Ceci est un PDF, promis. %%EOF", "field.file.type", "PDF"),
    F(NULL, " %PDF-1.7 %%EOF", "field.file.type", "PDF"),
    F(NULL, "", NULL, ""),
    F(&r_file_req, "", "field.required", NULL),
    F(&r_file_img, PNG_HDR, NULL, "image/png"),
    F(&r_file_img, JPG_HDR, NULL, "image/jpeg"),
    F(&r_file_img, PDF_OK, "field.file.type", "PNG / JPEG"),
    F(&r_file_pdf_png, PNG_HDR, NULL, "image/png"),
    F(&r_file_pdf_png, "GIF89a\1\0\1\0", "field.file.type", "PDF / PNG"),
    F(&r_file_small, "%PDF-1.7\n" "0123456789012345678901234567890123456789"
                     "012345678\n%%EOF", NULL, "application/pdf"),
    F(&r_file_small, "%PDF-1.7\n" "0123456789012345678901234567890123456789"
                     "01234567890\n%%EOF", "field.file.too_large", "64 B"),
};

typedef struct {
    const char         *name;
    const field_case_t *cases;
    size_t              n;
} field_table_t;

#define TABLE(c) { #c, c, sizeof(c) / sizeof(c[0]) }

static const field_table_t tables[] = {
    TABLE(text_cases), TABLE(email_cases), TABLE(phone_cases),
    TABLE(date_cases), TABLE(number_cases), TABLE(money_cases),
    TABLE(choice_cases), TABLE(avs13_cases), TABLE(ide_cases),
    TABLE(place_cases), TABLE(iban_cases),
};

static int
str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static int
key_known(const char *key)
{
    int i;

    for (i = 0; all_keys[i] != NULL; i++)
        if (strcmp(all_keys[i], key) == 0)
            return 1;
    return 0;
}

/* Compares one result with what a case expects; names the case on failure. */
static void
check_result(const char *table, size_t i, const char *input,
             field_result_t res, const char *key, const char *want)
{
    const char *got_value = key == NULL ? res.value : res.arg;

    if (key != NULL && !key_known(key))
        fail_msg("%s[%zu]: key %s missing from all_keys", table, i, key);
    if (!str_eq(res.key, key) || !str_eq(got_value, want)
        || (key == NULL && res.arg != NULL)
        || (key != NULL && res.value != NULL))
        fail_msg("%s[%zu] \"%s\": got key=%s arg=%s value=%s, "
                 "want key=%s %s=%s", table, i, input ? input : "(null)",
                 res.key ? res.key : "-", res.arg ? res.arg : "-",
                 res.value ? res.value : "-", key ? key : "-",
                 key ? "arg" : "value", want ? want : "-");
}

static void
run_table(const field_table_t *t)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
        const field_case_t *c = &t->cases[i];
        pool_t             *p = pool_new(0);

        check_result(t->name, i, c->input,
                     field_validate(p, c->type, c->rules, c->input),
                     c->key, c->want);
        pool_free(p);
    }
}

static void test_text(void **state)   { run_table(&tables[0]); }
static void test_email(void **state)  { run_table(&tables[1]); }
static void test_phone(void **state)  { run_table(&tables[2]); }
static void test_date(void **state)   { run_table(&tables[3]); }
static void test_number(void **state) { run_table(&tables[4]); }
static void test_money(void **state)  { run_table(&tables[5]); }
static void test_choice(void **state) { run_table(&tables[6]); }
static void test_avs13(void **state)  { run_table(&tables[7]); }
static void test_ide(void **state)    { run_table(&tables[8]); }
static void test_place(void **state)  { run_table(&tables[9]); }
static void test_iban(void **state)   { run_table(&tables[10]); }

static void
test_file(void **state)
{
    size_t i;

    for (i = 0; i < sizeof(file_cases) / sizeof(file_cases[0]); i++) {
        const file_case_t *c = &file_cases[i];
        pool_t            *p = pool_new(0);

        check_result("file_cases", i, "(bytes)",
                     field_validate_file(p, c->rules,
                                         (const unsigned char *) c->data,
                                         c->len),
                     c->key, c->want);
        pool_free(p);
    }
}

/* A %%EOF followed by more than 1024 bytes is no proper end of file; the
 * default cap is 10 MiB exactly, one byte more is refused. */
static void
test_file_limits(void **state)
{
    size_t          big = (size_t) 10 * 1024 * 1024;
    unsigned char  *d = calloc(1, big + 1);
    pool_t         *p = pool_new(0);
    field_result_t  res;

    assert_non_null(d);
    memcpy(d, "%PDF-1.7\n%%EOF\n", 15);
    res = field_validate_file(p, NULL, d, 15 + 1025);
    assert_string_equal(res.key, "field.file.truncated");
    res = field_validate_file(p, NULL, d, 15 + 1009);
    assert_null(res.key);

    memcpy(d + big - 6, "%%EOF\n", 6);
    res = field_validate_file(p, NULL, d, big);
    assert_null(res.key);
    assert_string_equal(res.value, "application/pdf");
    res = field_validate_file(p, NULL, d, big + 1);
    assert_string_equal(res.key, "field.file.too_large");
    assert_string_equal(res.arg, "10 MB");
    res = field_validate_file(p, &r_file_kb, d, 500 * 1024 + 1);
    assert_string_equal(res.key, "field.file.too_large");
    assert_string_equal(res.arg, "500 KB");
    res = field_validate_file(p, &r_file_req, NULL, 0);
    assert_string_equal(res.key, "field.required");
    pool_free(p);
    free(d);
}

/* 200 characters of 2 bytes each pass max_length 200; one more does not. */
static void
test_text_limit_in_characters(void **state)
{
    pool_t        *p = pool_new(0);
    buf_t          b;
    field_result_t res;
    int            i;

    buf_init(&b, p);
    for (i = 0; i < 200; i++)
        buf_puts(&b, "é");
    res = field_validate(p, FIELD_TEXT, &r_max200, b.data);
    assert_null(res.key);
    assert_int_equal(strlen(res.value), 400);
    buf_puts(&b, "e");
    res = field_validate(p, FIELD_TEXT, &r_max200, b.data);
    assert_string_equal(res.key, "field.too_long");
    assert_string_equal(res.arg, "200");
    pool_free(p);
}

static void
test_check_digits(void **state)
{
    static const unsigned char pdf[] = "%PDF-1.4";
    static const unsigned char png[] = "\x89PNG\r\n\x1a\n";

    assert_true(field_avs13_ok("7561234567897"));
    assert_false(field_avs13_ok("7561234567898"));
    assert_false(field_avs13_ok("756123456789"));
    assert_false(field_avs13_ok(NULL));
    assert_true(field_ide_ok("123456788"));
    assert_true(field_ide_ok("116068369"));
    assert_false(field_ide_ok("123456789"));
    assert_false(field_ide_ok("100000160"));
    assert_false(field_ide_ok("12345678"));
    assert_true(field_iban_ok("CH9300762011623852957"));
    assert_true(field_iban_ok("CH5604835012345678009"));
    assert_false(field_iban_ok("CH9300762011623852958"));
    assert_false(field_iban_ok("ch9300762011623852957"));
    assert_false(field_iban_ok("CH93 0076 2011 6238 5295 7"));
    assert_string_equal(field_sniff_mime(pdf, 8), "application/pdf");
    assert_string_equal(field_sniff_mime(png, 8), "image/png");
    assert_null(field_sniff_mime(png, 7));
    assert_null(field_sniff_mime(NULL, 0));
}

static void
test_type_names(void **state)
{
    int t;

    for (t = 0; t < FIELD__COUNT; t++)
        assert_int_equal(field_type_by_name(field_type_name(t)), t);
    assert_string_equal(field_type_name(FIELD_AVS13), "avs13");
    assert_int_equal(field_type_by_name("money"), FIELD_MONEY);
    assert_int_equal(field_type_by_name("Money"), -1);
    assert_int_equal(field_type_by_name(NULL), -1);
    assert_null(field_type_name(FIELD__COUNT));
}

static void
test_pattern_ok(void **state)
{
    assert_int_equal(field_pattern_ok("[A-Z]{2}[0-9]+"), 0);
    assert_int_equal(field_pattern_ok("(a|b)c"), 0);
    assert_int_equal(field_pattern_ok("[)]x"), 0);
    assert_int_equal(field_pattern_ok("[]()]"), 0);
    assert_int_equal(field_pattern_ok("[[:alpha:]]+"), 0);
    assert_int_equal(field_pattern_ok("a\\)"), 0);
    assert_int_equal(field_pattern_ok("a)|b"), -1);
    assert_int_equal(field_pattern_ok("(a"), -1);
    assert_int_equal(field_pattern_ok("[a"), -1);
    assert_int_equal(field_pattern_ok("a\\"), -1);
    assert_int_equal(field_pattern_ok("a{2"), -1);
    assert_int_equal(field_pattern_ok(NULL), -1);
}

/* Every value a validator stores lives in the caller's pool. */
static void
test_values_live_in_pool(void **state)
{
    pool_t        *p = pool_new(0);
    size_t         before = pool_bytes_used(p);
    field_result_t res = field_validate(p, FIELD_MONEY, NULL, "1'200.50");

    assert_string_equal(res.value, "120050");
    assert_true(pool_bytes_used(p) > before);
    pool_free(p);
}

static const char *
child_text(xmlNodePtr m, const char *lang)
{
    xmlNodePtr c;

    for (c = m->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE
            && strcmp((const char *) c->name, lang) == 0)
            return c->children != NULL
                   && c->children->type == XML_TEXT_NODE
                   ? (const char *) c->children->content : "";
    return NULL;
}

/* field_display() is the inverse of field_validate(): every value the
 * tables above accept, once stored, is written back (for an input and to
 * read) in a form field_validate() turns into the same stored value. */
static void
test_display_round_trips(void **state)
{
    pool_t *p = pool_new(0);
    size_t  t, j;
    int     how, checked = 0;

    (void) state;
    for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (j = 0; j < tables[t].n; j++) {
            const field_case_t  *c = &tables[t].cases[j];
            const field_rules_t *r = c->rules;
            field_result_t       stored, again;

            if (c->key != NULL)
                continue;
            stored = field_validate(p, c->type, r, c->input);
            if (stored.key != NULL || *stored.value == '\0')
                continue;
            for (how = FIELD_SHOW_INPUT; how <= FIELD_SHOW_TEXT; how++) {
                const char *shown = field_display(p, c->type, stored.value, (field_show_t) how);

                again = field_validate(p, c->type, r, shown);
                if (again.key != NULL || strcmp(again.value, stored.value) != 0)
                    fail_msg("%s[%zu] %s: stored \"%s\", shown \"%s\", read back %s \"%s\"",
                             tables[t].name, j, how ? "text" : "input", stored.value, shown,
                             again.key ? again.key : "as", again.key ? "" : again.value);
                checked++;
            }
        }
    assert_true(checked > 100);
    pool_free(p);
}

/* What field_display() writes, type by type. */
static void
test_display_swiss_way(void **state)
{
    pool_t *p = pool_new(0);

    (void) state;
    assert_string_equal(field_display(p, FIELD_MONEY, "150050", FIELD_SHOW_INPUT), "1500.50");
    assert_string_equal(field_display(p, FIELD_MONEY, "150050", FIELD_SHOW_TEXT),
                        "1'500.50 CHF");
    assert_string_equal(field_display(p, FIELD_MONEY, "5", FIELD_SHOW_INPUT), "0.05");
    assert_string_equal(field_display(p, FIELD_MONEY, "-50", FIELD_SHOW_TEXT), "-0.50 CHF");
    assert_string_equal(field_display(p, FIELD_MONEY, "50000000", FIELD_SHOW_TEXT),
                        "500'000.00 CHF");
    assert_string_equal(field_display(p, FIELD_MONEY, "12.50", FIELD_SHOW_TEXT), "12.50");
    assert_string_equal(field_display(p, FIELD_DATE, "2026-12-31", FIELD_SHOW_INPUT),
                        "31.12.2026");
    assert_string_equal(field_display(p, FIELD_DATE, "2026-12-31", FIELD_SHOW_TEXT),
                        "31.12.2026");
    assert_string_equal(field_display(p, FIELD_DATE, "31.12.2026", FIELD_SHOW_TEXT),
                        "31.12.2026");
    assert_string_equal(field_display(p, FIELD_PHONE, "+41213161111", FIELD_SHOW_TEXT),
                        "+41 21 316 11 11");
    assert_string_equal(field_display(p, FIELD_PHONE, "+41213161111", FIELD_SHOW_INPUT),
                        "+41213161111");
    assert_string_equal(field_display(p, FIELD_PHONE, "+33123456789", FIELD_SHOW_TEXT),
                        "+33123456789");
    assert_string_equal(field_display(p, FIELD_IBAN, "CH9300762011623852957", FIELD_SHOW_TEXT),
                        "CH93 0076 2011 6238 5295 7");
    assert_string_equal(field_display(p, FIELD_AVS13, "756.9217.0769.85", FIELD_SHOW_TEXT),
                        "756.9217.0769.85");
    assert_string_equal(field_display(p, FIELD_IDE, "CHE-116.281.710", FIELD_SHOW_TEXT),
                        "CHE-116.281.710");
    assert_string_equal(field_display(p, FIELD_NUMBER, "-1200", FIELD_SHOW_TEXT), "-1200");
    assert_null(field_display(p, FIELD_MONEY, NULL, FIELD_SHOW_TEXT));
    pool_free(p);
}

/* Every key has fr, de and en text, the catalogue has no key the module
 * does not use, and the tables above exercise every key. */
static void
test_catalogue(void **state)
{
    xmlDocPtr  doc;
    xmlNodePtr root, m;
    int        i, found;
    size_t     t, j;

    doc = xmlReadFile(TEST_ROOT "/xslt/i18n/field.xml", NULL,
                      XML_PARSE_NONET);
    assert_non_null(doc);
    root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *) root->name, "messages");
    for (i = 0; all_keys[i] != NULL; i++) {
        found = 0;
        for (m = root->children; m != NULL; m = m->next) {
            xmlChar    *key;
            const char *langs[] = { "fr", "de", "en" };
            int         l;

            if (m->type != XML_ELEMENT_NODE)
                continue;
            key = xmlGetProp(m, (const xmlChar *) "key");
            if (key != NULL && strcmp((char *) key, all_keys[i]) == 0) {
                found++;
                for (l = 0; l < 3; l++) {
                    const char *txt = child_text(m, langs[l]);

                    if (txt == NULL || *txt == '\0')
                        fail_msg("%s: no %s text", all_keys[i], langs[l]);
                }
            }
            xmlFree(key);
        }
        if (found != 1)
            fail_msg("%s: %d entries in field.xml", all_keys[i], found);
    }
    for (m = root->children; m != NULL; m = m->next) {
        xmlChar *key;

        if (m->type != XML_ELEMENT_NODE)
            continue;
        key = xmlGetProp(m, (const xmlChar *) "key");
        if (key == NULL || !key_known((const char *) key))
            fail_msg("field.xml: unknown key %s", key ? (char *) key : "-");
        xmlFree(key);
    }
    xmlFreeDoc(doc);

    for (i = 0; all_keys[i] != NULL; i++) {
        found = 0;
        for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
            for (j = 0; j < tables[t].n; j++)
                found |= str_eq(tables[t].cases[j].key, all_keys[i]);
        for (j = 0; j < sizeof(file_cases) / sizeof(file_cases[0]); j++)
            found |= str_eq(file_cases[j].key, all_keys[i]);
        if (!found)
            fail_msg("%s: no test case", all_keys[i]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_text_limit_in_characters),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_phone),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_number),
        cmocka_unit_test(test_money),
        cmocka_unit_test(test_choice),
        cmocka_unit_test(test_avs13),
        cmocka_unit_test(test_ide),
        cmocka_unit_test(test_place),
        cmocka_unit_test(test_iban),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_file_limits),
        cmocka_unit_test(test_check_digits),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_pattern_ok),
        cmocka_unit_test(test_values_live_in_pool),
        cmocka_unit_test(test_display_round_trips),
        cmocka_unit_test(test_display_swiss_way),
        cmocka_unit_test(test_catalogue),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
