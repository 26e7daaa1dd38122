/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * pool_json.c -- jansson values and their text in a pool (see
 * pool_json.h).  Dumping writes through jansson's callback straight into
 * a pool buffer: one pass, no malloc'd copy.
 */
#include "pool_json.h"

static void
pool_json_decref(void *j)
{
    json_decref(j);
}

json_t *
pool_json(pool_t *p, json_t *j)
{
    pool_on_free(p, pool_json_decref, j);   /* ignores NULL */
    return j;
}

static int
pool_json_add(const char *text, size_t n, void *arg)
{
    buf_add(arg, text, n);
    return 0;
}

char *
pool_json_dumps(pool_t *p, const json_t *j, size_t flags)
{
    buf_t b;

    if (j == NULL)
        return NULL;
    buf_init(&b, p);
    if (json_dump_callback(j, pool_json_add, &b, flags) != 0)
        return NULL;
    return b.data;
}
