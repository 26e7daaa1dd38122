/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_rule.c -- rules across fields (see wf_rule.h): the vocabulary of is=,
 * the definition checks, the comparison of two normalised values.
 *
 * Does not own: reading the element (wf_def.c), which values are compared
 * and when (wf_input.c), the message texts (xslt/i18n/forms.xml).
 */
#include "wf_rule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const wf_rule_ops[] = {
    "at-least", "more-than", "at-most", "less-than", "age-at-least", "not", NULL
};

int
wf_age_years(const char *iso, int *years)
{
    struct tm now;
    time_t    t = time(NULL);
    int       y, m, d, age;

    if (iso == NULL || strlen(iso) != 10 || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3
        || m < 1 || m > 12 || d < 1 || d > 31 || localtime_r(&t, &now) == NULL)
        return -1;
    age = now.tm_year + 1900 - y;
    if (now.tm_mon + 1 < m || (now.tm_mon + 1 == m && now.tm_mday < d))
        age--;
    *years = age;
    return 0;
}

int
wf_rule_op_by_name(const char *s)
{
    int i;

    for (i = 0; s != NULL && wf_rule_ops[i] != NULL; i++)
        if (!strcmp(wf_rule_ops[i], s))
            return i;
    return -1;
}

const char *
wf_rule_op_name(int op)
{
    return op >= 0 && op <= WF_RULE_NOT ? wf_rule_ops[op] : "?";
}

static int
wf_rule_comparable(int type)
{
    return type == FIELD_DATE || type == FIELD_NUMBER || type == FIELD_MONEY;
}

/* " (did you mean ...?)" among the fields of form. */
static const char *
wf_rule_dym(pool_t *p, const wf_form_t *form, const char *name)
{
    const char **names;
    size_t       i, k, n = 0;

    for (i = 0; i < form->n_pages; i++)
        n += form->pages[i].n_fields;
    names = pool_calloc(p, (n + 1) * sizeof(*names));
    n = 0;
    for (i = 0; i < form->n_pages; i++)
        for (k = 0; k < form->pages[i].n_fields; k++)
            names[n++] = form->pages[i].fields[k].name;
    return wf_did_you_mean(p, name ? name : "", names, n);
}

/* age-at-least and not: one field, no other. */
static void
wf_rule_check_single(pool_t *p, wf_diag_t *d, const char *file, wf_form_t *form,
                     wf_page_t *pg, wf_rule_t *ru, const char *what)
{
    size_t i;
    int    found = 0;

    if (ru->other_name != NULL) {
        wf_diag_error(d, file, ru->line, "%s: is=\"%s\" looks at one field: remove "
                      "other=", what, ru->op_text);
        return;
    }
    if ((ru->field = wf_field_find(form, ru->field_name)) == NULL) {
        wf_diag_error(d, file, ru->line, "%s: form \"%s\" has no field \"%s\"%s", what,
                      form->id, ru->field_name, wf_rule_dym(p, form, ru->field_name));
        return;
    }
    if (ru->field->page != pg) {
        wf_diag_error(d, file, ru->line, "%s: field \"%s\" is not on page \"%s\"; a rule "
                      "stands on the page of the field its message is next to", what,
                      ru->field_name, pg->id);
    } else if (ru->op == WF_RULE_AGE_AT_LEAST) {
        if (ru->field->type != FIELD_DATE)
            wf_diag_error(d, file, ru->line, "%s: is=\"age-at-least\" needs a date field; "
                          "\"%s\" is of type %s", what, ru->field_name,
                          ru->field->type_name ? ru->field->type_name : "?");
        else if (ru->years <= 0)
            wf_diag_error(d, file, ru->line, "%s: is=\"age-at-least\" needs years=\"N\"",
                          what);
        else
            return;
    } else {
        if (ru->field->type != FIELD_CHOICE)
            wf_diag_error(d, file, ru->line, "%s: is=\"not\" needs a choice field; "
                          "\"%s\" is of type %s", what, ru->field_name,
                          ru->field->type_name ? ru->field->type_name : "?");
        else if (ru->value == NULL)
            wf_diag_error(d, file, ru->line, "%s: is=\"not\" needs value=\"OPTION\"", what);
        else {
            for (i = 0; i < ru->field->n_options; i++)
                if (!strcmp(ru->field->options[i].value, ru->value))
                    found = 1;
            if (found)
                return;
            wf_diag_error(d, file, ru->line, "%s: field \"%s\" has no option \"%s\"", what,
                          ru->field_name, ru->value);
        }
    }
    ru->field = NULL;
}

