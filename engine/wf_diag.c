/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_diag.c -- what is wrong with a workflow file, said precisely (see
 * wf_diag.h).
 *
 * Owns the list of diagnostics (every problem of a file, not just the
 * first), their order, the pruning of the RELAX NG validator's vague lines
 * where the engine said something precise about the same line, their
 * "file:line: " text, and the "did you mean" hints (edit distance with
 * transpositions).  Does not decide what is wrong: the parser (wf_def.c)
 * and the checker (wf_check.c) do, and report here.
 */
#include "wf_diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
wf_diag_init(wf_diag_t *d, pool_t *p)
{
    memset(d, 0, sizeof(*d));
    d->pool = p;
}

static void
wf_diag_append(wf_diag_t *d, wf_diag_item_t *it)
{
    if (d->last != NULL)
        d->last->next = it;
    else
        d->first = it;
    d->last = it;
    if (it->severity == WF_ERROR)
        d->errors++;
    else
        d->warnings++;
}

void
wf_diag_add(wf_diag_t *d, wf_severity_t sev, int from_schema,
            const char *file, int line, const char *msg)
{
    wf_diag_item_t *it;

    if (d == NULL)
        return;
    it = pool_calloc(d->pool, sizeof(*it));
    it->file = pool_strdup(d->pool, file != NULL ? file : "input");
    it->line = line;
    it->severity = sev;
    it->from_schema = from_schema;
    it->msg = pool_strdup(d->pool, msg);
    wf_diag_append(d, it);
}

void
wf_diag_vadd(wf_diag_t *d, wf_severity_t sev, const char *file, int line,
             const char *fmt, va_list ap)
{
    if (d == NULL)
        return;
    wf_diag_add(d, sev, 0, file, line, pool_vprintf(d->pool, fmt, ap));
}

void
wf_diag_error(wf_diag_t *d, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    wf_diag_vadd(d, WF_ERROR, file, line, fmt, ap);
    va_end(ap);
}

void
wf_diag_warn(wf_diag_t *d, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    wf_diag_vadd(d, WF_WARNING, file, line, fmt, ap);
    va_end(ap);
}

static int
wf_diag_cmp(const void *a, const void *b)
{
    const wf_diag_item_t *x = *(wf_diag_item_t *const *) a;
    const wf_diag_item_t *y = *(wf_diag_item_t *const *) b;
    int                   c = strcmp(x->file, y->file);

    if (c != 0)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* The attribute a validator message "Invalid attribute NAME for ..." is
 * about, in the pool, or NULL. */
static const char *
wf_diag_attr(pool_t *p, const char *msg)
{
    const char *a = strstr(msg, "Invalid attribute ");

    if (a == NULL)
        return NULL;
    a += strlen("Invalid attribute ");
    return pool_strndup(p, a, strcspn(a, " "));
}

/*
 * Whether the validator's item it says less than an engine error: libxml2
 * reports a bad value as "Element state failed to validate attributes" or
 * "Invalid attribute bucket for element state", where the engine says
 * which value is wrong and what would be right.  A vague item without a
 * line goes as soon as anything more precise was said.
 */
static int
wf_diag_redundant(pool_t *p, wf_diag_item_t **v, size_t n,
                  const wf_diag_item_t *it)
{
    const char *attr = wf_diag_attr(p, it->msg);
    int         vague = strstr(it->msg, "failed to validate") != NULL;
    size_t      i;

    if (!it->from_schema || (!vague && attr == NULL))
        return 0;
    for (i = 0; i < n; i++) {
        if (v[i]->from_schema || v[i]->severity != WF_ERROR
            || strcmp(v[i]->file, it->file) != 0)
            continue;
        if (vague && (it->line == 0 || v[i]->line == it->line))
            return 1;
        if (attr != NULL && v[i]->line == it->line
            && strstr(v[i]->msg, attr) != NULL)
            return 1;
    }
    return 0;
}

static int
wf_diag_repeated(wf_diag_item_t **v, size_t i)
{
    return i > 0 && v[i - 1]->line == v[i]->line
        && strcmp(v[i - 1]->file, v[i]->file) == 0
        && strcmp(v[i - 1]->msg, v[i]->msg) == 0;
}

void
wf_diag_settle(wf_diag_t *d)
{
    wf_diag_item_t **v, *it;
    size_t           n = 0, i, j;

    for (it = d->first; it != NULL; it = it->next)
        n++;
    if (n == 0)
        return;
    v = pool_alloc(d->pool, n * sizeof(*v));
    for (it = d->first, i = 0; it != NULL; it = it->next)
        v[i++] = it;
    /* insertion sort: stable, and lists are short */
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && wf_diag_cmp(&v[j - 1], &v[j]) > 0; j--) {
            it = v[j];
            v[j] = v[j - 1];
            v[j - 1] = it;
        }
    d->first = d->last = NULL;
    d->errors = d->warnings = 0;
    for (i = 0; i < n; i++) {
        if (wf_diag_redundant(d->pool, v, n, v[i]) || wf_diag_repeated(v, i))
            continue;
        v[i]->next = NULL;
        wf_diag_append(d, v[i]);
    }
}

const char *
wf_diag_text(pool_t *p, const wf_diag_item_t *it)
{
    const char *sev = it->severity == WF_WARNING ? "warning: " : "";

    if (it->line <= 0)
        return pool_printf(p, "%s: %s%s", it->file, sev, it->msg);
    return pool_printf(p, "%s:%d: %s%s", it->file, it->line, sev, it->msg);
}

void
wf_diag_print(const wf_diag_t *d, FILE *out)
{
    const wf_diag_item_t *it;

    for (it = d->first; it != NULL; it = it->next)
        fprintf(out, "%s\n", wf_diag_text(d->pool, it));
}

/* Edit distance with adjacent transpositions ("agnet" is one edit from
 * "agent"), capped at 9: we only care about small ones. */
static size_t
wf_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    size_t d[3][65], *prev2, *prev, *cur;

    if (la > 64 || lb > 64)
        return 9;
    prev2 = d[0];
    prev = d[1];
    cur = d[2];
    for (j = 0; j <= lb; j++)
        prev[j] = j;
    for (i = 1; i <= la; i++) {
        size_t *t;

        cur[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);

            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
                && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] > 9 ? 9 : prev[lb];
}

const char *
wf_did_you_mean(pool_t *p, const char *word, const char *const *cands,
                size_t n)
{
    const char *best = NULL;
    size_t      i, bd = 99, d, limit;

    if (word == NULL || *word == '\0')
        return "";
    for (i = 0; i < n; i++) {
        if (cands[i] == NULL || strcmp(cands[i], word) == 0)
            continue;
        d = wf_distance(word, cands[i]);
        limit = strlen(cands[i]) / 3;
        if (limit < 1)
            limit = 1;
        if (limit > 3)
            limit = 3;
        if (d <= limit && d < bd) {
            bd = d;
            best = cands[i];
        }
    }
    return best != NULL ? pool_printf(p, " (did you mean \"%s\"?)", best) : "";
}
