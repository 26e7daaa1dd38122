/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_decide.c -- per-item decisions joined at the end (see wf_decide.h).
 *
 * Owns the checks before an answer is written and the statements on
 * decide_items / decide_answers (sql/0028_item_decisions.sql: the answer,
 * its event and mail, and the `then` transition when it was the last, are
 * one call of decide_answer(), one transaction).  Does not own who may
 * answer (authz_may's 'decide-item'), what `then` does (wf_fire.c builds
 * its change document, wf_apply runs it), nor any page.
 */
#include "wf_decide.h"

#include <stdio.h>
#include <string.h>

#include "authz.h"
#include "db.h"
#include "en_assert.h"
#include "log.h"
#include "pool_json.h"
#include "wf_demand.h"
#include "wf_fire.h"
#include "wf_store.h"

static db_stmt_t answer_stmt =
    DB_STMT("decide_answer", 1, "SELECT decide_answer($1::jsonb)::text");
static db_stmt_t items_stmt =
    DB_STMT("decide_items_of", 1, "SELECT decide_items_of($1::uuid)::text");
static db_stmt_t unrouted_stmt =
    DB_STMT("decide_unrouted", 1,
            "SELECT count(*) FROM jsonb_array_elements_text($1::jsonb) v"
            " WHERE decide_group_of(btrim(v)) IS NULL");
static db_stmt_t groups_stmt =
    DB_STMT("decide_groups_of", 1, "SELECT decide_groups_of($1::uuid)::text");
static db_stmt_t queue_stmt =
    DB_STMT("decide_queue", 3, "SELECT decide_queue($1, $2, $3::int)::text");

/* Every item's KEY value names a third party (decide_group_of): one
 * round trip for all of them. */
static int
items_routed(pool_t *p, en_err_t *err, const wf_decide_t *dc, json_t *items)
{
    json_t     *keys = json_array(), *it;
    const char *params[1];
    size_t      i;
    PGresult   *res;

    pool_json(p, keys);
    if (!json_is_array(items) || json_array_size(items) == 0)
        return en_set(err, EN_FORBIDDEN, "decide.no_items", "no item to decide on");
    json_array_foreach(items, i, it) {
        json_t *v = json_object_get(it, dc->key);

        json_array_append_new(keys, json_string(json_is_string(v) ? json_string_value(v) : ""));
    }
    params[0] = pool_json_dumps(p, keys, JSON_COMPACT);
    if ((res = db_exec_prepared(p, err, &unrouted_stmt, params)) == NULL)
        return err->code;
    if (strcmp(db_val(res, 0, 0), "0") != 0)
        return en_set(err, EN_FORBIDDEN, "decide.no_authority",
                      "an item names no trusted third party");
    return EN_OK;
}

int
wf_decide_arrival(pool_t *p, en_err_t *err, const wf_def_t *def, const wf_demand_t *d,
                  json_t *set, const wf_state_t *to, json_t *effects)
{
    const wf_decide_t *dc = wf_decide_in(def, to);
    json_t            *o, *args, *mail, *items;
    int                bad = 0, rc;

    if (dc == NULL)
        return EN_OK;
    if (NEVER(dc->key == NULL || dc->over == NULL))
        return en_set(err, EN_INTERNAL, "err.internal", "decide %s unlinked", dc->id);
    items = set != NULL ? json_object_get(set, dc->over) : NULL;
    if (items == NULL && d->form_json != NULL)
        items = json_object_get(d->form_json, dc->over);
    if ((rc = items_routed(p, err, dc, items)) != EN_OK)
        return rc;
    o = json_object();
    args = json_object();
    bad |= wf_json_set(o, "name", json_string("open-items"));
    bad |= wf_json_set(args, "decide", json_string(dc->id));
    bad |= wf_json_set(args, "over", json_string(dc->over));
    bad |= wf_json_set(args, "key", json_string(dc->key));
    mail = json_object();
    bad |= wf_json_set(mail, "workflow", wf_i18n_json(&def->title));
    bad |= wf_json_set(mail, "state", wf_i18n_json(&dc->label));
    bad |= wf_json_set(args, "mail", mail);
    bad |= wf_json_set(o, "args", args);
    if (bad || json_array_append_new(effects, o) != 0)
        return en_set(err, EN_INTERNAL, "err.internal", "decide %s: no memory", dc->id);
    return EN_OK;
}

