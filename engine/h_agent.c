/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_agent.c -- the back office's pages:
 *
 *   GET /agent            the services (agent groups) the person works for,
 *                         each with the number of demands waiting for it
 *   GET /agent/<group>    the group's queue: the demands standing in a state
 *                         that a transition by="agent:<group>" (or by="agent"
 *                         in a procedure naming the group) leaves, oldest
 *                         first, filtered by procedure and state
 *
 * Agents act on a demand through its own page and POST /demands/<id>/fire/
 * <step> (h_demand.c), like everybody.  Which states wait for a group is
 * read from the definitions themselves (every published version: a demand
 * keeps the version it started with), never from a list kept elsewhere.
 * Pages: xslt/pages/agent.xsl and agent_queue.xsl.
 */
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "demand_view.h"
#include "log.h"
#include "pool_json.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_demand.h"
#include "wf_store.h"

#define QUEUE_LIMIT 200

/* Whether some transition of def names agent:group. */
static int
names_group(const wf_def_t *def, const char *group)
{
    size_t i, k;

    for (i = 0; i < def->n_transitions; i++)
        for (k = 0; k < def->transitions[i].n_by; k++)
            if (def->transitions[i].by[k].kind == WF_BY_AGENT
                && def->transitions[i].by[k].group != NULL
                && !strcmp(def->transitions[i].by[k].group, group))
                return 1;
    return 0;
}

static int
waits_for(const wf_transition_t *t, const char *group, int named)
{
    size_t k;

    for (k = 0; k < t->n_by; k++) {
        if (t->by[k].kind != WF_BY_AGENT)
            continue;
        if (t->by[k].group == NULL ? named : !strcmp(t->by[k].group, group))
            return 1;
    }
    return 0;
}

/* Appends to out one [group, key, version, state] per state of a published
 * definition that waits for an agent of group. */
static void
group_states(req_t *r, json_t *defs, const char *group, json_t *out)
{
    json_t *kv;
    size_t  i, s, t;

    json_array_foreach(defs, i, kv) {
        const char     *key = json_string_value(json_array_get(kv, 0));
        int             ver = (int) json_integer_value(json_array_get(kv, 1));
        const wf_def_t *def;
        en_err_t        err;
        int             named;

        en_clear(&err);
        if (key == NULL || (def = wf_store_get(&err, key, ver)) == NULL) {
            log_event(LOG_WARN, "definition does not load for a queue", "workflow",
                      key ? key : "", "error", err.msg, "request_id",
                      r->request_id ? r->request_id : "", NULL);
            continue;
        }
        named = names_group(def, group);
        for (s = 0; s < def->n_states; s++) {
            const wf_state_t *st = &def->states[s];

            if (st->final)
                continue;
            for (t = 0; t < st->n_out; t++)
                if (waits_for(st->out[t], group, named)) {
                    json_t *q = json_array();

                    json_array_append_new(q, json_string(group));
                    json_array_append_new(q, json_string(key));
                    json_array_append_new(q, json_integer(ver));
                    json_array_append_new(q, json_string(st->id));
                    json_array_append_new(out, q);
                    break;
                }
        }
    }
}

static const char *
dump(req_t *r, json_t *j)
{
    const char *s = pool_json_dumps(r->pool, j, JSON_COMPACT);

    return s ? s : "[]";
}

/* --- GET /agent ------------------------------------------------------------------ */

static int
h_agent(req_t *r)
{
    const char *params[3] = { r->session->person_id, NULL, r->session->space_id };
    json_t     *j, *groups, *g, *states, *counts;
    xmlNodePtr  root, gs;
    size_t      i;

    /* every published version (small: procedures x versions), and the
     * groups whose queue the reader may work: authz's answer (authz_may
     * 'work-queue', the question authz_check(AZ_WORK_QUEUE) asks) */
    if ((j = wf_agent_context(r->pool, &r->err, params[0], NULL, params[2])) == NULL)
        return r->err.code;
    groups = json_object_get(j, "groups");
    if (json_array_size(groups) == 0)
        return en_set(&r->err, EN_FORBIDDEN, "authz.not_agent", "not an agent");
    /* each group is one authz lets the reader work (the query above): the
     * counts need no further check; the queues themselves ask authz_check */
    states = pool_json(r->pool, json_array());
    json_array_foreach(groups, i, g)
        group_states(r, json_object_get(j, "defs"), dv_jstr(g, "id", ""), states);
    params[0] = dump(r, states);
    counts = wf_queue_group_counts(r->pool, &r->err, params[0]);
    if (counts == NULL)
        return r->err.code;
    root = render_begin(r, "agent");
    gs = render_node(root, "groups");
    json_array_foreach(groups, i, g) {
        xmlNodePtr n = render_node(gs, "group");

        render_attr(n, "id", dv_jstr(g, "id", ""));
        render_attr(n, "name", dv_jstr(g, "name", ""));
        render_attr(n, "count", pool_printf(r->pool, "%lld",
                                            dv_jint(counts, dv_jstr(g, "id", ""))));
        /* the print group also has the print queue (h_letters.c) */
        if (!strcmp(dv_jstr(g, "id", ""), r->cfg->letters_group))
            render_attr(n, "letters", "yes");
    }
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, 200);
}