static void
wf_rule_check_one(pool_t *p, wf_diag_t *d, const char *file, wf_form_t *form,
                  wf_page_t *pg, wf_rule_t *ru)
{
    const char *what = pool_printf(p, "page \"%s\": rule", pg->id);

    ru->field = NULL;
    ru->other = NULL;
    if (ru->op < 0) {
        wf_diag_error(d, file, ru->line, "%s: unknown is=\"%s\"%s", what,
                      ru->op_text ? ru->op_text : "",
                      wf_did_you_mean(p, ru->op_text ? ru->op_text : "", wf_rule_ops, 6));
        return;
    }
    if (ru->op == WF_RULE_AGE_AT_LEAST || ru->op == WF_RULE_NOT) {
        wf_rule_check_single(p, d, file, form, pg, ru, what);
        return;
    }
    if (ru->other_name == NULL) {
        wf_diag_error(d, file, ru->line, "%s: is=\"%s\" compares two fields: write "
                      "other=\"FIELD\"", what, ru->op_text);
        return;
    }
    if ((ru->field = wf_field_find(form, ru->field_name)) == NULL) {
        wf_diag_error(d, file, ru->line, "%s: form \"%s\" has no field \"%s\"%s", what,
                      form->id, ru->field_name, wf_rule_dym(p, form, ru->field_name));
        return;
    }
    if ((ru->other = wf_field_find(form, ru->other_name)) == NULL) {
        wf_diag_error(d, file, ru->line, "%s: form \"%s\" has no field \"%s\"%s", what,
                      form->id, ru->other_name, wf_rule_dym(p, form, ru->other_name));
        ru->field = NULL;
        return;
    }
    if (ru->field == ru->other)
        wf_diag_error(d, file, ru->line, "%s: field \"%s\" is compared with itself",
                      what, ru->field_name);
    else if (ru->field->page != pg)
        wf_diag_error(d, file, ru->line, "%s: field \"%s\" is not on page \"%s\"; a rule "
                      "stands on the page of the field its message is next to", what,
                      ru->field_name, pg->id);
    else if (ru->other->page->index > pg->index)
        wf_diag_error(d, file, ru->line, "%s: field \"%s\" is on a later page (\"%s\"); "
                      "a rule can only compare with fields filled in before", what,
                      ru->other_name, ru->other->page->id);
    else if (!wf_rule_comparable(ru->field->type))
        wf_diag_error(d, file, ru->line, "%s: field \"%s\" is of type %s; a rule "
                      "compares dates, numbers or amounts", what, ru->field_name,
                      ru->field->type_name ? ru->field->type_name : "?");
    else if (ru->field->type != ru->other->type)
        wf_diag_error(d, file, ru->line, "%s: field \"%s\" (%s) and field \"%s\" (%s) "
                      "are not of the same type", what, ru->field_name,
                      ru->field->type_name, ru->other_name, ru->other->type_name);
    else
        return;
    ru->field = NULL;
    ru->other = NULL;
}

void
wf_rule_check(pool_t *p, wf_diag_t *d, const char *file, wf_form_t *form)
{
    size_t i, k;

    for (i = 0; i < form->n_pages; i++)
        for (k = 0; k < form->pages[i].n_rules; k++)
            wf_rule_check_one(p, d, file, form, &form->pages[i], &form->pages[i].rules[k]);
}

/* A stored number (units) or amount (cents): an optional '-' and digits. */
static int
wf_rule_number(const char *s, long long *out)
{
    char *end;

    errno = 0;
    *out = strtoll(s, &end, 10);
    return errno == 0 && end != s && *end == '\0';
}

int
wf_rule_holds(const wf_rule_t *rule, const char *a, const char *b)
{
    int cmp;

    if (rule != NULL && rule->field != NULL && rule->op == WF_RULE_AGE_AT_LEAST) {
        int age;

        if (a == NULL || *a == '\0' || wf_age_years(a, &age) != 0)
            return 1;
        return age >= rule->years;
    }
    if (rule != NULL && rule->field != NULL && rule->op == WF_RULE_NOT)
        return a == NULL || rule->value == NULL || strcmp(a, rule->value) != 0;
    if (rule == NULL || rule->field == NULL || a == NULL || b == NULL
        || *a == '\0' || *b == '\0')
        return 1;
    if (rule->field->type == FIELD_DATE) {
        /* yyyy-mm-dd: the order of the text is the order of the days */
        if (strlen(a) != 10 || strlen(b) != 10)
            return 1;
        cmp = strcmp(a, b);
    } else {
        long long x, y;

        if (!wf_rule_number(a, &x) || !wf_rule_number(b, &y))
            return 1;
        cmp = x < y ? -1 : x > y;
    }
    switch (rule->op) {
    case WF_RULE_AT_LEAST:  return cmp >= 0;
    case WF_RULE_MORE_THAN: return cmp > 0;
    case WF_RULE_AT_MOST:   return cmp <= 0;
    case WF_RULE_LESS_THAN: return cmp < 0;
    default:                return 1;
    }
}

const char *
wf_rule_message_key(pool_t *p, const wf_rule_t *rule)
{
    const char *kind;

    if (rule->refusal.n > 0)
        return "wf.rule.refusal";
    if (rule->op == WF_RULE_AGE_AT_LEAST)
        return "wf.rule.age.at-least";
    if (rule->op == WF_RULE_NOT)
        return "wf.rule.not";
    kind = rule->field != NULL && rule->field->type == FIELD_DATE ? "date"
                     : rule->field != NULL && rule->field->type == FIELD_MONEY ? "amount"
                     : "number";

    return pool_printf(p, "wf.rule.%s.%s", kind, wf_rule_op_name(rule->op));
}

int
wf_rule_sound(const wf_page_t *page)
{
    size_t i;

    for (i = 0; i < page->n_rules; i++)
        if (page->rules[i].field == NULL || page->rules[i].op < 0
            || page->rules[i].op > WF_RULE_NOT
            || (page->rules[i].other == NULL && page->rules[i].op <= WF_RULE_LESS_THAN))
            return 0;
    return 1;
}

const char *
wf_rule_message_arg(pool_t *p, const wf_rule_t *rule, const char *lang)
{
    if (rule->refusal.n > 0)
        return wf_i18n_get(&rule->refusal, lang ? lang : "fr");
    if (rule->op == WF_RULE_AGE_AT_LEAST)
        return pool_printf(p, "%d", rule->years);
    if (rule->op == WF_RULE_NOT)
        return rule->value;
    return rule->other != NULL ? rule->other->name : rule->other_name;
}
