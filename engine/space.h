/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * space.h -- entities, professional spaces, memberships, the référent,
 * delegations, access grants and identity links: reading and changing
 * them (tables and functions of sql/0003_spaces.sql).
 *
 * Every change is one call of one SQL function, in one round trip, which
 * also appends to the space_events trail.  Nothing here decides who may
 * do it: handlers ask authz_check first, workflow effects run inside an
 * authorized transition.  Business refusals come back as EN_BADINPUT or
 * EN_CONFLICT with err->key set to a catalogue key (xslt/i18n/spaces.xml):
 * space.not_member, space.already_member, space.referent_not_detachable,
 * space.already_open, space.closed, ...
 *
 * Everything returned lives in the pool p handed in.
 */
#ifndef GUICHET_SPACE_H
#define GUICHET_SPACE_H

#include "en_err.h"
#include "pool.h"

/* An entity of the IDE register, as the opening procedure collects it.
 * ide in canonical form CHE-123.456.789 (field_check_ide normalises). */
typedef struct {
    const char *ide;
    const char *legal_form;   /* association foundation sa sarl cooperative
                                 partnership individual commune public other */
    const char *name;
    const char *care_of;      /* may be NULL */
    const char *street;
    const char *house_number; /* may be NULL */
    const char *post_box;     /* may be NULL */
    const char *postcode;
    const char *locality;
    const char *country;      /* NULL = "CH" */
} space_entity_t;

/* One context a person may act in ("Prénom Nom, pour <entity_name>"). */
typedef struct {
    const char *space_id;
    const char *entity_name;
    const char *ide;
    const char *legal_form;
    const char *function;     /* "" when none */
    int         is_referent;
    int         is_delegate;  /* holds a live delegation (members, grants) */
    const char *contact_email; /* the space's own, "" when none */
} space_context_t;

/* A space with its entity. */
typedef struct {
    const char *id;
    const char *status;       /* pending active closed */
    const char *entity_id;
    const char *entity_name;
    const char *ide;
    const char *legal_form;
    const char *street, *house_number, *postcode, *locality;
    const char *referent_person_id;
    const char *contact_email; /* the space's own (sql/0024), "" when none */
} space_info_t;

/* A live member, with what they hold. */
typedef struct {
    const char *person_id;
    const char *display_name;
    const char *email;
    const char *function;     /* "" when none */
    const char *since;        /* DD.MM.YYYY (Zurich) */
    int         is_referent;
    const char *duties;       /* live delegations, blank-separated: "grants members" */
    const char *duties_until; /* earliest end of a dated delegation (DD.MM.YYYY), or "" */
    const char *grants;       /* live access grants (workflow keys), blank-separated */
} space_member_t;

/* --- reads ---------------------------------------------------------------- */

/* The active spaces person_id belongs to, by entity name.  *out may be
 * NULL when *n is 0. */
int space_contexts(pool_t *p, en_err_t *err, const char *person_id,
                   space_context_t **out, int *n);

/* A space, its entity and its live members (référent first, then by family
 * name), in one query.  EN_NOTFOUND when there is no such space. */
int space_load(pool_t *p, en_err_t *err, const char *space_id, space_info_t **info,
               space_member_t **members, int *n);

/* Counts for the administration landing page, as (label key, value)
 * pairs in *keys and *values (*n of them). */
int space_admin_summary(pool_t *p, en_err_t *err, const char ***keys,
                        const char ***values, int *n);

/* --- changes -------------------------------------------------------------- */
/* actor: the person doing it (NULL: the system, e.g. a workflow effect). */

/* Creates (or reuses, by IDE number) the entity and opens a pending space
 * whose référent and first member is the applicant.  *space_id in p. */
int space_create(pool_t *p, en_err_t *err, const space_entity_t *e,
                 const char *applicant, const char **space_id);
/* pending -> active (the activation code was confirmed). */
int space_activate(pool_t *p, en_err_t *err, const char *space_id, const char *actor);
/* Closes a space: memberships, grants and delegations end with it. */
int space_close(pool_t *p, en_err_t *err, const char *space_id, const char *actor);

/* Attaches person to the space with a function (may be NULL). */
int space_attach(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
                 const char *function, const char *actor);
/* Detaches a member; their grants and delegations end.  Not the référent. */
int space_detach(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
                 const char *actor);
/* Makes a live member the référent; the previous one stays a member. */
int space_set_referent(pool_t *p, en_err_t *err, const char *space_id,
                       const char *person_id, const char *actor);

/* Grants / revokes a live member's access to a protected service. */
int space_grant(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
                const char *workflow_key, const char *actor);
int space_revoke(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
                 const char *workflow_key, const char *actor);

/* Hands duty ("members" or "grants") to a live member until the date
 * until (YYYY-MM-DD, inclusive; NULL = until revoked), or takes it back. */
int space_delegate(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
                   const char *duty, const char *until, const char *actor);
int space_undelegate(pool_t *p, en_err_t *err, const char *space_id,
                     const char *person_id, const char *duty, const char *actor);

/* An administrator (admin_id, checked again in SQL: EN_FORBIDDEN
 * otherwise) links the identity (issuer, subject) to person_id: both
 * accounts then log in as that person.  The person the identity leaves
 * keeps their data; their sessions end.  *from_person (may be NULL) gets
 * who it belonged to.  EN_BADINPUT with key identity.unknown /
 * identity.no_person. */
int space_link_identity(pool_t *p, en_err_t *err, const char *issuer, const char *subject,
                        const char *person_id, const char *admin_id,
                        const char **from_person);

/* The active space of the entity whose IDE number is ide (canonical
 * form), and whether person_id (may be NULL) is a live member of it:
 * *space_id NULL when the entity is unknown or has no active space.  For
 * the effect address-space (a join request names the entity by IDE). */
int space_of_ide(pool_t *p, en_err_t *err, const char *ide, const char *person_id,
                 const char **space_id, int *is_member);

/* --- pure parts ------------------------------------------------------------ */

/* The catalogue key for a refusal from the SQL functions above: the
 * message itself when it is one of ours ("space.not_member"), else by the
 * constraint the message names (memberships_live -> space.already_member),
 * else NULL. */
const char *space_error_key(const char *msg);

/* 1 for a legal form the entities table accepts. */
int space_legal_form_ok(const char *s);

#endif
