/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * directory.h -- who works where, as administrators change it: agent
 * groups and their agents, trusted third-party groups and their members,
 * the administrators, and moving an identity to the person it belongs to
 * (sql/0032_groups_admin.sql).  Every change is kept in admin_events in
 * its own transaction.
 *
 * People are named by their e-mail address, as an administrator knows
 * them.  Refusals come back as EN_BADINPUT / EN_CONFLICT with a catalogue
 * key (groups.*) for the page to show next to the field.  Who may change
 * anything is the caller's authz_check(AZ_ADMIN).
 */
#ifndef GUICHET_DIRECTORY_H
#define GUICHET_DIRECTORY_H

#include <jansson.h>

#include "en_err.h"
#include "pool.h"

/* {agent_groups, third_party_groups, administrators}, each with members. */
json_t *dir_overview(pool_t *p, en_err_t *err);

/* kind "agent" | "third-party"; tp_kind and ofs (NULL) for third parties. */
int dir_group_create(pool_t *p, en_err_t *err, const char *kind, const char *id,
                     const char *name, const char *tp_kind, const char *ofs,
                     const char *admin, const char *request_id);
int dir_member_add(pool_t *p, en_err_t *err, const char *kind, const char *group,
                   const char *email, const char *admin, const char *request_id);
/* EN_NOTFOUND when the person was not in the group. */
int dir_member_remove(pool_t *p, en_err_t *err, const char *kind, const char *group,
                      const char *person, const char *admin, const char *request_id);
int dir_admin_add(pool_t *p, en_err_t *err, const char *email, const char *admin,
                  const char *request_id);
int dir_admin_remove(pool_t *p, en_err_t *err, const char *person, const char *admin,
                     const char *request_id);

/* People found by e-mail or by the start of their name, with identities. */
json_t *dir_people(pool_t *p, en_err_t *err, const char *q);

/* Moves identity (issuer, subject) to the person of to_email. */
int dir_identity_link(pool_t *p, en_err_t *err, const char *issuer, const char *subject,
                      const char *to_email, const char *admin, const char *request_id);

#endif
