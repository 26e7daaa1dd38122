/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * util_hash.h -- bytes as lowercase hex, and SHA-256 as such: the engine's
 * one digest of stored tokens (sessions, service accounts) and definition
 * files, and the one hex writer of digests, HMACs and random tokens.
 */
#ifndef GUICHET_UTIL_HASH_H
#define GUICHET_UTIL_HASH_H

#include <stddef.h>

#include "pool.h"

/* n bytes as 2n lowercase hex digits in p */
char *util_hex(pool_t *p, const unsigned char *bytes, size_t n);

/* SHA-256 of len bytes at data as 64 lowercase hex digits in p; NULL when
 * OpenSSL fails (no SHA-256 in its providers, out of memory). */
const char *util_sha256_hex(pool_t *p, const void *data, size_t len);

#endif
