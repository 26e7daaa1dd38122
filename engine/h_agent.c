/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_agent.c -- the back office's pages:
 *
 *   GET /agent            the services (agent groups) the person works for,
 *                         each with the number of demands waiting for it
 *   (GET /agent/<group>, the group's queue, is h_queue.c's; which states
 *   wait for a group, queue.c's queue_states)
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
#include "queue.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_demand.h"

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
        json_array_extend(states, queue_states(r->pool, json_object_get(j, "defs"),
                                               dv_jstr(g, "id", ""), 0));
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

const route_t agent_routes[] = {
    { "GET", "/agent", "agent_home", h_agent, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
