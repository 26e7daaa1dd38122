/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_demand.h -- demands: workflow instances persisted in PostgreSQL.
 *
 * A demand is one row of `demands` (sql/0004_workflow.sql): the definition
 * version it started with (kept until it ends), its current state and
 * dashboard bucket, its owner (a person, and the professional space it was
 * filed for, if any), its form data (JSONB), a version counter for
 * optimistic locking, and a human reference number like 2026-000123.
 *
 * This module creates, loads, lists and counts demands and saves a draft's
 * fields.  State changes go through wf_fire() only (wf_fire.h).
 */
#ifndef GUICHET_WF_DEMAND_H
#define GUICHET_WF_DEMAND_H

#include <jansson.h>

#include "en_err.h"
#include "pool.h"
#include "authz.h"
#include "principal.h"
#include "wf_def.h"

typedef struct {
    const char *id;                 /* uuid */
    const char *reference;          /* 2026-000123 */
    const char *workflow_key;
    int         definition_version;
    const char *state;
    const char *bucket;
    int         progress;           /* 0..100 */
    int         is_final;
    const char *owner_person_id;
    const char *owner_space_id;     /* NULL: filed for the person */
    const char *form_data;          /* JSON object text */
    void       *form_json;          /* the same parsed (json_t *, in p) */
    const char *lang;               /* the owner's language when filing */
    int         version;            /* optimistic lock */
    const char *created_at, *updated_at, *submitted_at, *state_since;
    void       *pages_saved;        /* json_t array of page ids (0016), in p */
} wf_demand_t;

/* Whether the owner has saved page_id of the form (a page never visited
 * is not marked done in the progress list). */
int wf_demand_page_saved(const wf_demand_t *d, const char *page_id);

/* "May who start procedure def?" -- the one answer, for the dashboard's
 * list of procedures, the start page, wf_demand_create and so the command
 * line.  In this order: the audience's space (a professional procedure
 * from the personal context or the reverse: reason wf.audience.professional
 * or wf.audience.personal, words = the definition's own refusal in
 * who->lang when it has one), the assurance (wf.audience.assurance), then
 * authz_may('start-demand') (membership, entity kind, and for a protected
 * service the référent's grant: authz.no_grant, ...). */
typedef struct {
    int         allowed;
    int         hidden;     /* none of the reader's business (notfound) */
    const char *reason;     /* refused: a catalogue key */
    const char *words;      /* refused for the space: the definition's words
                               (NULL when it has none) */
} wf_start_t;

/* For n procedures at once, in one round trip (a page deciding what to
 * offer).  EN_OK when the question could be asked; never instead of
 * wf_may_start at the moment of acting. */
int wf_may_start_many(pool_t *p, en_err_t *err, const principal_t *who, size_t n,
                      const wf_def_t *const *defs, wf_start_t *out);
/* For one, when acting: EN_OK, or the refusal in err (EN_FORBIDDEN with
 * the reason as key and the definition's words, else an English default,
 * as msg; EN_NOTFOUND, EN_UNAUTH...). */
int wf_may_start(pool_t *p, en_err_t *err, const principal_t *who, const wf_def_t *def);

/* wf_may_start_many in two halves, for a page whose own statement asks the
 * questions (the dashboard, through authz_may_many: authz_questions_json):
 * wf_start_questions judges the audiences into out and gives the rest as
 * questions (NULL when out of memory); wf_start_answers reads that
 * statement's answers into out (EN_INTERNAL when they do not match). */
typedef struct wf_start_batch wf_start_batch_t;
const char *wf_start_questions(pool_t *p, const principal_t *who, size_t n,
                               const wf_def_t *const *defs, wf_start_t *out,
                               wf_start_batch_t **batch);
int wf_start_answers(pool_t *p, en_err_t *err, const wf_start_batch_t *batch,
                     const json_t *answers);

/* Creates a demand of the current version of workflow_key in its initial
 * state, owned by the actor (a person) for their active space, with the
 * initial state's timers (e.g. the draft purge), if wf_may_start allows
 * it.  *out lives in p. */
int wf_demand_create(pool_t *p, en_err_t *err, const principal_t *who,
                     const char *workflow_key, wf_demand_t **out);

/* The document sql wf_create() takes for a new demand of def (version) in
 * its initial state, owned by who (person, for their active space), actor
 * who as 'owner', with the initial state's timers; in p.  For another
 * module creating a demand in its own statement (desk.c, at the counter),
 * after asking wf_may_start itself. */
struct json_t *wf_create_change(pool_t *p, const principal_t *who, const char *workflow_key,
                                const wf_def_t *def, int version);

/* Whether a demand may be copied into a new draft: not a draft, and its
 * procedure still at the version it was filed on (current_version: the
 * one published now).  0 with *reason a catalogue key otherwise. */
int wf_demand_may_duplicate(const wf_demand_t *src, int current_version, const char **reason);

/* A new draft of the current version, owned by the actor for their
 * active space, with the values of the owner's form of demand source_id
 * (which the actor must see) and copies of its files (the database copies
 * the bytes; nothing is uploaded again).  EN_CONFLICT with
 * wf_demand_may_duplicate's reason; wf_may_start's refusals.  One round
 * trip for the copy, whole or not at all. */
int wf_demand_duplicate(pool_t *p, en_err_t *err, const principal_t *who,
                        const char *source_id, wf_demand_t **out);

