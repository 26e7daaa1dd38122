/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_effect.c -- which effects this runtime implements, and the arguments
 * each sends to SQL (see wf_effect.h).  A new action: its fx_<action>
 * function in a migration, then one row in `effects` below (with a hook
 * when SQL needs something only C can compute).
 */
#include "wf_effect.h"

#include <string.h>

#include "enrol.h"
#include "pool_json.h"
#include "wf_code.h"
#include "space.h"

/* The value of form field name as this transition leaves it: just typed
 * (c->set), else stored on the demand; NULL when empty. */
static const char *
field_value(const wf_input_check_t *c, const wf_demand_t *d, const char *name)
{
    json_t *v = json_object_get(c->set, name);

    if (!json_is_string(v) && d->form_json != NULL)
        v = json_object_get((json_t *) d->form_json, name);
    return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

/* address-space entity-field="ide": the personal demand is addressed to
 * the active space of the entity the person named by IDE number (a join
 * request): its form data gets target_space, which the authorization
 * (az_demand: the référent and delegates of that space may handle it) and
 * the mails (wf_recipients: "referent") read.  An entity without an
 * active space, or one the person already belongs to, is refused next to
 * the field. */
static int
hook_address_space(pool_t *p, en_err_t *err, const principal_t *who,
                   const wf_demand_t *d, const wf_transition_t *t,
                   wf_input_check_t *c, const wf_effect_t *e, json_t *args)
{
    const char *field = json_string_value(json_object_get(args, "entity-field"));
    const char *ide, *space;
    int         member, rc;

    (void) who;
    (void) t;
    (void) e;
    if (field == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "address-space without entity-field");
    if ((ide = field_value(c, d, field)) == NULL) {
        wf_input_error(c, field, "field.required", NULL);
        return en_set(err, EN_BADINPUT, "field.required", "no IDE number");
    }
    if ((rc = space_of_ide(p, err, ide, d->owner_person_id, &space, &member)) != EN_OK)
        return rc;
    if (space == NULL) {
        wf_input_error(c, field, "spaceprocs.no_space", NULL);
        return en_set(err, EN_BADINPUT, "spaceprocs.no_space", "no active space for %s", ide);
    }
    if (member) {
        wf_input_error(c, field, "spaceprocs.already_member", NULL);
        return en_set(err, EN_BADINPUT, "spaceprocs.already_member", "already a member");
    }
    if (wf_json_set(c->set, "target_space", json_string(space)) != 0
        || wf_json_set(args, "space", json_string(space)) != 0)
        return en_set(err, EN_INTERNAL, "err.internal", "address-space: no memory");
    return EN_OK;
}

/* issue-identifier: fresh candidates; SQL keeps the first never issued */
static int
hook_issue_identifier(pool_t *p, en_err_t *err, const principal_t *who,
                      const wf_demand_t *d, const wf_transition_t *t,
                      wf_input_check_t *c, const wf_effect_t *e, json_t *args)
{
    json_t *cand;
    int     rc;

    if ((rc = enrol_candidates(p, err, ENROL_CANDIDATES, &cand)) != EN_OK)
        return rc;
    if (wf_json_set(args, "candidates", json_incref(cand)) != 0)
        return en_set(err, EN_INTERNAL, "err.internal", "issue-identifier: no memory");
    return EN_OK;
}

/* activate-identifier: the identifier typed in field= must be the one
 * issued for this demand, still unused; else refused next to the field */
static int
hook_activate_identifier(pool_t *p, en_err_t *err, const principal_t *who,
                         const wf_demand_t *d, const wf_transition_t *t,
                         wf_input_check_t *c, const wf_effect_t *e, json_t *args)
{
    const char *field = wf_effect_arg(e, "field");
    const char *typed = field ? json_string_value(json_object_get(c->set, field)) : NULL;
    int         ok;

    if (typed == NULL)
        typed = field ? wf_demand_field(p, d, field) : NULL;
    if ((ok = enrol_identifier_matches(p, err, d->id, typed)) < 0)
        return err->code;
    if (!ok) {
        wf_input_error(c, field, "enrol.identifier.wrong", NULL);
        return EN_BADINPUT;
    }
    return EN_OK;
}

static const struct {
    const char       *action;
    wf_effect_hook_t  hook;
} effects[] = {
    { "noop", NULL },
    { "issue-code", wf_code_issue_hook },
    { "verify-code", wf_code_verify_hook },
    { "ide-lookup", NULL },        /* sql/0022_space_open.sql */
    { "create-space", NULL },
    { "activate-space", NULL },
    { "print-letter", NULL },           /* sql/0023_letters.sql */
    { "address-space", hook_address_space },
    { "attach-member", NULL },
    { "detach-member", NULL },
    { "set-referent", NULL },
    { "delegate", NULL },
    { "revoke-delegation", NULL },
    { "grant-access", NULL },
    { "revoke-access", NULL },
    { "raise-assurance", NULL },
    { "issue-identifier", hook_issue_identifier },
    { "activate-identifier", hook_activate_identifier },
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
