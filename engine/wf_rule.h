/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_rule.h -- rules across fields: the closed vocabulary of
 *
 *   <rule field="end-date" is="at-least" other="start-date"/>
 *
 * inside a <page>: the value of field must be at least (at-most,
 * more-than, less-than) the value of other, both of one comparable type
 * (date, number, money), other on the same page or an earlier one.  The
 * message goes next to field, naming other (wf.rule.<kind>.<is>).
 *
 * Two rules look at one field (no other=): is="age-at-least" years="N" (a
 * date field: the person born that day is N or older today) and is="not"
 * value="V" (a choice field: V is refused).  Any rule may carry
 * <refusal xml:lang="..."> texts: the message shown instead of the
 * catalogue's (key wf.rule.refusal, the text as argument).
 *
 * Nothing a person sends is ever evaluated: a rule is data, the
 * comparison is one of four, on values already normalised by field.c.
 * Parsing is wf_def.c's (the attributes), evaluation time is wf_input.c's
 * (which values, when); this module owns the vocabulary, the checks of
 * `guichet check` and the comparison itself.
 */
#ifndef GUICHET_WF_RULE_H
#define GUICHET_WF_RULE_H

#include "wf_def.h"
#include "wf_diag.h"

/* "at-least" -> WF_RULE_AT_LEAST ...; -1 when unknown. */
int         wf_rule_op_by_name(const char *s);
const char *wf_rule_op_name(int op);

/* Resolves the rules of every page of form and reports, as
 * file:line: errors in d, an unknown is=, an unknown field, a field
 * compared with itself, a type that cannot be compared or two different
 * types, a field not on the rule's page, another field on a later page. */
void wf_rule_check(pool_t *p, wf_diag_t *d, const char *file, wf_form_t *form);

/* Whether the rule holds for the normalised values a (of rule->field) and
 * b (of rule->other).  An empty or absent value holds (required-ness is
 * the field's own rule); so does a value that is not in the stored form
 * (its own check refuses it). */
int wf_rule_holds(const wf_rule_t *rule, const char *a, const char *b);

/* The catalogue key of the message when the rule does not hold:
 * "wf.rule.date.at-least", "wf.rule.amount.less-than"... */
const char *wf_rule_message_key(pool_t *p, const wf_rule_t *rule);

/* The message's argument when the rule does not hold, in lang: the
 * definition's <refusal>, else the other field's name (the page shows its
 * label), the years of age-at-least, the value of not. */
const char *wf_rule_message_arg(pool_t *p, const wf_rule_t *rule, const char *lang);

/* The age today (local time) of someone born on iso (yyyy-mm-dd), in
 * whole years: 0 with *years, -1 when iso is not a date. */
int wf_age_years(const char *iso, int *years);

/* Whether every rule of page was resolved (wf_def_sound). */
int wf_rule_sound(const wf_page_t *page);

#endif
