/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * util_rand.h -- the engine's one source of randomness: session and CSRF
 * tokens, request ids, MIME boundaries, anything else that must not be
 * guessed.  The kernel's CSPRNG through getrandom(2); never rand(), never
 * a fallback that would hand out a guessable value.
 */
#ifndef GUICHET_UTIL_RAND_H
#define GUICHET_UTIL_RAND_H

#include <stddef.h>

#include "en_err.h"
#include "pool.h"

/* Fills buf with n random bytes.  EN_INTERNAL (errno's words in err)
 * when the kernel gives none; buf is then not to be used. */
int util_random(void *buf, size_t n, en_err_t *err);

/* n random bytes as 2n lowercase hex digits in p, in *out. */
int util_random_hex(pool_t *p, size_t n, const char **out, en_err_t *err);

#endif
