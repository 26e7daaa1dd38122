/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_effect.c -- which effects this runtime implements, and the arguments
 * each sends to SQL (see wf_effect.h).  A new action: its fx_<action>
 * function in a migration, then one row in `effects` below (with a hook
 * when SQL needs something only C can compute).
 */
#include "wf_effect.h"

#include <string.h>

#include "pool_json.h"
#include "wf_code.h"

static const struct {
    const char       *action;
    wf_effect_hook_t  hook;
} effects[] = {
    { "noop", NULL },
    { "issue-code", wf_code_issue_hook },
    { "verify-code", wf_code_verify_hook },
    { NULL, NULL }
};

static int
find(const char *action)
{
    int i;

    for (i = 0; action != NULL && effects[i].action != NULL; i++)
        if (!strcmp(effects[i].action, action))
            return i;
    return -1;
}

int
wf_effect_implemented(const char *action)
{
    return find(action) >= 0;
}

int
wf_effect_prepare(pool_t *p, en_err_t *err, const principal_t *who,
                  const wf_demand_t *d, const wf_transition_t *t,
                  wf_input_check_t *c, json_t **out)
{
    json_t *a = json_array();
    size_t  i, j;
    int     rc;

    pool_json(p, a);
    *out = a;
    for (i = 0; i < t->n_effects; i++) {
        const wf_effect_t *e = &t->effects[i];
        json_t            *o, *args;
        int                k = find(e->action);

        if (k < 0)
            return en_set(err, EN_INTERNAL, "wf.effect.not_implemented",
                          "effect not implemented: %s", e->action);
        o = json_object();
        args = json_object();
        json_object_set_new(o, "name", json_string(e->action));
        json_object_set_new(o, "args", args);
        if (json_array_append_new(a, o) != 0)
            return en_set(err, EN_INTERNAL, "err.internal", "effect %s: no memory", e->action);
        for (j = 0; j < e->n_args; j++)
            if (wf_json_set(args, e->args[j].name, json_string(e->args[j].value)) != 0)
                return en_set(err, EN_INTERNAL, "err.internal",
                              "effect %s: argument %s", e->action, e->args[j].name);
        if (effects[k].hook != NULL
            && (rc = effects[k].hook(p, err, who, d, t, c, e, args)) != EN_OK)
            return rc;
    }
    return EN_OK;
}