/* --- GET /agent/<group> -------------------------------------------------------------- */


static int
h_agent_queue(req_t *r)
{
    const char *group = req_path_param(r, "group"), *filter = req_param(r, "state");
    const char *params[3], *fkey = NULL, *fstate = NULL;
    json_t     *j, *states, *q, *c, *row;
    xmlNodePtr  root, gn, fn, qn;
    size_t      i, total = 0;
    int         rc;

    if (group == NULL || !authz_group_ok(group, strlen(group)))
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no such group");
    params[0] = r->session->person_id;
    params[1] = group;
    params[2] = r->session->space_id;
    /* AZ_WORK_QUEUE asked in the same statement as the group's context */
    if ((j = wf_agent_context(r->pool, &r->err, params[0], params[1], params[2])) == NULL)
        return r->err.code;
    if ((rc = authz_verdict(&r->err, principal_of(r), AZ_WORK_QUEUE, group,
                            dv_jstr(json_object_get(j, "may"), "verdict", NULL),
                            dv_jstr(json_object_get(j, "may"), "reason", NULL))) != EN_OK)
        return rc;
    states = pool_json(r->pool, json_array());
    group_states(r, json_object_get(j, "defs"), group, states);
    /* the filter: "procedure:state", as the form's options give it */
    if (filter != NULL && *filter) {
        const char *colon = strchr(filter, ':');

        if (colon != NULL && colon > filter && colon[1] != '\0' && strlen(filter) < 200) {
            fkey = pool_strndup(r->pool, filter, (size_t) (colon - filter));
            fstate = colon + 1;
        }
    }
    if ((q = wf_queue_read(r->pool, &r->err, dump(r, states), fkey, fstate,
                           QUEUE_LIMIT)) == NULL)
        return r->err.code;

    root = render_begin(r, "agent_queue");
    gn = render_node(root, "group");
    render_attr(gn, "id", group);
    render_attr(gn, "name", dv_jstr(j, "group", group));
    fn = render_node(root, "filter");
    if (fkey != NULL)
        render_attr(fn, "current", filter);
    json_array_foreach(json_object_get(q, "counts"), i, c) {
        const char     *key = json_string_value(json_array_get(c, 0));
        const char     *st = json_string_value(json_array_get(c, 1));
        long long       n = (long long) json_integer_value(json_array_get(c, 2));
        xmlNodePtr      o = render_node(fn, "option");
        en_err_t        err;
        int             ver;
        const wf_def_t *def;
        const wf_state_t *s;
        const char     *value;

        if (key == NULL || st == NULL)
            continue;
        en_clear(&err);
        def = wf_store_current(&err, key, &ver);
        s = def ? wf_state_find(def, st) : NULL;
        value = pool_printf(r->pool, "%s:%s", key, st);
        render_attr(o, "value", value);
        render_attr(o, "title", def && def->title.n ? dv_text(r, &def->title) : key);
        render_attr(o, "state-label", s && s->label.n ? dv_text(r, &s->label) : st);
        render_attr(o, "count", pool_printf(r->pool, "%lld", n));
        if (filter != NULL && !strcmp(filter, value))
            render_attr(o, "selected", "yes");
        total += (size_t) n;
    }
    render_attr(fn, "total", pool_printf(r->pool, "%zu", total));
    qn = render_node(root, "queue");
    json_array_foreach(json_object_get(q, "rows"), i, row)
        dv_demand_summary(r, qn, row);
    render_attr(qn, "count", pool_printf(r->pool, "%zu", json_array_size(json_object_get(q, "rows"))));
    render_attr(qn, "limit", pool_printf(r->pool, "%d", QUEUE_LIMIT));
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, 200);
}

const route_t agent_routes[] = {
    { "GET", "/agent", "agent_home", h_agent, 0, NULL },
    { "GET", "/agent/{group:word}", "agent_queue", h_agent_queue, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
