/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * route_match.c -- what a route pattern and a route's declared parameters
 * mean (see route.h): the types of captures and parameters (word, uuid,
 * int, ref), matching one path against one pattern, choosing among the
 * routes that take a path, and checking declared parameters.
 *
 * Pure functions over strings, unit-tested in tests/unit/test_route.c.
 * What a uuid or a demand reference looks like is the runtime's rule
 * (wf_uuid_ok, wf_reference_ok in wf_demand.c), asked from here.  Looking
 * routes up in the tables, the guard and the error pages are route.c's.
 */
#include "route.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "wf_demand.h"

#define WORD_MAX   64
#define RANK_SLOTS 16    /* segments compared for specificity */

enum { SEG_END = 0, SEG_STAR = 1, SEG_CAPTURE = 2, SEG_LITERAL = 3 };

/* --- types ------------------------------------------------------------------ */

static int
word_ok(const char *s, size_t n)
{
    size_t i;

    if (s == NULL || n == 0 || n > WORD_MAX)
        return 0;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char) s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

static int
int_ok(const char *s, size_t n, long long min, long long max)
{
    long long v = 0;
    size_t    i = 0;
    int       neg = 0;

    if (n > 0 && s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i == n || n - i > 19)
        return 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        if (v > (LLONG_MAX - (s[i] - '0')) / 10)
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    if (neg)
        v = -v;
    return v >= min && v <= max;
}

int
route_value_ok(route_type_t t, const char *s, size_t n, long long min, long long max)
{
    char copy[40];

    if (s == NULL || memchr(s, '\0', n) != NULL)
        return 0;
    switch (t) {
    case ROUTE_WORD:
        return word_ok(s, n);
    case ROUTE_INT:
        return int_ok(s, n, min, max);
    case ROUTE_UUID:
    case ROUTE_REF:
        if (n >= sizeof(copy))
            return 0;
        memcpy(copy, s, n);
        copy[n] = '\0';
        return t == ROUTE_UUID ? wf_uuid_ok(copy) : wf_reference_ok(copy);
    }
    return 0;
}

int
route_word_ok(const char *s)
{
    return s != NULL && word_ok(s, strlen(s));
}

static int
type_by_name(const char *s, size_t n, route_type_t *t)
{
    static const struct { const char *name; route_type_t t; } types[] = {
        { "word", ROUTE_WORD }, { "uuid", ROUTE_UUID }, { "int", ROUTE_INT },
        { "ref", ROUTE_REF },
    };
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strlen(types[i].name) == n && !memcmp(types[i].name, s, n)) {
            *t = types[i].t;
            return 1;
        }
    return 0;
}

/* --- patterns ----------------------------------------------------------------- */

/* A capture segment "{name:type}" of length n: its name and type. */
static int
capture_parse(const char *seg, size_t n, const char **name, size_t *name_len,
              route_type_t *t)
{
    const char *colon;

    if (n < 4 || seg[0] != '{' || seg[n - 1] != '}')
        return 0;
    colon = memchr(seg, ':', n);
    if (colon == NULL || colon == seg + 1)
        return 0;
    *name = seg + 1;
    *name_len = (size_t) (colon - seg - 1);
    if (!word_ok(*name, *name_len))
        return 0;
    return type_by_name(colon + 1, (size_t) (seg + n - 1 - colon - 1), t);
}

int
route_pattern_ok(const char *pattern)
{
    const char *p, *end;
    int         ncaps = 0;

    if (pattern == NULL || pattern[0] != '/')
        return 0;
    for (p = pattern + 1;; p = end + 1) {
        const char  *name;
        size_t       n, name_len;
        route_type_t t;

        end = strchr(p, '/');
        if (end == NULL)
            end = p + strlen(p);
        n = (size_t) (end - p);
        if (n == 1 && *p == '*')
            return *end == '\0';
        if (memchr(p, '{', n) != NULL || memchr(p, '}', n) != NULL
            || memchr(p, '*', n) != NULL) {
            if (!capture_parse(p, n, &name, &name_len, &t) || ++ncaps > ROUTE_MAX_CAPTURES)
                return 0;
        } else if (n == 0 && !(p == pattern + 1 && *end == '\0')) {
            return 0;                   /* "//" or a trailing '/' (only "/" itself) */
        }
        if (*end == '\0')
            return 1;
    }
}