/* Loads one demand by id (uuid text); EN_NOTFOUND when absent or when id
 * is not a uuid.  No authorisation here: callers check AZ_VIEW_DEMAND. */
int wf_demand_load(pool_t *p, en_err_t *err, const char *id, wf_demand_t **out);
/* The same with authz_check(who, action, id, arg) asked in the same
 * statement: the demand is read only when the answer is allow; the
 * refusal, its code and its log are authz_check's. */
int wf_demand_load_as(pool_t *p, en_err_t *err, const principal_t *who, az_action_t action,
                      const char *arg, const char *id, wf_demand_t **out);
/* Same by reference number. */
int wf_demand_by_reference(pool_t *p, en_err_t *err, const char *reference,
                           wf_demand_t **out);

/* The demands a context owns that person_id may see acting for space_id:
 * space_id NULL = those filed for the person themself; space_id set =
 * those filed for that space that the view rule lets the person see (the
 * set form of authz_may 'view-demand', sql/0008_listing_sets.sql).
 * bucket NULL = every bucket.  Most recently changed first. */
int wf_demand_list(pool_t *p, en_err_t *err, const char *person_id,
                   const char *space_id, const char *bucket, int limit,
                   int offset, wf_demand_t **out, int *n);

/* The dashboard's counts per bucket for the same context, in one query. */
int wf_demand_counts(pool_t *p, en_err_t *err, const char *person_id,
                     const char *space_id, int counts[WF_BUCKET__COUNT]);

/* The pages' reads, one statement each, answered as parsed JSON (owned by
 * p; NULL with err set, EN_NOTFOUND when there is nothing):
 *   wf_demand_dashboard: {counts: {bucket: n}, demands: [summary ...] (the
 *     per_bucket newest of each bucket), keys: [published procedure keys],
 *     groups: [{id, name}: the person's agent groups], starts: the answers
 *     to the questions starts (wf_start_questions; NULL: none), for
 *     wf_start_answers}, filtered like wf_demand_list;
 *   wf_demand_detail: {demand: row, created, updated, submitted, owner,
 *     entity, events: [...], documents: [...]} (no authorisation here);
 *   wf_agent_context: {groups: [groups the person may work], group: name
 *     of group, may: {verdict, reason} of authz_may('work-queue', group)
 *     (for authz_verdict), defs: [[key, version] of every published
 *     version]};
 *   wf_queue_group_counts: {group: n} for states, a JSON array of
 *     [group, key, version, state] (a group's list itself: queue.h). */
json_t *wf_demand_dashboard(pool_t *p, en_err_t *err, const char *person_id,
                            const char *space_id, int per_bucket, const char *starts);
/* One bucket of the same listing, newest first, page by page:
 * {count: n of the bucket, demands: [summary ...] (at most limit, after
 * the demand after_id when not NULL: keyset, sql/0040)}. */
json_t *wf_demand_bucket(pool_t *p, en_err_t *err, const char *person_id,
                         const char *space_id, const char *bucket, const char *after_id,
                         int limit);
json_t *wf_demand_detail(pool_t *p, en_err_t *err, const char *id);
/* The same for person_id acting for space_id, with authz_may('view-demand')
 * asked in the same statement: {verdict, reason, detail, thread, answers}
 * where detail is wf_demand_detail's answer, present only when verdict is
 * "allow" (give verdict and reason to authz_verdict); thread, when
 * allowed and thread >= 0, the message thread as message_thread_of reads
 * it (thread 1: the reader's notifications of it are marked read);
 * answers, when allowed, the answers to questions (authz_questions_json,
 * NULL: none) for authz_answers_json. */
json_t *wf_demand_detail_as(pool_t *p, en_err_t *err, const char *person_id,
                            const char *space_id, const char *id, int thread,
                            const char *questions);
json_t *wf_agent_context(pool_t *p, en_err_t *err, const char *person_id,
                         const char *group, const char *space_id);
json_t *wf_queue_group_counts(pool_t *p, en_err_t *err, const char *states);
/* A document's bytes and file name (no authorisation here: callers check
 * AZ_VIEW_DOCUMENT); EN_NOTFOUND when there is none. */
int wf_document_content(pool_t *p, en_err_t *err, const char *id, const char **filename,
                        unsigned char **bytes, size_t *n);

/* One field's stored value from form_data (a string, or the JSON text of
 * an object such as an uploaded file's {document, filename, ...}); NULL
 * when absent.  Lives in p. */
const char *wf_demand_field(pool_t *p, const wf_demand_t *d, const char *name);

/* A demand from the JSON text of its row (SELECT to_jsonb(d) FROM demands
 * d): for queries that join demands (the scheduler's claim).  Lives in p;
 * NULL with err set when text is not such a row. */
wf_demand_t *wf_demand_from_json(pool_t *p, const char *text, en_err_t *err);

/* --- pure parts, unit-tested ------------------------------------------- */

/* "2026-000123": the year, a dash, at least six digits. */
/* AZ_START_DEMAND's arg for an audience: "personal", "any",
 * "professional:association foundation", ...; lives in p. */
const char *wf_audience_arg(pool_t *p, const wf_audience_t *a);

const char *wf_reference_format(pool_t *p, int year, long n);
int         wf_reference_ok(const char *s);
/* 8-4-4-4-12 hex digits. */
int         wf_uuid_ok(const char *s);

#endif
