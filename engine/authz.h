/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * authz.h -- the one question every door asks: may this principal (a
 * person, acting for their active context: principal.h) do ACTION on
 * OBJECT?  The web asks it with principal_of(r), the command line and the
 * workflow runtime with the principal they were given.
 *
 * No handler reads ownership, membership, grants or groups on its own;
 * it calls authz_check and stops on anything but EN_OK.  Refusals are
 * EN_FORBIDDEN (or EN_UNAUTH when nobody is logged in, EN_NOTFOUND when
 * the object does not exist or must not even be acknowledged) with err
 * filled for the error page.
 *
 * The rules live in one SQL function, authz_may() (sql/0003_spaces.sql),
 * so each check is one round trip; docs/access.md states them in prose.
 */
#ifndef GUICHET_AUTHZ_H
#define GUICHET_AUTHZ_H

#include <jansson.h>
#include <stddef.h>

#include "en_err.h"
#include "pool.h"
#include "principal.h"

typedef enum {
    AZ_VIEW_DEMAND,        /* object: demand id */
    AZ_FIRE_TRANSITION,    /* object: demand id; arg: wf_people_roles() */
    AZ_VIEW_DOCUMENT,      /* object: document id */
    AZ_START_DEMAND,       /* object: workflow key; arg: audience space kind */
    AZ_MANAGE_MEMBERS,     /* object: space id */
    AZ_GRANT_ACCESS,       /* object: space id */
    AZ_USE_SERVICE,        /* object: space id; arg: workflow key (grant) */
    AZ_WORK_QUEUE,         /* object: agent group id */
    AZ_THIRD_PARTY,        /* object: third-party group id */
    AZ_SWITCH_CONTEXT,     /* object: space id (NULL = personal) */
    AZ_ADMIN,              /* object: NULL */
    AZ_MANAGE_ACCOUNT,     /* object: NULL (one's own account) */
    AZ_MANAGE_RELATION,    /* object: relation id */
    AZ_MANAGE_DOCUMENT,    /* object: wallet document id (rename, delete, pick) */
    AZ_POST_MESSAGE,       /* object: demand id (sql/0018_messages.sql) */
    AZ_PRINT_LETTERS,      /* object: letter id or NULL (the queue); arg: the
                              print group (sql/0023_letters.sql) */
    AZ_ADMINISTER_SPACE,   /* object: space id; the référent only (sql/0024) */
    AZ_JOIN_SPACE,         /* object: NULL; join with a key, verified, for oneself */
    AZ_ANSWER_REFERENT,    /* object: space id; the member offered the role */
    AZ_DECIDE_ITEM,        /* object: demand id; arg "DECIDE:ITEM" (0028) */
    AZ_ASSIGN_DEMAND,      /* object: demand id; arg: the agent (NULL: release)
                              (sql/0029_queue.sql) */
    AZ_FILE_AT_COUNTER,    /* object: agent group id; arg: workflow key (NULL:
                              the desk) (sql/0036_counter_filing.sql) */
    AZ__COUNT
} az_action_t;

/* Answers for who (person, active space) in one query.  EN_OK: allowed.
 * Otherwise err is set (key: the reason shown on the page,
 * e.g. "authz.wrong_context") and the code returned: EN_UNAUTH (nobody
 * logged in; EN_FORBIDDEN for the system, which has no person's rights),
 * EN_FORBIDDEN, EN_NOTFOUND (no such object, or one that is
 * none of the person's business: the two read alike), EN_UNAVAILABLE.
 *
 * AZ_START_DEMAND's arg is the procedure's audience: "personal",
 * "professional", "any" (or NULL), optionally followed by the legal
 * forms allowed: "professional:association foundation".
 * AZ_USE_SERVICE with object NULL means the active space. */
int authz_check(pool_t *p, en_err_t *err, const principal_t *who,
                az_action_t action, const char *object, const char *arg);

/* authz_check's answer when the owner of the object asked authz_may() for
 * it inside its own read (one round trip for the page: the demand page's
 * wf_demand_detail_as): verdict and reason as authz_may() gave them.
 * Same return, refusal and log as authz_check. */
int authz_verdict(en_err_t *err, const principal_t *who, az_action_t action,
                  const char *object, const char *verdict, const char *reason);

/* Asks n questions at once, in one round trip, for a page deciding which
 * links and buttons to show: allowed[i] is 1 or 0, reasons[i] (reasons may
 * be NULL) the reason key of a refusal, "" when the answer is notfound (the
 * object is none of the reader's business: a page leaves it out).  Returns EN_OK when the questions
 * could be asked (EN_UNAUTH without a session, EN_UNAVAILABLE...).  Never
 * instead of authz_check at the moment of acting. */
int authz_check_many(pool_t *p, en_err_t *err, const principal_t *who,
                     int n, const az_action_t *actions,
                     const char *const *objects, const char *const *args,
                     int *allowed, const char **reasons);

/* The same questions asked by a page's own statement, which calls
 * authz_may_many() beside its work (the dashboard: one round trip, not
 * two).  authz_questions_json: the questions as authz_may_many's jsonb
 * (NULL when out of memory); authz_answers_json: its answers read back from
 * the [[verdict, reason], ...] that statement returns, in the order asked,
 * as authz_check_many gives them (EN_INTERNAL when there are not n). */
const char *authz_questions_json(pool_t *p, int n, const az_action_t *actions,
                                 const char *const *objects, const char *const *args);
int authz_answers_json(pool_t *p, en_err_t *err, const json_t *answers, int n,
                       int *allowed, const char **reasons);

/* One question's answer from such a batch (n questions, their answers
 * as authz_answers_json read them): 1, with *allowed and *reason (may be
 * NULL) as authz_check_many gives them, when the same question (action,
 * object, arg) was among the n; 0 when it was not (ask it). */
int authz_answer_from(int n, const az_action_t *actions, const char *const *objects,
                      const char *const *args, const int *allowed_in,
                      const char *const *reasons_in, az_action_t action,
                      const char *object, const char *arg, int *allowed,
                      const char **reason);

/* "view-demand", "fire-transition", ...: the names authz_may() knows. */
const char *authz_action_name(az_action_t a);
int         authz_action_by_name(const char *name);     /* -1 if unknown */

/* The roles a transition's by="..." names (owner, member, referent,
 * referent:members|grants, agent:GROUP, third-party:GROUP, system) are
 * parsed once, when the definition is loaded (wf_def.c, wf_actor_t); an
 * AZ_FIRE_TRANSITION arg is their normalised form (wf_people_roles), which
 * authz_may() only compares.  The words a qualifier may take are these: */

/* Group ids: [a-z0-9][a-z0-9-]{0,62}, the CHECK of agent_groups.id and
 * third_party_groups.id (sql/0003_spaces.sql): the one rule for a group
 * name, in a URL or in a definition's by="agent:GROUP". */
int authz_group_ok(const char *s, size_t n);
/* Duties a référent may delegate: "members", "grants". */
int authz_duty_ok(const char *s);

#endif
