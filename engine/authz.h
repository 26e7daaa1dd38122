/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * authz.h -- the one question every handler asks: may the person behind
 * r->session, acting for their active context, do ACTION on OBJECT?
 *
 * No handler reads ownership, membership, grants or groups on its own;
 * it calls authz_check and stops on anything but EN_OK.  Refusals are
 * EN_FORBIDDEN (or EN_UNAUTH when nobody is logged in, EN_NOTFOUND when
 * the object does not exist or must not even be acknowledged) with
 * r->err filled for the error page.
 *
 * The rules live in one SQL function, authz_may() (sql/0003_spaces.sql),
 * so each check is one round trip; docs/access.md states them in prose.
 */
#ifndef GUICHET_AUTHZ_H
#define GUICHET_AUTHZ_H

#include <stddef.h>

#include "req.h"

typedef enum {
    AZ_VIEW_DEMAND,        /* object: demand id */
    AZ_FIRE_TRANSITION,    /* object: demand id; arg: transition's `by` */
    AZ_VIEW_DOCUMENT,      /* object: document id */
    AZ_START_DEMAND,       /* object: workflow key; arg: audience space kind */
    AZ_MANAGE_MEMBERS,     /* object: space id */
    AZ_GRANT_ACCESS,       /* object: space id */
    AZ_USE_SERVICE,        /* object: space id; arg: workflow key (grant) */
    AZ_WORK_QUEUE,         /* object: agent group id */
    AZ_THIRD_PARTY,        /* object: third-party group id */
    AZ_SWITCH_CONTEXT,     /* object: space id (NULL = personal) */
    AZ_ADMIN,              /* object: NULL */
    AZ__COUNT
} az_action_t;

/* Answers for r->session (person, active space) in one query.  EN_OK:
 * allowed.  Otherwise r->err is set (key: the reason shown on the page,
 * e.g. "authz.wrong_context") and the code returned: EN_UNAUTH (nobody
 * logged in), EN_FORBIDDEN, EN_NOTFOUND (no such object, or one that is
 * none of the person's business: the two read alike), EN_UNAVAILABLE.
 *
 * AZ_START_DEMAND's arg is the procedure's audience: "personal",
 * "professional", "any" (or NULL), optionally followed by the legal
 * forms allowed: "professional:association foundation".
 * AZ_USE_SERVICE with object NULL means the active space. */
int authz_check(req_t *r, az_action_t action, const char *object,
                const char *arg);

/* authz_check's answer when the owner of the object asked authz_may() for
 * it inside its own read (one round trip for the page: the demand page's
 * wf_demand_detail_as): verdict and reason as authz_may() gave them.
 * Same return, refusal and log as authz_check. */
int authz_verdict(req_t *r, az_action_t action, const char *object,
                  const char *verdict, const char *reason);

/* Asks n questions at once, in one round trip, for a page deciding which
 * links and buttons to show: allowed[i] is 1 or 0, reasons[i] (reasons may
 * be NULL) the reason key of a refusal, "" when the answer is notfound (the
 * object is none of the reader's business: a page leaves it out).  Returns EN_OK when the questions
 * could be asked (EN_UNAUTH without a session, EN_UNAVAILABLE...).  Never
 * instead of authz_check at the moment of acting. */
int authz_check_many(req_t *r, int n, const az_action_t *actions,
                     const char *const *objects, const char *const *args,
                     int *allowed, const char **reasons);

/* "view-demand", "fire-transition", ...: the names authz_may() knows. */
const char *authz_action_name(az_action_t a);
int         authz_action_by_name(const char *name);     /* -1 if unknown */

/* --- the actors a transition's by="..." may name ------------------------
 *
 *   owner                the demand's owner: the person (demand filed for
 *                        themself, acting for themself) or whoever may act
 *                        for the space it was filed for (référent, members
 *                        holding the grant; the filer if not protected)
 *   member               same, for a demand filed for a space only
 *   referent             the référent of the space the demand concerns
 *   referent:members     ... or a delegate with the duty "members"
 *   referent:grants      ... or a delegate with the duty "grants"
 *   agent                an agent of any group the procedure names
 *   agent:GROUP          an agent of GROUP
 *   third-party:GROUP    a member of the trusted third-party group GROUP
 *   system               timers only; never allowed from a request
 *
 * by="..." may list several, separated by blanks or commas. */

typedef enum {
    AZ_ROLE_OWNER, AZ_ROLE_MEMBER, AZ_ROLE_REFERENT, AZ_ROLE_AGENT,
    AZ_ROLE_THIRD_PARTY, AZ_ROLE_SYSTEM
} az_role_kind_t;

#define AZ_NAME_MAX 64     /* group ids and duties, with the NUL */

typedef struct {
    az_role_kind_t kind;
    char           qual[AZ_NAME_MAX];  /* group (agent, third-party) or duty
                                          (referent); "" when none */
} az_role_t;

/* Parses one role s[0..n).  EN_BADINPUT for anything else (unknown role,
 * bad group id, unknown duty, a qualifier where none is allowed). */
int authz_parse_role(const char *s, size_t n, az_role_t *out);
/* Parses a whole by="..." into roles[0..*n) (at most max).  EN_BADINPUT
 * on an empty list, a bad role, or more than max roles. */
int authz_parse_by(const char *by, az_role_t *roles, int max, int *n);
/* 1 when by="..." names at least one role a request may play (anything
 * but system) and parses. */
int authz_by_allows_people(const char *by);

/* Group ids: [a-z0-9][a-z0-9-]{0,62}. */
int authz_group_ok(const char *s, size_t n);
/* Duties a référent may delegate: "members", "grants". */
int authz_duty_ok(const char *s);

#endif
