/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * pool_json.h -- jansson values and their text kept in a pool: the one
 * way to tie a json_t to a request (or any pool) and to dump one without
 * a malloc'd string to free by hand.
 *
 * Kept apart from pool.c so that the allocator links no library.
 */
#ifndef GUICHET_POOL_JSON_H
#define GUICHET_POOL_JSON_H

#include <jansson.h>

#include "pool.h"

/* Hands j (a reference the caller owns, e.g. fresh from json_object() or
 * json_loads()) to p: json_decref when p is freed or reset.  Returns j, so
 * `json_t *o = pool_json(p, json_object());`; NULL stays NULL. */
json_t *pool_json(pool_t *p, json_t *j);

/* json_dumps(j, flags) into p's memory; the caller keeps its reference to
 * j.  NULL when j is NULL or jansson refuses (a bare value without
 * JSON_ENCODE_ANY, a NaN). */
char *pool_json_dumps(pool_t *p, const json_t *j, size_t flags);

#endif
