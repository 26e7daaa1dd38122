/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_cond.c -- judging a shown-when / required-when condition or a field:
 * guard against a value (see wf_cond.h).
 *
 * Owns the matching rule only (one value a line for a multiple choice,
 * "=" one of the values, "!=" none of them) and the normalisation a value
 * goes through before it is compared.  Knows no request, no demand and no
 * database: callers hand it the value.
 */
#include "wf_cond.h"

#include <string.h>

#include "en_assert.h"
#include "field.h"
#include "wf_rule.h"

int
wf_cond_match(const wf_cond_t *c, const char *value)
{
    const char *line, *nl;
    size_t      i;
    int         match = 0;

    if (c == NULL || c->text == NULL || NEVER(c->field_name == NULL))
        return 1;
    if (c->age_op != WF_AGE_NONE) {
        int age;

        /* no date (yet), or not a date: an age condition does not hold */
        if (value == NULL || wf_age_years(value, &age) != 0)
            return 0;
        return c->age_op == WF_AGE_LESS ? age < c->age_years : age >= c->age_years;
    }
    if (value == NULL)
        value = "";
    /* "" is one empty line: "name=" matches an empty value */
    for (line = value; line != NULL && !match; line = nl ? nl + 1 : NULL) {
        size_t n;

        nl = strchr(line, '\n');
        n = nl ? (size_t) (nl - line) : strlen(line);
        for (i = 0; i < c->n_values && !match; i++)
            if (c->values[i] != NULL && strlen(c->values[i]) == n
                && !strncmp(c->values[i], line, n))
                match = 1;
        if (*value == '\0')
            break;
    }
    return c->negate ? !match : match;
}

const char *
wf_cond_normal(pool_t *p, const wf_field_t *f, const char *text)
{
    field_rules_t  rules;
    field_result_t res;

    if (text == NULL || !field_utf8_ok(text))
        return NULL;
    if (f == NULL || f->type < 0 || f->type == FIELD_FILE)
        return text;
    rules = f->rules;
    rules.required = 0;
    res = field_validate(p, (field_type_t) f->type, &rules, text);
    return res.key == NULL ? res.value : text;
}
