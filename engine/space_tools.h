/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * space_tools.h -- the référent's own tools on a professional space
 * (sql/0024_space_tools.sql): attaching a verified person named by e-mail
 * or AVS number, one-time join keys ("clé de partage"), detaching, the
 * référent hand-over that both confirm, delegations, access grants and
 * the space's contact e-mail.
 *
 * Every change is one call of one SQL function, in one round trip, which
 * leaves its space_events row(s) and queues the mail to the person
 * concerned in the same transaction.  Nothing here decides who may do it:
 * the handlers (h_members.c) ask authz_check first.  Business refusals
 * come back as EN_BADINPUT or EN_CONFLICT with err->key a catalogue key
 * (space.person_unknown, space.key_used, ...; xslt/i18n/spacetools.xml).
 *
 * lang: the language of the mails (the actor's).  Everything returned
 * lives in the pool p handed in.
 */
#ifndef GUICHET_SPACE_TOOLS_H
#define GUICHET_SPACE_TOOLS_H

#include <stddef.h>

#include "en_err.h"
#include "pool.h"

/* How long a join key is valid. */
#define SPT_KEY_DAYS 7

/* A protected procedure a référent may grant. */
typedef struct {
    const char *key;
    const char *title;
} spt_service_t;

/* --- reads ------------------------------------------------------------------ */

/* The protected procedures, by title in lang.  *out may be NULL if *n is 0. */
int spt_services(pool_t *p, en_err_t *err, const char *lang, spt_service_t **out, int *n);

/* The open référent offer of a space: *to_person "" when there is none. */
int spt_offer(pool_t *p, en_err_t *err, const char *space_id, const char **to_person);

/* The spaces whose open référent offer is made to person_id, with the
 * entity's name, in *spaces / *names (*n of them). */
int spt_offers_to(pool_t *p, en_err_t *err, const char *person_id, const char ***spaces,
                  const char ***names, int *n);

/* --- changes ------------------------------------------------------------------ */

/* ident: an e-mail address or an AVS number "756.1234.5678.97" (already
 * validated).  *person_id (may be NULL) gets who was attached. */
int spt_attach(pool_t *p, en_err_t *err, const char *space_id, const char *ident,
               const char *function, const char *actor, const char *lang,
               const char **person_id);
int spt_detach(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
               const char *actor, const char *lang);

/* Makes a new key (shown once: *key, "ABCD-EFGH-JKMN-PQRS"), stores its
 * hash, valid SPT_KEY_DAYS days (*expires "DD.MM.YYYY HH:MI", Zurich). */
int spt_join_key(pool_t *p, en_err_t *err, const char *space_id, const char *actor,
                 const char **key, const char **expires);
/* person_id joins with the key as typed (blanks, dashes and case do not
 * matter).  *space_id (may be NULL) gets the space joined. */
int spt_join(pool_t *p, en_err_t *err, const char *person_id, const char *typed_key,
             const char *function, const char *lang, const char **space_id);
/* The canonical form of a typed key ("abcd efgh-..." -> "ABCDEFGH..."),
 * or NULL when it cannot be one (wrong length or characters). */
const char *spt_key_normal(pool_t *p, const char *typed);

int spt_referent_offer(pool_t *p, en_err_t *err, const char *space_id, const char *to_person,
                       const char *actor, const char *lang);
int spt_referent_withdraw(pool_t *p, en_err_t *err, const char *space_id, const char *actor,
                          const char *lang);
int spt_referent_answer(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
                        int accept, const char *lang);

/* until: YYYY-MM-DD or NULL (until taken back). */
int spt_delegate(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
                 const char *duty, const char *until, const char *actor, const char *lang);
int spt_undelegate(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
                   const char *duty, const char *actor, const char *lang);
int spt_grant(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
              const char *workflow_key, const char *actor, const char *lang);
int spt_revoke(pool_t *p, en_err_t *err, const char *space_id, const char *person_id,
               const char *workflow_key, const char *actor, const char *lang);

/* email: the space's contact address, or NULL / "" for none. */
int spt_set_contact(pool_t *p, en_err_t *err, const char *space_id, const char *email,
                    const char *actor, const char *lang);

#endif
