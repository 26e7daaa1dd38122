/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_roles.c -- actors chosen by the data (see wf_roles.h): the concrete
 * group of by="third-party:@FIELD", and demands.data_roles.
 */
#include "wf_roles.h"

#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "pool_json.h"

const char *
wf_roles_group(pool_t *p, const wf_actor_t *a, json_t *data)
{
    const char *v;

    (void) p;
    if (a == NULL || a->field_name == NULL || !json_is_object(data))
        return NULL;
    v = json_string_value(json_object_get(data, a->field_name));
    if (v == NULL || *v == '\0' || !authz_group_ok(v, strlen(v)))
        return NULL;
    return v;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

json_t *
wf_roles_of_data(pool_t *p, const wf_def_t *def, json_t *data)
{
    json_t      *out = json_array();
    const char **v;
    size_t       cap = 0, n = 0, i, k;

    if (out == NULL)
        return NULL;
    pool_json(p, out);
    for (i = 0; i < def->n_transitions; i++)
        cap += def->transitions[i].n_by;
    v = pool_calloc(p, (cap + 1) * sizeof(*v));
    for (i = 0; i < def->n_transitions; i++)
        for (k = 0; k < def->transitions[i].n_by; k++) {
            const wf_actor_t *a = &def->transitions[i].by[k];
            const char       *g = wf_roles_group(p, a, data);

            if (g != NULL)
                v[n++] = pool_printf(p, "%s:%s", wf_actor_kind_name(a->kind), g);
        }
    qsort(v, n, sizeof(*v), cmp_str);
    for (i = 0; i < n; i++)
        if ((i == 0 || strcmp(v[i], v[i - 1]) != 0)
            && json_array_append_new(out, json_string(v[i])) != 0)
            return NULL;
    return out;
}

json_t *
wf_roles_data_after(pool_t *p, const wf_demand_t *d, json_t *set, json_t *unset)
{
    json_t     *after = json_is_object((json_t *) d->form_json)
                        ? json_copy((json_t *) d->form_json) : json_object();
    json_t     *v;
    size_t      i;

    if (after == NULL)
        return NULL;
    pool_json(p, after);
    json_array_foreach(unset, i, v)
        if (json_is_string(v))
            json_object_del(after, json_string_value(v));
    if (json_is_object(set))
        json_object_update(after, set);
    return after;
}
