/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wallet.h -- the document wallet ("porte-documents"): the documents a
 * person, or a professional space, keeps to reuse in forms, and the
 * documents received on their demands (decisions, letters).
 *
 * Owner: the active context of the principal -- the person acting for
 * themself, or the space acted for (every member acting for it shares the
 * space's wallet).  Every function asks authz itself (AZ_MANAGE_DOCUMENT
 * for one document: the wallet's owner side, never an administrator).
 * Uploads go through the one upload check (wf_input_upload_check: PDF by
 * its bytes, size, clamd); the same bytes (sha256) are stored once per
 * wallet.
 *
 * Owns: the category list, the SQL of wallet documents (sql/0017_wallet.sql
 * has the functions).  Does not own: who may see a document (authz_may),
 * a demand's documents (the workflow runtime), pages (h_wallet.c).
 */
#ifndef GUICHET_WALLET_H
#define GUICHET_WALLET_H

#include <stddef.h>

#include "en_err.h"
#include "kv.h"
#include "pool.h"
#include "principal.h"
#include "wf_input.h"

#define WALLET_NCATEGORIES   8
#define WALLET_NAME_MAX      200          /* characters of a document's name */
#define WALLET_MAX_SIZE      ((size_t) 10 * 1024 * 1024)

/* identity, statutes, minutes, budget, certificate, decision, letter,
 * other (labels: catalogue keys wallet.cat.KEY); the same list as the
 * table document_categories.  NULL-terminated. */
extern const char *const wallet_categories[WALLET_NCATEGORIES + 1];
int wallet_category_ok(const char *key);

typedef struct {
    const char *id, *filename, *category, *created_at, *mime;
    long        size;
    /* received only: the demand it belongs to */
    const char *demand_id, *reference, *workflow;
} wallet_doc_t;

/* The wallet of who's context, newest first; category NULL: all. */
int wallet_list(pool_t *p, en_err_t *err, const principal_t *who, const char *category,
                wallet_doc_t **docs, size_t *n);

/* Documents received on the context's demands: uploaded by someone other
 * than the owner side (agents' decisions, letters), each one the reader
 * may see, newest first. */
int wallet_received(pool_t *p, en_err_t *err, const principal_t *who,
                    wallet_doc_t **docs, size_t *n);

/* The outcome of wallet_add. */
typedef struct {
    const char       *id;           /* the stored (or already there) document */
    int               duplicate;    /* 1: the same bytes were already there */
    const char       *existing;     /* duplicate: its name */
    wf_field_error_t *errors;       /* EN_BADINPUT: per field ("file", */
    int               nerrors;      /*   "name", "category") */
} wallet_add_t;

/* Adds the upload u (its name: name if not empty, else the file's) with
 * category.  EN_OK (stored, or *duplicate), EN_BADINPUT with errors. */
int wallet_add(pool_t *p, en_err_t *err, const principal_t *who, const upload_t *u,
               const char *name, const char *category, wallet_add_t *out);

/* Renames / recategorises.  EN_BADINPUT with errors ("name", "category"). */
int wallet_update(pool_t *p, en_err_t *err, const principal_t *who, const char *id,
                  const char *name, const char *category, wf_field_error_t **errors,
                  int *nerrors);

/* Deletes; EN_CONFLICT (key wallet.delete.filed, *reference set) when a
 * copy went with a demand already filed. */
int wallet_delete(pool_t *p, en_err_t *err, const principal_t *who, const char *id,
                  const char **reference);

/* One document of who's wallet as an upload for a form field (source set
 * to its id, so the copy the demand keeps names it).  The runtime checks it
 * again against the field's rules.  EN_NOTFOUND / EN_FORBIDDEN from authz. */
int wallet_pick(pool_t *p, en_err_t *err, const principal_t *who, const char *id,
                const char *field, upload_t **out);

#endif
