/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * desk.h -- at the counter (issue 11): an agent of a group files a demand
 * on behalf of a person who came in.  The draft belongs to the person (for
 * themself or for one of their spaces) exactly as if they had started it
 * -- wf_may_start judged for them -- and records who filed it
 * (demands.filed_by, filed_group); the filing agent plays its owner until
 * it is first submitted (az_demand, sql/0036_counter_filing.sql).
 *
 * Owns the counter's SQL (finding the person, the agent's counter drafts,
 * the one statement that files).  Not the pages (h_desk.c), not who may
 * do what (authz_may: 'file-at-counter', and az_demand), not the runtime
 * (wf_demand.c builds the creation document).
 */
#ifndef GUICHET_DESK_H
#define GUICHET_DESK_H

#include <jansson.h>

#include "en_err.h"
#include "pool.h"
#include "principal.h"
#include "wf_demand.h"

/* The persons an e-mail address or an AVS number names, deleted accounts
 * left out: *out an array of person objects {id, name, email, avs13,
 * assurance, birth (DD.MM.YYYY or null), spaces: [{id, name, kind}]}.
 * ident must be valid UTF-8: an address (with '@') or an AVS number,
 * checked here (EN_BADINPUT with the key of the field's message:
 * field.email.*, field.avs13.*, desk.ident.required).  The caller has
 * asked AZ_FILE_AT_COUNTER for the group. */
int desk_find(pool_t *p, en_err_t *err, const char *ident, json_t **out);

/* One person by id, as desk_find gives them; EN_NOTFOUND when unknown. */
int desk_person(pool_t *p, en_err_t *err, const char *person_id, json_t **out);

/* The desk of group for the agent: {group: its name, procedures: [keys
 * whose newest version names agent:GROUP], drafts: [the drafts the agent
 * filed there and nobody submitted yet, newest first: {id, reference,
 * workflow, version, state, person, space, created}]}.  The caller has
 * asked AZ_FILE_AT_COUNTER for the group. */
int desk_page(pool_t *p, en_err_t *err, const principal_t *agent, const char *group,
              json_t **out);

/* Files a draft of the current version of workflow_key at the counter of
 * group, for person_id acting for space_id (NULL: for themself): asks
 * AZ_FILE_AT_COUNTER (group, workflow_key) for the agent, then
 * wf_may_start for the person (their assurance, their grants, the
 * audience, the procedure's words: its refusal comes back as it is, and
 * nothing is created).  The creation event's actor is the agent
 * ("agent:GROUP"); the fields the form prefills from the profile get the
 * person's; the person is sent the mail counter-filed.  lang: the
 * person's language of correspondence ("fr", "de", "en"; NULL or another:
 * the agent's), the demand's language: its mails, that one first, are
 * written in it.  One round trip. */
int desk_file(pool_t *p, en_err_t *err, const principal_t *agent, const char *group,
              const char *workflow_key, const char *person_id, const char *space_id,
              const char *lang, wf_demand_t **out);

#endif