static int
outcome_allowed(const wf_decide_t *dc, const char *outcome)
{
    size_t i;

    for (i = 0; outcome != NULL && i < dc->n_outcomes; i++)
        if (!strcmp(dc->outcomes[i], outcome))
            return 1;
    return 0;
}

/* The owner's mail about one answer (generic template decide-answered). */
static json_t *
answer_mail(const wf_def_t *def, const wf_demand_t *d, const wf_decide_t *dc,
            const char *comment)
{
    json_t *a = json_array(), *o = json_object(), *data = json_object();

    json_object_set_new(o, "to", json_string("owner"));
    json_object_set_new(o, "template", json_string("decide-answered"));
    json_object_set_new(data, "demand", json_string(d->id));
    json_object_set_new(data, "reference", json_string(d->reference));
    json_object_set_new(data, "workflow", wf_i18n_json(&def->title));
    json_object_set_new(data, "transition", wf_i18n_json(&dc->label));
    json_object_set_new(data, "state", wf_i18n_json(&dc->label));
    if (comment != NULL && *comment && wf_json_set(data, "comment", json_string(comment)) != 0) {
        json_decref(data);
        json_decref(o);
        json_decref(a);
        return NULL;
    }
    json_object_set_new(o, "data", data);
    json_array_append_new(a, o);
    return a;
}