int
route_path_match(const char *pattern, const char *path, route_capture_t *caps,
                 int *ncaps, const char **rest, unsigned long long *rank)
{
    const char *p = pattern, *s = path;
    int         slot = 0;

    *ncaps = 0;
    *rest = NULL;
    *rank = 0;
    if (p[0] != '/' || s == NULL || s[0] != '/')
        return 0;
    p++;
    s++;
    for (;;) {
        const char  *pe = strchr(p, '/'), *se = strchr(s, '/'), *name;
        size_t       pn, sn, name_len;
        route_type_t t;
        int          kind;

        if (pe == NULL)
            pe = p + strlen(p);
        if (se == NULL)
            se = s + strlen(s);
        pn = (size_t) (pe - p);
        sn = (size_t) (se - s);
        if (pn == 1 && *p == '*') {
            if (*s == '\0')
                return 0;                /* a star needs some rest */
            *rest = s;
            kind = SEG_STAR;
        } else if (pn > 0 && *p == '{') {
            if (sn == 0
                || !capture_parse(p, pn, &name, &name_len, &t)
                || !route_value_ok(t, s, sn, 0, INT_MAX) || *ncaps == ROUTE_MAX_CAPTURES)
                return 0;
            caps[*ncaps].name = name;
            caps[*ncaps].name_len = name_len;
            caps[*ncaps].value = s;
            caps[*ncaps].len = sn;
            (*ncaps)++;
            kind = SEG_CAPTURE;
        } else {
            if (pn != sn || memcmp(p, s, pn) != 0)
                return 0;
            kind = SEG_LITERAL;
        }
        if (slot < RANK_SLOTS)
            *rank |= (unsigned long long) kind << (4 * (RANK_SLOTS - 1 - slot));
        slot++;
        if (kind == SEG_STAR)
            return 1;
        if (*pe == '\0' || *se == '\0')
            return *pe == '\0' && *se == '\0';
        p = pe + 1;
        s = se + 1;
    }
}

/* --- choosing a route ------------------------------------------------------------ */

static int
method_match(const char *methods, const char *method)
{
    size_t      n = strlen(method);
    const char *m = methods;

    while ((m = strstr(m, method)) != NULL) {
        if ((m == methods || m[-1] == '|') && (m[n] == '\0' || m[n] == '|'))
            return 1;
        m += n;
    }
    /* HEAD is served as GET without a body (the worker drops it) */
    return !strcmp(method, "HEAD") && method_match(methods, "GET");
}

/* Adds each of methods ("GET|POST") to allow once. */
static void
allow_add(buf_t *allow, const char *methods)
{
    const char *m = methods, *bar;

    for (; *m; m = *bar ? bar + 1 : bar) {
        size_t      n;
        const char *seen;
        int         dup = 0;

        bar = strchr(m, '|');
        if (bar == NULL)
            bar = m + strlen(m);
        n = (size_t) (bar - m);
        for (seen = allow->len ? allow->data : NULL; seen != NULL;) {
            const char *comma = strchr(seen, ',');
            size_t      k = comma ? (size_t) (comma - seen) : strlen(seen);

            if (k == n && !memcmp(seen, m, n))
                dup = 1;
            seen = comma ? comma + 1 : NULL;
        }
        if (dup || n == 0)
            continue;
        if (allow->len > 0)
            buf_putc(allow, ',');
        buf_add(allow, m, n);
    }
}

void
route_find(const route_t *const *routes, int n, const char *method, const char *path,
           route_match_t *m, void *allow)
{
    unsigned long long best = 0;
    int                i;

    memset(m, 0, sizeof(*m));
    for (i = 0; i < n; i++) {
        route_capture_t    caps[ROUTE_MAX_CAPTURES];
        const char        *rest;
        unsigned long long rank;
        int                ncaps;

        if (!route_path_match(routes[i]->pattern, path, caps, &ncaps, &rest, &rank))
            continue;
        m->path_hit = 1;
        if (allow != NULL)
            allow_add(allow, routes[i]->method);
        if (!method_match(routes[i]->method, method))
            continue;
        if (m->route != NULL && rank <= best)
            continue;                   /* an earlier one as specific */
        best = rank;
        m->route = routes[i];
        m->rest = rest;
        m->ncaps = ncaps;
        memcpy(m->caps, caps, sizeof(caps[0]) * (size_t) ncaps);
    }
}

/* --- declared parameters ---------------------------------------------------------- */

/* Each value of name in list: checked; *count counts them. */
static int
values_ok(const route_param_t *d, const kv_t *list, int *count)
{
    const kv_t *kv;

    for (kv = list; kv != NULL; kv = kv->next) {
        if (strcmp(kv->name, d->name) != 0)
            continue;
        (*count)++;
        if (!route_value_ok(d->type, kv->value, strlen(kv->value), d->min, d->max))
            return 0;
    }
    return 1;
}

int
route_check_params(const route_param_t *decl, const kv_t *query, const kv_t *form,
                   const char **bad)
{
    const route_param_t *d;

    *bad = NULL;
    for (d = decl; d != NULL && d->name != NULL; d++) {
        int count = 0;

        if (!values_ok(d, query, &count) || !values_ok(d, form, &count) || count > 1
            || (count == 0 && (d->flags & ROUTE_REQUIRED))) {
            *bad = d->name;
            return EN_BADINPUT;
        }
    }
    return EN_OK;
}
