/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * en_assert.h -- invariants our own code guarantees, checked where code
 * relies on them (the way SQLite's ALWAYS and NEVER work).
 *
 *   if (NEVER(t->to == NULL))           a loaded definition links every
 *       return en_set(err, EN_INTERNAL, ...);      transition's target
 *
 * In a debug build (NDEBUG not defined: the default `make`, the unit and
 * integration tests) a broken invariant stops the process at once, on the
 * line that relies on it.  With NDEBUG the condition is only evaluated, so
 * the defensive branch still keeps a worker standing.  Never for input: a
 * person's bad input is a 4xx (en_err.h), not an assertion.
 */
#ifndef GUICHET_EN_ASSERT_H
#define GUICHET_EN_ASSERT_H

#include <assert.h>

#ifdef NDEBUG
#define ALWAYS(X) (X)
#define NEVER(X)  (X)
#else
#define ALWAYS(X) ((X) ? 1 : (assert(!"invariant: " #X), 0))
#define NEVER(X)  ((X) ? (assert(!"invariant: not " #X), 1) : 0)
#endif

#endif
