/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_def.h -- a workflow definition in memory: the procedure an
 * administrator wrote in workflows/NAME.xml (language reference:
 * docs/workflow-language.md), parsed, checked and linked.
 *
 * A definition is read once (at startup, at reload, or from the database
 * for an older published version) with wf_load_file() / wf_load_memory(),
 * and is then immutable: every string, array and cross-pointer lives in the
 * pool handed to the loader, nothing is freed by hand, and readers in any
 * number of requests may share it.
 *
 * Every element keeps the line it came from, so that a problem found later
 * (at reload, at run time) can still say `file:line:`.
 *
 * Cross-references (a transition's target state, a timer's transition, a
 * condition's field...) are resolved into pointers when the definition is
 * checked; in a definition that loaded without errors they are never NULL
 * where the language requires them.
 */
#ifndef GUICHET_WF_DEF_H
#define GUICHET_WF_DEF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <libxml/tree.h>

#include "field.h"
#include "pool.h"
#include "wf_diag.h"    /* wf_diag_t, wf_did_you_mean */
#include "wf_time.h"    /* wf_duration_t */

#define WF_NAMESPACE "urn:guichet:workflow:1"

/* ------------------------------------------------------------------ */
/* small value types                                                   */
/* ------------------------------------------------------------------ */

/* A text in several languages; fr is required by the checker. */
typedef struct {
    const char *lang;     /* "fr", "de", "en" */
    const char *text;     /* trimmed */
} wf_text_t;

typedef struct {
    wf_text_t *v;
    size_t     n;
    int        line;      /* of the first translation, 0 if none */
} wf_i18n_t;

/* The text in lang, else French, else the first one, else NULL. */
const char *wf_i18n_get(const wf_i18n_t *t, const char *lang);

/* Sizes as written in max-size: "10M", "512K", "2G", "300000" (bytes;
 * K/M/G are binary).  0 on success. */
int wf_size_parse(const char *s, size_t *out);

/* ------------------------------------------------------------------ */
/* audience                                                            */
/* ------------------------------------------------------------------ */

typedef enum {
    WF_SPACE_ANY = 0, WF_SPACE_PERSONAL, WF_SPACE_PROFESSIONAL
} wf_space_t;

/* Same values as session.h's assurance_t. */
typedef enum {
    WF_ASSURANCE_EMAIL = 1, WF_ASSURANCE_VERIFIED = 2, WF_ASSURANCE_STRONG = 3
} wf_assurance_t;

typedef struct {
    wf_space_t      space;
    const char    **entity_kinds;  /* NULL-terminated; empty = any kind */
    size_t          n_entity_kinds;
    wf_assurance_t  assurance;     /* minimum level; default email */
    int             protected_service; /* members need an access grant */
    const char     *grant_approval; /* grant-approval="agent:GROUP": the
                                       GROUP that approves a grant after
                                       the référent; NULL: none */
    wf_i18n_t       refusal;       /* why a wrong space is refused */
    int             line;
} wf_audience_t;

/* ------------------------------------------------------------------ */
/* forms                                                               */
/* ------------------------------------------------------------------ */

struct wf_field;
struct wf_page;
struct wf_form;
struct wf_group;
struct wf_lookup;

/* shown-when / required-when: "name=value", "name=a|b", "name!=value",
 * or an age compared with a number of years: "age(name)<18",
 * "age(name)>=15" (name a date field: the age today, in whole years). */
typedef enum { WF_AGE_NONE = 0, WF_AGE_LESS, WF_AGE_AT_LEAST } wf_age_op_t;

typedef struct {
    const char      *text;      /* as written; NULL when absent */
    const char      *field_name;
    const char     **values;    /* NULL-terminated */
    size_t           n_values;
    int              negate;    /* != */
    wf_age_op_t      age_op;    /* an age condition: values are unused */
    int              age_years;
    struct wf_field *field;     /* resolved by the checker */
    int              line;
} wf_cond_t;

typedef struct {
    const char *value;
    wf_i18n_t   label;
    int         line;
} wf_option_t;

typedef struct wf_field {
    const char      *name;
    const char      *type_name;   /* as written */
    int              type;        /* field_type_t, -1 when unknown */
    field_rules_t    rules;       /* limits, choices, accept... */
    wf_i18n_t        label, help;
    wf_option_t     *options;
    size_t           n_options;
    wf_cond_t        shown_when, required_when;
    const char      *prefill;     /* "person.email", ... or NULL */
    const char      *category;    /* file: wallet category (wallet.h) or NULL */
    struct wf_page  *page;
    struct wf_group *group;       /* a field of each item of this repeating
                                     group; NULL: a field of the page */
    const struct wf_lookup *filled_by; /* read-only: written by this lookup
                                     (set by the checker), never posted */
    int              line;
} wf_field_t;

/*
 * <lookup register="communes" key="ofs" fill="commune-name" found="known"/>
 * in a page or a group (language: wf_group.h): the values of the key
 * fields are looked up in a reference register (register.h) when the page
 * is saved or a transition checks it; fill fields get the register's
 * columns (FIELD or FIELD=COLUMN), found gets "yes" or "no".  Keys and
 * targets are fields of the same scope: the page's own fields, or the
 * same item of the group.
 */
typedef struct wf_lookup {
    const char        *register_name;
    const char       **key_names;   /* NULL-terminated, the register's key order */
    size_t             n_keys;
    struct wf_field  **keys;        /* resolved by the checker */
    const char       **fill_names;  /* as written: "field" or "field=column" */
    size_t             n_fill;
    struct wf_field  **fill;        /* resolved */
    const char       **fill_columns; /* the register column of each fill */
    const char        *found_name;  /* NULL when absent */
    struct wf_field   *found;       /* resolved */
    struct wf_page    *page;
    struct wf_group   *group;       /* NULL: a lookup of the page */
    int                line;
} wf_lookup_t;

/*
 * <group name="communes" min="1" max="10"> with fields, lookups and at
 * most one more level of groups: a list of items the person adds and
 * removes, stored in form_data as a JSON array of objects (item field ->
 * normalised value, nested group -> array).  See wf_group.h.
 */
typedef struct wf_group {
    const char       *name;
    size_t            min, max;     /* item count limits; max default 20 */
    wf_i18n_t         label;        /* an item's legend: "Commune" -> "Commune 2" */
    wf_i18n_t         title;        /* the whole group's legend (optional) */
    wf_i18n_t         help;
    wf_i18n_t         add;          /* the add button: "Ajouter une autre commune" */
    wf_field_t       *fields;       /* of each item */
    size_t            n_fields;
    struct wf_group  *groups;       /* nested, one level */
    size_t            n_groups;
    wf_lookup_t      *lookups;
    size_t            n_lookups;
    struct wf_group  *parent;       /* NULL for a group of the page */
    struct wf_page   *page;
    size_t            pos;          /* fields of its scope written before it */
    int               depth;        /* 1 in a page, 2 nested */
    int               line;
} wf_group_t;

/* <rule field="end-date" is="at-least" other="start-date"/>: a check
 * across two fields of a page (language: wf_rule.h; evaluated by
 * wf_input.c, checked by wf_rule_check). */
typedef enum {
    WF_RULE_AT_LEAST = 0, WF_RULE_MORE_THAN, WF_RULE_AT_MOST, WF_RULE_LESS_THAN,
    WF_RULE_AGE_AT_LEAST,         /* is="age-at-least" years="N": a date field */
    WF_RULE_NOT                   /* is="not" value="V": a choice field */
} wf_rule_op_t;

typedef struct wf_rule {
    const char      *field_name;  /* the field the message is next to */
    const char      *other_name;  /* the field it is compared with (NULL for
                                     age-at-least and not) */
    int              years;       /* age-at-least: 0 when not written */
    const char      *value;       /* not: the value refused */
    wf_i18n_t        refusal;     /* the message instead of the catalogue's */
    const char      *op_text;     /* is= as written */
    int              op;          /* wf_rule_op_t, -1 when unknown */
    struct wf_field *field, *other; /* resolved by the checker */
    int              line;
} wf_rule_t;

typedef struct wf_page {
    const char      *id;
    wf_i18n_t        title, help;
    wf_cond_t        shown_when;
    wf_field_t      *fields;
    size_t           n_fields;
    wf_rule_t       *rules;       /* checks across fields */
    size_t           n_rules;
    wf_group_t      *groups;      /* repeating groups (wf_group.h) */
    size_t           n_groups;
    wf_lookup_t     *lookups;     /* lookups on the page's own fields */
    size_t           n_lookups;
    struct wf_form  *form;
    size_t           index;       /* 0-based, for progress "page 2 of 5" */
    int              line;
} wf_page_t;

typedef struct wf_form {
    const char *id;
    wf_i18n_t   title;
    wf_page_t  *pages;
    size_t      n_pages;
    int         line;
} wf_form_t;

/* ------------------------------------------------------------------ */
/* states, transitions, timers                                         */
/* ------------------------------------------------------------------ */

/* The dashboard bucket a demand is counted in while in a state. */
typedef enum {
    WF_BUCKET_DRAFT = 0, WF_BUCKET_IN_PROGRESS, WF_BUCKET_TODO,
    WF_BUCKET_DECISION_UNREAD, WF_BUCKET_ARCHIVED,
    WF_BUCKET__COUNT
} wf_bucket_t;

const char *wf_bucket_name(wf_bucket_t b);   /* "in-progress", ... */
int         wf_bucket_by_name(const char *s); /* -1 when unknown */

struct wf_transition;
struct wf_timer;

typedef struct wf_state {
    const char             *id;
    wf_bucket_t             bucket;
    int                     progress;   /* 0..100; when not written, the
                                           checker derives it (the largest
                                           of the states leading here; 0
                                           initial, 100 final) */
    int                     final;
    wf_i18n_t               label, description;
    /* the form the owner may edit (and save) while in this state */
    const char             *form_id;
    wf_form_t              *form;
    const char            **page_ids;   /* NULL-terminated; empty = all */
    size_t                  n_pages;
    wf_page_t             **pages;      /* resolved, n_pages of them */
    /* filled when the definition is linked: */
    struct wf_transition  **out;        /* transitions leaving this state */
    size_t                  n_out;
    struct wf_timer       **timers;     /* timers running in this state */
    size_t                  n_timers;
    size_t                  index;
    int                     line;
} wf_state_t;

typedef enum {
    WF_BY_OWNER = 0, WF_BY_MEMBER, WF_BY_REFERENT, WF_BY_AGENT,
    WF_BY_THIRD_PARTY, WF_BY_SYSTEM
} wf_actor_kind_t;

/* One actor allowed to fire a transition: by="owner agent:serac". */
typedef struct {
    wf_actor_kind_t kind;
    const char     *group;     /* agent and third-party; else NULL */
    const char     *duty;      /* referent:members|grants: the delegated
                                  duty that also qualifies; else NULL */
    const char     *text;      /* as written: "agent:serac" */
    /* by="third-party:@FIELD" / "agent:@FIELD": the group is the value of
     * FIELD in the demand's data (an actor chosen by the data, wf_roles.h);
     * group is then "@FIELD", which no group id can equal */
    const char     *field_name;
    struct wf_field *field;    /* resolved by the checker */
} wf_actor_t;

typedef enum {
    WF_GUARD_FORM_COMPLETE = 0, /* form-complete */
    WF_GUARD_ASSURANCE,         /* assurance>=verified */
    WF_GUARD_SPACE,             /* space=professional */
    WF_GUARD_ENTITY_KIND,       /* entity-kind=association,foundation */
    WF_GUARD_FIELD,             /* field:name=a|b, field:name!=a */
    WF_GUARD_IDE_REGISTERED,    /* ide-registered:field */
    WF_GUARD_AVS_REGISTERED,    /* avs-registered:field */
    WF_GUARD_NOT_OWNER,         /* not-owner */
    WF_GUARD_NO_OPEN_DEMAND,    /* no-open-demand */
    WF_GUARD_NO_OPEN_SPACE,     /* no-open-space:field */
    WF_GUARD_SERVICE_APPROVAL   /* service-approval:field=GROUP|none */
} wf_guard_kind_t;

/* A named predicate; all of a transition's guards must hold.  Data only:
 * the runtime switches on kind, nothing is ever evaluated as code. */
typedef struct {
    wf_guard_kind_t  kind;
    const char      *text;        /* as written */
    int              level;       /* ASSURANCE: wf_assurance_t */
    wf_space_t       space;       /* SPACE */
    const char      *field_name;  /* FIELD, *_REGISTERED, SERVICE_APPROVAL */
    wf_field_t      *field;       /* resolved by the checker */
    const char     **values;      /* FIELD values, ENTITY_KIND kinds,
                                     SERVICE_APPROVAL groups or "none";
                                     NULL-terminated */
    size_t           n_values;
    int              negate;      /* FIELD with != */
} wf_guard_t;

/* A file the actor attaches when firing a transition (a decision...). */
typedef struct {
    const char    *name;
    wf_i18n_t      label;
    field_rules_t  rules;          /* required, accept, max_size */
    int            line;
} wf_attach_t;

/* One notification: who gets which mail template. */
typedef struct {
    const char *to;         /* owner, actor, referent, members,
                               agent:GROUP, third-party:GROUP */
    const char *template;
    int         line;
} wf_mail_t;

typedef struct {
    const char *name;
    const char *value;
} wf_arg_t;

/* A side effect run inside the transition's database transaction, one of
 * the closed list of actions (wf_action_name()). */
typedef struct {
    const char *action;
    wf_arg_t   *args;
    size_t      n_args;
    int         line;
} wf_effect_t;

/* The value of an effect's argument, or NULL. */
const char *wf_effect_arg(const wf_effect_t *e, const char *name);

typedef enum { WF_COMMENT_OPTIONAL = 0, WF_COMMENT_REQUIRED, WF_COMMENT_NONE }
    wf_comment_t;

typedef struct wf_transition {
    const char      *id;
    const char     **from_ids;    /* as written, NULL-terminated */
    size_t           n_from;
    int              from_any;    /* from="*": every non-final state */
    wf_state_t     **from;        /* resolved: every state it leaves */
    size_t           n_from_states;
    const char      *to_id;
    wf_state_t      *to;
    wf_actor_t      *by;
    size_t           n_by;
    wf_guard_t      *guards;
    size_t           n_guards;
    wf_comment_t     comment;
    const char      *form_id;     /* the form posted and validated */
    wf_form_t       *form;
    const char     **page_ids;    /* NULL-terminated; empty = all pages */
    size_t           n_pages;
    wf_page_t      **pages;
    wf_attach_t     *attach;
    size_t           n_attach;
    wf_mail_t       *mails;       /* resolved: one per recipient */
    size_t           n_mails;
    const char     **notify;      /* as written, NULL-terminated */
    size_t           n_notify;
    wf_mail_t       *mail_decl;   /* the <mail> children as written */
    size_t           n_mail_decl;
    wf_effect_t     *effects;
    size_t           n_effects;
    int              auto_on_view; /* fired when the owner views it */
    int              timer_fired;  /* some timer fires it */
    int              decide_fired; /* some <decide then="..."> fires it */
    wf_i18n_t        label, description;
    size_t           index;
    int              line;
} wf_transition_t;

typedef struct wf_timer {
    const char      *id;          /* given, or the fired transition's id,
                                     or "purge" */
    const char      *in_id;
    wf_state_t      *in;
    wf_duration_t    after;       /* counted from the arrival in the state */
    const char      *fire_id;     /* NULL for a purge */
    wf_transition_t *fire;
    int              purge;       /* delete the draft */
    int              from_expires; /* made from <state expires="..."> */
    int              line;
} wf_timer_t;

/*
 * <decide id="verify" in="verification" over="communes"
 *         by="third-party:@ofs" outcomes="valid refused pending"
 *         comment="optional" then="transmit">: one decision per item of a
 * repeating group (form_data[over], a JSON array of objects), each by the
 * trusted third party its item names (the group whose id, or whose commune
 * OFS number, is the item's value under key), answered independently;
 * when every item has a final outcome, the system fires `then` in the same
 * transaction (docs/workflow-language.md; the runtime is wf_decide.c).
 */
typedef struct wf_decide {
    const char      *id;
    const char      *in_id;
    wf_state_t      *in;
    const char      *over;        /* the repeating group's name */
    const char      *by_text;     /* as written */
    const char      *key;         /* third-party:@KEY: the item's key */
    const char     **outcomes;    /* NULL-terminated, wf_outcome_name() */
    size_t           n_outcomes;
    wf_comment_t     comment;
    const char      *then_id;
    wf_transition_t *then;
    wf_i18n_t        label, description;
    int              line;
} wf_decide_t;

/* The closed list of per-item outcomes: valid, refused (final), pending
 * (an answer that is not final: "en attente"); NULL past the end. */
const char *wf_outcome_name(size_t i);
/* Whether an outcome is final (1), not final (0), unknown (-1). */
int         wf_outcome_final(const char *name);

/* ------------------------------------------------------------------ */
/* the definition                                                      */
/* ------------------------------------------------------------------ */

typedef struct wf_def {
    const char      *id;          /* the workflow key */
    int              version;     /* as written; 0 when absent */
    const char      *source;      /* file name (for messages) */
    wf_i18n_t        title, description;
    wf_audience_t    audience;
    wf_form_t       *forms;
    size_t           n_forms;
    wf_state_t      *states;
    size_t           n_states;
    const char      *initial_id;
    wf_state_t      *initial;
    int              initial_line; /* of <states initial=...> */
    wf_transition_t *transitions;
    size_t           n_transitions;
    wf_timer_t      *timers;
    size_t           n_timers;
    wf_decide_t     *decides;     /* per-item decisions */
    size_t           n_decides;
    int              line;
} wf_def_t;

/* ------------------------------------------------------------------ */
/* loading                                                             */
/* ------------------------------------------------------------------ */

/*
 * Reads, validates (RELAX NG, then the semantic rules of wf_check.c) and
 * links a definition.  Every problem found goes into diags (which the
 * caller initialised with wf_diag_init); the function does not stop at the
 * first.  Returns EN_OK and sets *out when there is no error (warnings are
 * allowed); otherwise *out is NULL and the result is EN_BADINPUT (the
 * definition is wrong), EN_NOTFOUND (the file cannot be opened) or
 * EN_INTERNAL (the schema cannot be loaded).
 * The definition lives in p.  Call xml_safe_init() once before.
 */
int wf_load_file(pool_t *p, const char *path, wf_def_t **out,
                 wf_diag_t *diags);
/* Same for a definition held in memory (a published version read from the
 * database); name is used in messages. */
int wf_load_memory(pool_t *p, const char *data, size_t len, const char *name,
                   wf_def_t **out, wf_diag_t *diags);

/* The model only, from a parsed document: no schema validation and no
 * cross-reference checks (wf_check_def() does those and links).  Values
 * that cannot be converted (a bad duration, an unknown guard) are reported
 * here.  *out lives in p; returns EN_OK when the root element is a
 * workflow, even if diags got errors. */
int wf_parse_doc(pool_t *p, xmlDocPtr doc, const char *name,
                 wf_def_t **out, wf_diag_t *diags);

/* ------------------------------------------------------------------ */
/* lookups (linear: definitions are small and looked up rarely)        */
/* ------------------------------------------------------------------ */

wf_state_t      *wf_state_find(const wf_def_t *d, const char *id);
wf_transition_t *wf_transition_find(const wf_def_t *d, const char *id);
wf_form_t       *wf_form_find(const wf_def_t *d, const char *id);
wf_page_t       *wf_page_find(const wf_form_t *f, const char *id);
wf_field_t      *wf_field_find(const wf_form_t *f, const char *name);
wf_decide_t     *wf_decide_find(const wf_def_t *d, const char *id);
/* The per-item decision taken in state s, or NULL (at most one a state). */
wf_decide_t     *wf_decide_in(const wf_def_t *d, const wf_state_t *s);
/* A field by name in any form of d (guards and effects name fields). */
wf_field_t      *wf_def_field_find(const wf_def_t *d, const char *name);
/* Whether t leaves state s (its from list names s, or from="*"). */
int              wf_transition_leaves(const wf_transition_t *t,
                                      const wf_state_t *s);
/* The transition with id leaving s, or NULL: what a handler asks when a
 * user posts "fire transition X" on a demand in state s. */
wf_transition_t *wf_transition_from(const wf_state_t *s, const char *id);
/* Whether d keeps the promises of a definition that loaded without
 * errors (the header's "never NULL where the language requires it"): an
 * initial state; every state's bucket set and its form, pages, outgoing
 * transitions and timers resolved; every transition's from and to states,
 * form and pages; every field's type known and every condition's field
 * resolved; every timer's state and, unless a purge, its transition; every
 * decide's state, then transition, group and key.  1
 * when they hold.  The loaders assert it (en_assert.h); the runtime relies
 * on it where it reads those pointers. */
int              wf_def_sound(const wf_def_t *d);
/* Whether actor kind k (with group, for agents and third parties) may
 * fire t according to its by list. */
int              wf_transition_allows(const wf_transition_t *t,
                                      wf_actor_kind_t k, const char *group);

/* ------------------------------------------------------------------ */
/* the closed vocabularies (for the checker, the docs and the admin UI) */
/* ------------------------------------------------------------------ */

/* i-th effect action / guard name / entity kind / prefill source / MIME
 * type accepted for uploads; NULL past the end. */
const char *wf_action_name(size_t i);
const char *wf_guard_name(size_t i);
const char *wf_entity_kind_name(size_t i);
const char *wf_prefill_name(size_t i);
const char *wf_mime_name(size_t i);
const char *wf_actor_kind_name(wf_actor_kind_t k);

/* Argument kinds of an effect action (see wf_action_arg()). */
typedef enum {
    WF_ARG_NAME = 0,   /* an identifier */
    WF_ARG_FIELD,      /* a form field's name */
    WF_ARG_DURATION,   /* ISO-8601 duration */
    WF_ARG_TEMPLATE,   /* a mail or letter template name */
    WF_ARG_ENUM,       /* one of values */
    WF_ARG_INT         /* a small positive integer */
} wf_arg_kind_t;

typedef struct {
    const char    *name;
    wf_arg_kind_t  kind;
    int            required;
    const char    *values;     /* ENUM: "a|b|c"; INT: "min-max" */
} wf_arg_spec_t;

/* The specification of argument arg of action, NULL when the action has
 * no such argument; *n_out (when not NULL) gets the action's argument
 * count.  The i-th spec of action is wf_action_arg_at(action, i). */
const wf_arg_spec_t *wf_action_arg(const char *action, const char *arg);
const wf_arg_spec_t *wf_action_arg_at(const char *action, size_t i);

#endif
