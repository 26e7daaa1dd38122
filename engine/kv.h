/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * kv.h -- the shapes submitted values come in: name/value lists and
 * uploaded files.  A request's query and form are such lists (req.h), and
 * so is what the domain receives as a transition's input (wf_fire.h), from
 * the web or from the command line: the domain needs these shapes, not
 * the request.  kv_get and kv_add are implemented in req_parse.c.
 */
#ifndef GUICHET_KV_H
#define GUICHET_KV_H

#include <stddef.h>

#include "pool.h"

typedef struct kv {
    const char *name;
    const char *value;        /* NUL-terminated; no NUL inside */
    size_t      len;
    struct kv  *next;
} kv_t;

typedef struct upload {
    const char          *field;
    const char          *filename;      /* as sent; never trusted */
    const char          *content_type;  /* as sent; never trusted */
    const unsigned char *data;
    size_t               len;
    const char          *source;        /* a wallet document's id when the
                                           bytes were picked from the wallet
                                           (wallet.h), else NULL */
    struct upload       *next;
} upload_t;

/* First value of name in a list, or NULL. */
const char *kv_get(const kv_t *list, const char *name);
/* Appends (name, value) to the list whose head is *head (O(n)). */
void kv_add(pool_t *p, kv_t **head, const char *name, const char *value);

#endif
