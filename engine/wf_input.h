/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_input.h -- what a person sends with a transition or a page save,
 * checked against the definition: THE one place where form fields, the
 * comment, attachments and uploads are validated (wf_fire, wf_save, and
 * through them every page and the `guichet demand` command).
 *
 *   wf_input_check_t c;
 *   wf_input_init(&c, p, demand, input);
 *   wf_input_normalise(&c, form);         values conditions compare
 *   wf_input_pages(&c, form, pages, n, full);
 *   comment = wf_input_comment(&c, t->comment, input->comment);
 *   wf_input_attachments(&c, t);
 *   rc = wf_input_verdict(&c, err, &errors, &nerrors);
 *
 * Every text a person sends must be valid UTF-8 or is refused, next to its
 * field: a field value (field_validate: "field.utf8"), the comment
 * ("field.utf8"), an upload's filename ("wf.file.name_utf8").  Nothing
 * is dropped silently.  What passes is gathered as JSON (c.set, c.unset,
 * c.files, c.file_list) for the one statement that writes it.
 *
 * Does not own: the state, who may act, the guards (wf_fire.c), nor how
 * a condition matches (wf_cond.c), nor what a value of each type looks
 * like (field.c).
 */
#ifndef GUICHET_WF_INPUT_H
#define GUICHET_WF_INPUT_H

#include <jansson.h>

#include "en_err.h"
#include "kv.h"
#include "pool.h"
#include "wf_def.h"
#include "wf_demand.h"

#define WF_COMMENT_MAX 5000         /* characters */
#define WF_MAX_FILES   32

/* What the actor submitted with the transition. */
typedef struct {
    const kv_t     *form;              /* field name -> typed value */
    const upload_t *uploads;           /* file fields and attachments */
    const char     *comment;           /* NULL or text */
    int             expected_version;  /* the version the user saw; 0: any */
    const char     *page;              /* wf_save: the page saved, marked
                                          visited; NULL: none */
    const json_t   *groups;            /* the repeating groups as posted
                                          (wf_group_posted_page, maybe
                                          with an item added or removed);
                                          NULL: read them from form */
} wf_input_t;

/* One refused field: show msg_key (with arg) next to field. */
typedef struct {
    const char *field;      /* field name, attachment name or "comment" */
    const char *key;        /* catalogue key, e.g. "field.required" */
    const char *arg;        /* argument of the message, or NULL */
} wf_field_error_t;

typedef struct {
    pool_t             *p;
    const wf_demand_t  *d;
    const wf_input_t   *in;         /* may be NULL: nothing sent */
    json_t             *set;        /* field -> normalised value */
    json_t             *unset;      /* [field] */
    json_t             *files;      /* [{field, index, filename, mime, kind}] */
    const upload_t     *file_list[WF_MAX_FILES];
    int                 nfiles;
    wf_field_error_t   *errors;
    int                 nerrors, cap;
    json_t             *norm;       /* sent values normalised, for conditions */
    int                 json_failed; /* a JSON value could not be built */
} wf_input_check_t;

/* Starts a check of in (NULL: nothing sent) on demand d; the JSON lives
 * as long as p. */
void wf_input_init(wf_input_check_t *c, pool_t *p, const wf_demand_t *d,
                   const wf_input_t *in);

/* First pass: every sent value of form normalised (required-ness aside),
 * so that conditions compare "yes" with "yes" whatever the user typed. */
void wf_input_normalise(wf_input_check_t *c, const wf_form_t *form);

/* Whether cond holds on what was sent (normalised), else what is stored. */
int wf_input_cond(wf_input_check_t *c, const wf_cond_t *cond);

/* Validates the fields of pages[0..n) of form (n == 0: all its pages).
 * full: a transition (required-ness applies, an absent value falls back on
 * the stored one); else a save (only what was sent is checked).  A hidden
 * field (its shown-when or its page's does not hold) loses its stored
 * value. */
void wf_input_pages(wf_input_check_t *c, const wf_form_t *form,
                    wf_page_t *const *pages, size_t n, int full);

/* The comment as it will be stored (trimmed; NULL when none or the rule
 * is "none"), after checking it against rule: required, at most
 * WF_COMMENT_MAX characters, valid UTF-8. */
const char *wf_input_comment(wf_input_check_t *c, wf_comment_t rule, const char *comment);

/* Validates t's attachments (type from the bytes, size, required, name). */
void wf_input_attachments(wf_input_check_t *c, const wf_transition_t *t);

/* Refuses field with message key (and arg) after the fact: a check only
 * the caller can make (wf_effect.c: a wrong one-time code). */
void wf_input_error(wf_input_check_t *c, const char *field, const char *key,
                    const char *arg);

/* EN_OK when everything passed; EN_BADINPUT with *errors / *nerrors (in
 * form order) otherwise; EN_INTERNAL when a JSON value could not be built
 * (never silently a missing key). */
int wf_input_verdict(wf_input_check_t *c, en_err_t *err, wf_field_error_t **errors,
                     int *nerrors);

/* THE upload check, for a form field, an attachment or the wallet: the
 * filename valid UTF-8 ("wf.file.name_utf8"), the bytes against rules
 * (field_validate_file: type sniffed, size, a complete PDF), then clamd
 * (av_scan: "av.infected", "av.unavailable").  label names the field in the
 * log.  EN_OK with *mime (the sniffed type); EN_BADINPUT with *key, *arg. */
int wf_input_upload_check(pool_t *p, const upload_t *u, const char *label,
                          const field_rules_t *rules, const char **mime, const char **key,
                          const char **arg);

/* json_object_set_new that fails loudly: -1 (and v released) when v is
 * NULL (jansson refuses invalid UTF-8 that way) or o refuses it; 0 once
 * set.  What builds a document to store ORs the results and refuses to
 * send a document with a key missing. */
int wf_json_set(json_t *o, const char *key, json_t *v);

#endif
