/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_diag.h -- diagnostics of a workflow file: every problem found by the
 * schema, the parser (wf_def.c) and the checker (wf_check.c), with its
 * file and line, and the "did you mean" hint for a near miss.
 */
#ifndef GUICHET_WF_DIAG_H
#define GUICHET_WF_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "pool.h"

/* ------------------------------------------------------------------ */
/* diagnostics: every problem of a file, not just the first            */
/* ------------------------------------------------------------------ */

typedef enum { WF_ERROR = 0, WF_WARNING = 1 } wf_severity_t;

typedef struct wf_diag_item {
    struct wf_diag_item *next;
    const char          *file;
    int                  line;       /* 0 when unknown */
    wf_severity_t        severity;
    int                  from_schema; /* reported by the RELAX NG validator */
    const char          *msg;        /* without the "file:line: " prefix */
} wf_diag_item_t;

typedef struct {
    pool_t         *pool;
    wf_diag_item_t *first, *last;
    int             errors, warnings;
} wf_diag_t;

void wf_diag_init(wf_diag_t *d, pool_t *p);
/* Adds one item; msg is copied into d's pool. */
void wf_diag_add(wf_diag_t *d, wf_severity_t sev, int from_schema,
                 const char *file, int line, const char *msg);
/* The same with a format (what wf_diag_error and the parser's own
 * reporters build on); the message is formatted into d's pool. */
void wf_diag_vadd(wf_diag_t *d, wf_severity_t sev, const char *file, int line,
                  const char *fmt, va_list ap);
void wf_diag_error(wf_diag_t *d, const char *file, int line,
                   const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
void wf_diag_warn(wf_diag_t *d, const char *file, int line,
                  const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* Sorts by line (stable) and drops the RELAX NG validator's vague
 * "failed to validate ..." lines where the engine said something precise
 * about the same line.  The loaders call it; callers need not. */
void wf_diag_settle(wf_diag_t *d);
/* "file:line: message" or "file:line: warning: message"; lives in p. */
const char *wf_diag_text(pool_t *p, const wf_diag_item_t *it);
/* Prints every item, one a line, to out. */
void wf_diag_print(const wf_diag_t *d, FILE *out);

/* " (did you mean \"x\"?)" when word is a near miss of one of the n
 * candidates, else "".  Lives in p (or is a literal). */
const char *wf_did_you_mean(pool_t *p, const char *word,
                            const char *const *cands, size_t n);

#endif