int
wf_decide(pool_t *p, en_err_t *err, const principal_t *who, const char *demand_id,
          const char *decide_id, int item, const char *outcome, const char *comment,
          wf_decide_result_t *result)
{
    wf_decide_result_t dummy;
    wf_demand_t       *d;
    const wf_def_t    *def;
    const wf_decide_t *dc;
    wf_input_check_t   c;
    wf_input_t         in;
    json_t            *change, *then = NULL, *actor, *answer;
    json_error_t       je;
    const char        *params[1], *status, *text;
    principal_t        sys;
    PGresult          *res;
    int                rc, bad = 0, fin;

    if (result == NULL)
        result = &dummy;
    memset(result, 0, sizeof(*result));
    if (item < 0 || decide_id == NULL)
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such item");
    /* 1. who: the item's third party, anyone else gets "no such thing" */
    if ((rc = authz_check(p, err, who, AZ_DECIDE_ITEM, demand_id,
                          pool_printf(p, "%s:%d", decide_id, item))) != EN_OK)
        return rc;
    if ((rc = wf_demand_load(p, err, demand_id, &d)) != EN_OK)
        return rc;
    if ((def = wf_store_get(err, d->workflow_key, d->definition_version)) == NULL)
        return err->code;
    if ((dc = wf_decide_find(def, decide_id)) == NULL)
        return en_set(err, EN_NOTFOUND, "err.notfound", "no decision %s", decide_id);
    /* 2. the demand still waits for these answers */
    if (NEVER(dc->in == NULL || dc->then == NULL) || strcmp(d->state, dc->in->id) != 0)
        return en_set(err, EN_CONFLICT, "decide.closed",
                      "this demand no longer waits for this answer");
    /* 3. the input: one of the outcomes, the comment as asked */
    memset(&in, 0, sizeof(in));
    in.comment = comment;
    wf_input_init(&c, p, d, &in);
    if (!outcome_allowed(dc, outcome))
        wf_input_error(&c, "outcome", "decide.outcome.missing", NULL);
    comment = wf_input_comment(&c, dc->comment, comment);
    if ((rc = wf_input_verdict(&c, err, &result->errors, &result->nerrors)) != EN_OK)
        return rc;
    fin = wf_outcome_final(outcome);
    /* `then`, ready in case this answer is the last one */
    sys = principal_system(who->request_id);
    if (fin == 1 && (rc = wf_fire_change_system(p, err, &sys, d, dc->then, &then)) != EN_OK)
        return rc;

    change = json_object();
    pool_json(p, change);
    actor = json_object();
    bad |= wf_json_set(actor, "kind", json_string("person"));
    bad |= wf_json_set(actor, "person", json_string(who->person_id));
    bad |= wf_json_set(actor, "space", who->space_id ? json_string(who->space_id)
                                                     : json_null());
    bad |= wf_json_set(change, "actor", actor);
    bad |= wf_json_set(change, "demand", json_string(d->id));
    bad |= wf_json_set(change, "decide", json_string(dc->id));
    bad |= wf_json_set(change, "item", json_integer(item));
    bad |= wf_json_set(change, "state", json_string(d->state));
    bad |= wf_json_set(change, "outcome", json_string(outcome));
    bad |= wf_json_set(change, "final", json_boolean(fin == 1));
    bad |= wf_json_set(change, "comment", comment && *comment ? json_string(comment)
                                                               : json_null());
    bad |= wf_json_set(change, "request_id", who->request_id
                                              ? json_string(who->request_id) : json_null());
    bad |= wf_json_set(change, "mails", answer_mail(def, d, dc, comment));
    bad |= wf_json_set(change, "then", then != NULL ? json_incref(then) : json_null());
    if (bad)
        return en_set(err, EN_INTERNAL, "err.internal", "the answer could not be put into JSON");
    params[0] = pool_json_dumps(p, change, JSON_COMPACT);
    if ((res = db_exec_prepared(p, err, &answer_stmt, params)) == NULL)
        return err->code;
    answer = json_loads(db_val(res, 0, 0), 0, &je);
    if (answer == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "decide_answer gave no answer");
    pool_json(p, answer);
    status = json_string_value(json_object_get(answer, "status"));
    if (status == NULL || !strcmp(status, "notfound"))
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such item");
    if (!strcmp(status, "conflict"))
        return en_set(err, EN_CONFLICT, "decide.closed",
                      "this demand no longer waits for this answer");
    if (!strcmp(status, "answered"))
        return en_set(err, EN_CONFLICT, "decide.answered", "this item is already answered");
    result->done = json_is_true(json_object_get(answer, "done"));
    text = json_string_value(json_object_get(answer, "state"));
    result->state = pool_strdup(p, text ? text : d->state);
    log_event(LOG_INFO, "item answered", "demand", d->id, "reference", d->reference,
              "decide", dc->id, "item", pool_printf(p, "%d", item), "outcome", outcome,
              "done", result->done ? "yes" : "no", "actor", who->person_id,
              "request_id", who->request_id ? who->request_id : "", NULL);
    return EN_OK;
}

static int
json_answer(pool_t *p, en_err_t *err, PGresult *res, json_t **out)
{
    json_error_t je;

    if (res == NULL)
        return err->code;
    *out = json_loads(db_val(res, 0, 0), 0, &je);
    if (*out == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "items: bad JSON");
    pool_json(p, *out);
    return EN_OK;
}

int
wf_decide_items(pool_t *p, en_err_t *err, const char *demand_id, json_t **out)
{
    const char *params[1] = { demand_id };

    return json_answer(p, err, db_exec_prepared(p, err, &items_stmt, params), out);
}

int
wf_decide_queue(pool_t *p, en_err_t *err, const char *group, const char *which,
                json_t **out)
{
    char        lim[16];
    const char *params[3] = { group, which, lim };

    snprintf(lim, sizeof(lim), "%d", WF_DECIDE_QUEUE_LIMIT);
    return json_answer(p, err, db_exec_prepared(p, err, &queue_stmt, params), out);
}

int
wf_decide_groups(pool_t *p, en_err_t *err, const principal_t *who, json_t **out)
{
    const char *params[1];

    if (who == NULL || who->kind != PRINCIPAL_PERSON || who->person_id == NULL)
        return en_set(err, EN_UNAUTH, "err.login_needed", "login needed");
    params[0] = who->person_id;
    return json_answer(p, err, db_exec_prepared(p, err, &groups_stmt, params), out);
}
