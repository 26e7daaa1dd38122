/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * account.h -- a person's own account ("Gérer mon compte") and relations
 * ("Mes relations"): what the portal holds about them, their contact
 * e-mail per context, the kinds of mail they turned off, the export of
 * their data, the deletion of their account, and the legal persons they
 * act for without a professional space.
 *
 * Owns the tables of sql/0014_account.sql (account_contacts,
 * account_mail_prefs, account_mail_kinds, relations, account_events) and
 * the mailer's question about a row (account_mail_route).  Does not
 * decide who may do it (authz_check, in the handlers: AZ_MANAGE_ACCOUNT,
 * AZ_MANAGE_RELATION), nor render anything (h_account.c).  Every change
 * is one round trip to a plpgsql function that writes account_events.
 */
#ifndef GUICHET_ACCOUNT_H
#define GUICHET_ACCOUNT_H

#include "en_err.h"
#include "pool.h"
#include "principal.h"

/* The kinds of mail a person may turn off (account_mail_kinds.kind);
 * everything else is "required" and always sent. */
#define ACCOUNT_NKINDS 3
extern const char *const account_mail_kinds[ACCOUNT_NKINDS];  /* status reminder message */

typedef struct {
    const char *space_id;     /* NULL: the personal space */
    const char *name;         /* the entity's name ("" for personal) */
    const char *email;        /* the contact e-mail, "" when none */
} account_contact_t;

typedef struct {
    const char        *display_name, *given_name, *family_name, *email, *assurance;
    const char        *providers;        /* blank-separated idp names */
    const char        *created_at;       /* dd.mm.yyyy */
    account_contact_t *contacts;         /* personal first, then each space */
    int                ncontacts;
    int                mail_on[ACCOUNT_NKINDS];
    int                filed, drafts;    /* demands filed (kept), drafts */
} account_t;

typedef struct {
    const char *id, *name, *ide, *street, *postcode, *locality;
} account_relation_t;

int account_load(pool_t *p, en_err_t *err, const char *person_id, account_t **out);

/* emails[i] for contacts[i] of account_load (same order, same count);
 * each already valid or "" (back to the provider's address). */
int account_save_contacts(pool_t *p, en_err_t *err, const principal_t *who,
                          const account_t *a, const char *const *emails);

int account_save_prefs(pool_t *p, en_err_t *err, const principal_t *who,
                       const int on[ACCOUNT_NKINDS]);

/* The person's data as one JSON text (sql account_export), audited. */
int account_export(pool_t *p, en_err_t *err, const principal_t *who, const char **json);

/* Deletes the account (sql account_delete).  EN_BADINPUT with err->msg a
 * catalogue key (account.referent, account.staff) when refused. */
int account_delete(pool_t *p, en_err_t *err, const principal_t *who, int *drafts,
                   int *kept);

int account_relations(pool_t *p, en_err_t *err, const char *person_id,
                      account_relation_t **out, int *n);
/* r's fields already validated (ide NULL or canonical). */
int account_relation_add(pool_t *p, en_err_t *err, const principal_t *who,
                         const account_relation_t *r);
int account_relation_remove(pool_t *p, en_err_t *err, const principal_t *who,
                            const char *id);

/* For the mailer, inside its transaction: deliver the outbox row id, and
 * to which address (the person's contact for the demand's context, else
 * the row's), or skip it (*deliver 0, *reason why). */
int account_mail_route(pool_t *p, en_err_t *err, const char *outbox_id, int *deliver,
                       const char **recipient, const char **reason);

#endif
