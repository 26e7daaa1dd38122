/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_admin.c -- the administrators' procedure pages:
 *
 *   GET  /admin/procedures              every procedure: versions (date,
 *                                       sha256), demands per state per version
 *   GET  /admin/procedures/<key>        one procedure: its versions and
 *                                       counts, the state diagram (inline
 *                                       SVG), the check of its file in
 *                                       workflows/, "Publier", and for an old
 *                                       version with running demands the
 *                                       migration form
 *   POST /admin/procedures/<key>/publish   publishes the file (as a reload
 *                                       would), then asks the master to
 *                                       reload so every worker sees it
 *   POST /admin/procedures/<key>/migrate   from, to, map.<state>=<state>,
 *                                       action=check|run: the checked plan,
 *                                       or its result per demand
 *
 * Every route asks authz_check(AZ_ADMIN) first.  The data comes from
 * wf_admin.c (reads), wf_store.c (the file, publishing), wf_migrate.c
 * (the plan and the run) and wf_graph.c (the drawing); no SQL here.  The
 * page is xslt/pages/admin_procedures.xsl and admin_procedure.xsl, texts
 * in xslt/i18n/admin.xml.
 */
#include <string.h>

#include <libxml/tree.h>

#include "authz.h"
#include "demand_page.h"
#include "demand_view.h"
#include "i18n.h"
#include "log.h"
#include "master.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_admin.h"
#include "wf_graph.h"
#include "wf_migrate.h"
#include "wf_store.h"
#include "xml_safe.h"

static int
admin_only(req_t *r)
{
    return authz_check(r->pool, &r->err, principal_of(r), AZ_ADMIN, NULL, NULL);
}

static const char *
itoa_p(pool_t *p, long v)
{
    return pool_printf(p, "%ld", v);
}

static const char *
proc_title(req_t *r, const wf_def_t *def, const char *key)
{
    const char *t = def != NULL && def->title.n > 0 ? dv_text(r, &def->title) : NULL;

    return t != NULL && t[0] != '\0' ? t : key;
}

/* One version with its counts; def (may be NULL) names the states. */
static void
version_node(req_t *r, xmlNodePtr parent, const wf_admin_version_t *v, const char *key,
             int current)
{
    xmlNodePtr       n = render_node(parent, "version");
    en_err_t         e2;
    const wf_def_t  *def;
    size_t           i;

    en_clear(&e2);
    def = wf_store_get(&e2, key, v->version);
    render_attr(n, "n", itoa_p(r->pool, v->version));
    render_attr(n, "sha256", v->sha256);
    render_attr(n, "published", v->published_at);
    render_attr(n, "running", itoa_p(r->pool, v->running));
    render_attr(n, "total", itoa_p(r->pool, v->total));
    if (current)
        render_attr(n, "current", "yes");
    for (i = 0; i < v->n_counts; i++) {
        xmlNodePtr c = render_node(n, "count");

        render_attr(c, "state", v->counts[i].state);
        render_attr(c, "label", def != NULL ? dp_state_label(r, def, v->counts[i].state)
                                            : v->counts[i].state);
        render_attr(c, "n", itoa_p(r->pool, v->counts[i].n));
        if (v->counts[i].final)
            render_attr(c, "final", "yes");
    }
}

static xmlNodePtr
procedure_node(req_t *r, xmlNodePtr parent, const wf_admin_proc_t *pr)
{
    xmlNodePtr      n = render_node(parent, "procedure");
    en_err_t        e2;
    const wf_def_t *def;
    size_t          i;

    en_clear(&e2);
    def = pr->n_versions > 0 ? wf_store_get(&e2, pr->key, pr->versions[0].version) : NULL;
    render_attr(n, "key", pr->key);
    render_attr(n, "title", proc_title(r, def, pr->key));
    if (pr->n_versions > 0)
        render_attr(n, "current", itoa_p(r->pool, pr->versions[0].version));
    for (i = 0; i < pr->n_versions; i++)
        version_node(r, n, &pr->versions[i], pr->key, i == 0);
    return n;
}

/* --- GET /admin/procedures ------------------------------------------------- */

static int
h_admin_procedures(req_t *r)
{
    wf_admin_proc_t *procs;
    size_t           n, i;
    xmlNodePtr       root, list;
    int              rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    if ((rc = wf_admin_procedures(r->pool, &r->err, NULL, &procs, &n)) != EN_OK)
        return rc;
    root = render_begin(r, "admin_procedures");
    list = render_node(root, "procedures");
    for (i = 0; i < n; i++)
        procedure_node(r, list, &procs[i]);
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, 200);
}

/* --- one procedure ------------------------------------------------------------ */

/* The diagram of def as SVG, parsed (so well-formed, its text escaped by
 * the serializer), without prolog or DOCTYPE, labelled for screen readers. */
static void
diagram_node(req_t *r, xmlNodePtr parent, const wf_def_t *def, const char *title)
{
    xmlNodePtr  d = render_node(parent, "diagram"), svg, t;
    char       *out;
    size_t      len;
    en_err_t    e2;
    xmlDocPtr   doc;
    const char *dot = wf_graph_dot(r->pool, def, r->lang);

    const char *start;

    en_clear(&e2);
    /* the prolog and graphviz's DOCTYPE go: the document starts at <svg
     * (xml_safe refuses a DOCTYPE anyway) */
    if (dot == NULL || wf_graph_render(r->pool, dot, "svg", &out, &len, &e2) != EN_OK
        || (start = strstr(out, "<svg")) == NULL
        || (doc = xml_safe_read_memory(r->pool, start, len - (size_t) (start - out),
                                       "diagram.svg", &e2)) == NULL
        || xmlDocGetRootElement(doc) == NULL) {
        log_event(LOG_ERROR, "diagram not drawn", "workflow", def->id, "error", e2.msg, NULL);
        render_attr(d, "failed", "yes");
        return;
    }
    svg = xmlDocCopyNode(xmlDocGetRootElement(doc), parent->doc, 1);
    if (svg == NULL) {
        render_attr(d, "failed", "yes");
        return;
    }
    xmlSetProp(svg, BAD_CAST "role", BAD_CAST "img");
    xmlSetProp(svg, BAD_CAST "aria-labelledby", BAD_CAST "diagram-title diagram-desc");
    xmlSetProp(svg, BAD_CAST "focusable", BAD_CAST "false");
    /* the first children: what a screen reader says of the picture */
    t = xmlNewDocNode(parent->doc, svg->ns, BAD_CAST "desc", NULL);
    xmlNodeAddContent(t, BAD_CAST i18n_get(r->lang, "admin.proc.diagram_desc"));
    xmlSetProp(t, BAD_CAST "id", BAD_CAST "diagram-desc");
    if (svg->children != NULL)
        xmlAddPrevSibling(svg->children, t);
    else
        xmlAddChild(svg, t);
    t = xmlNewDocNode(parent->doc, svg->ns, BAD_CAST "title", NULL);
    xmlNodeAddContent(t, BAD_CAST title);
    xmlSetProp(t, BAD_CAST "id", BAD_CAST "diagram-title");
    xmlAddPrevSibling(svg->children, t);
    xmlAddChild(d, svg);
}

static void
file_node(req_t *r, xmlNodePtr parent, const char *key, const wf_admin_version_t *cur)
{
    wf_store_file_t f;
    xmlNodePtr      n = render_node(parent, "file");
    size_t          i;

    wf_store_check_file(r->pool, r->cfg, key, cur != NULL ? cur->source : NULL, &f);
    render_attr(n, "path", f.path);
    render_attr(n, "ok", f.ok ? "yes" : "no");
    if (f.sha256 != NULL) {
        render_attr(n, "sha256", f.sha256);
        if (cur != NULL && strcmp(f.sha256, cur->sha256) != 0)
            render_attr(n, "changed", "yes");
    }
    for (i = 0; i < f.n_msgs; i++)
        render_text(n, "msg", f.msgs[i]);
}

/* The states of def a demand may be moved into, as options. */
static void
state_options(req_t *r, xmlNodePtr parent, const wf_def_t *def)
{
    size_t i;

    for (i = 0; def != NULL && i < def->n_states; i++) {
        xmlNodePtr o = render_node(parent, "option");

        render_attr(o, "id", def->states[i].id);
        render_attr(o, "label", dp_state_label(r, def, def->states[i].id));
        if (def->states[i].final)
            render_attr(o, "final", "yes");
    }
}

/* The migration form of one version (a plan: as checked, or the default
 * mapping: each state to the state of the same name). */
static void
migrate_node(req_t *r, xmlNodePtr parent, const wf_mig_plan_t *plan, int checked)
{
    xmlNodePtr n = render_node(parent, "migrate");
    size_t     i;

    render_attr(n, "from", itoa_p(r->pool, plan->from_version));
    render_attr(n, "to", itoa_p(r->pool, plan->to_version));
    if (checked)
        render_attr(n, "checked", plan->errors == 0 ? "ok" : "refused");
    if (plan->error != NULL) {
        render_text(n, "error", i18n_fmt(r->pool, r->lang, plan->error, plan->error_arg));
    }
    state_options(r, render_node(n, "options"), plan->new_def);
    for (i = 0; i < plan->n_rows; i++) {
        const wf_mig_row_t *row = &plan->rows[i];
        xmlNodePtr          s = render_node(n, "state");

        render_attr(s, "from", row->from);
        render_attr(s, "label", plan->old_def != NULL
                                ? dp_state_label(r, plan->old_def, row->from) : row->from);
        render_attr(s, "n", itoa_p(r->pool, row->n));
        if (row->to != NULL)
            render_attr(s, "to", row->to);
        if (checked && row->error != NULL)
            render_attr(s, "error", i18n_get(r->lang, row->error));
    }
}

/* The default plan of an old version: every state mapped to its namesake. */
static int
default_plan(req_t *r, const char *key, int from, int to, wf_mig_plan_t *plan)
{
    en_err_t          e2;
    const wf_def_t   *old;
    const char      **names;
    size_t            i;

    en_clear(&e2);
    old = wf_store_get(&e2, key, from);
    names = pool_calloc(r->pool, sizeof(char *) * ((old ? old->n_states : 0) + 1));
    for (i = 0; old != NULL && i < old->n_states; i++)
        names[i] = old->states[i].id;
    return wf_migrate_check(r->pool, &r->err, key, from, to, names, names,
                            old ? old->n_states : 0, plan);
}

typedef struct {
    const wf_mig_plan_t    *plan;        /* the form posted, checked */
    const wf_mig_result_t  *results;
    size_t                  n_results;
    const wf_store_published_t *published;
} proc_extra_t;

static int
page_procedure(req_t *r, const char *key, const proc_extra_t *x, int status)
{
    wf_admin_proc_t          *procs;
    const wf_admin_version_t *cur;
    const wf_def_t           *def;
    size_t                    n, i;
    xmlNodePtr                root, pn, migs;
    en_err_t                  e2;
    int                       rc;

    if ((rc = wf_admin_procedures(r->pool, &r->err, key, &procs, &n)) != EN_OK)
        return rc;
    if (n == 0)
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no procedure %s", key);
    cur = &procs[0].versions[0];
    en_clear(&e2);
    def = wf_store_get(&e2, key, cur->version);
    root = render_begin(r, "admin_procedure");
    pn = procedure_node(r, root, &procs[0]);
    if (def != NULL)
        diagram_node(r, root, def, proc_title(r, def, key));
    file_node(r, root, key, cur);
    if (x != NULL && x->published != NULL) {
        xmlNodePtr pub = render_node(root, "published");

        render_attr(pub, "refused", x->published->refused ? "yes" : "no");
        if (!x->published->refused) {
            render_attr(pub, "version", itoa_p(r->pool, x->published->version));
            render_attr(pub, "new", x->published->is_new ? "yes" : "no");
        }
        for (i = 0; i < x->published->n_msgs; i++)
            render_text(pub, "msg", x->published->msgs[i]);
    }
    if (x != NULL && x->results != NULL) {
        xmlNodePtr res = render_node(root, "results");

        render_attr(res, "from", itoa_p(r->pool, x->plan->from_version));
        render_attr(res, "to", itoa_p(r->pool, x->plan->to_version));
        for (i = 0; i < x->n_results; i++) {
            xmlNodePtr d = render_node(res, "demand");

            render_attr(d, "id", x->results[i].demand_id);
            render_attr(d, "reference", x->results[i].reference);
            render_attr(d, "from", x->results[i].from);
            if (x->results[i].to != NULL)
                render_attr(d, "to", x->results[i].to);
            render_attr(d, "status", x->results[i].status);
        }
    }
    /* a migration form for every older version with running demands */
    migs = render_node(pn, "migrations");
    for (i = 1; i < procs[0].n_versions; i++) {
        const wf_admin_version_t *v = &procs[0].versions[i];
        wf_mig_plan_t             plan;

        if (x != NULL && x->plan != NULL && x->results == NULL
            && x->plan->from_version == v->version) {
            migrate_node(r, migs, x->plan, 1);
            continue;
        }
        if (v->running == 0)
            continue;
        if ((rc = default_plan(r, key, v->version, cur->version, &plan)) != EN_OK)
            return rc;
        if (plan.n_rows > 0)
            migrate_node(r, migs, &plan, 0);
    }
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, status);
}

static int
h_admin_procedure(req_t *r)
{
    int rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    return page_procedure(r, req_path_param(r, "key"), NULL, 200);
}

/* --- POST /admin/procedures/<key>/publish ----------------------------------------- */

static int
h_admin_publish(req_t *r)
{
    const char           *key = req_path_param(r, "key");
    wf_admin_proc_t      *procs;
    wf_store_published_t  pub;
    proc_extra_t          x;
    size_t                n;
    int                   rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    if ((rc = wf_admin_procedures(r->pool, &r->err, key, &procs, &n)) != EN_OK)
        return rc;
    if (n == 0)
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no procedure %s", key);
    if ((rc = wf_store_publish_file(r->pool, r->cfg, key, procs[0].versions[0].source,
                                    &pub)) != EN_OK)
        return en_set(&r->err, rc, "err.unavailable", "publishing failed");
    log_event(LOG_INFO, "procedure published from the administrators' page", "workflow", key,
              "refused", pub.refused ? "yes" : "no", NULL);
    /* every worker (and the scheduler) must see the new version: the
     * master's reload starts a new generation, as `guichet reload` does */
    if (!pub.refused && pub.is_new && master_request_reload() != 0)
        log_event(LOG_WARN, "published, but no master to reload: restart the workers",
                  "workflow", key, NULL);
    memset(&x, 0, sizeof(x));
    x.published = &pub;
    return page_procedure(r, key, &x, pub.refused ? 422 : 200);
}

/* --- POST /admin/procedures/<key>/migrate ----------------------------------------- */

static const route_param_t migrate_params[] = {
    { "from", ROUTE_INT, 1, 1000000, ROUTE_REQUIRED },
    { "to", ROUTE_INT, 1, 1000000, ROUTE_REQUIRED },
    { NULL, 0, 0, 0, 0 }
};

static int
h_admin_migrate(req_t *r)
{
    const char      *key = req_path_param(r, "key");
    const char      *action = req_param(r, "action");
    int              from = (int) req_param_int(r, "from", 0);
    int              to = (int) req_param_int(r, "to", 0);
    const wf_def_t  *old;
    const char     **mf, **mt;
    wf_mig_plan_t    plan;
    wf_mig_result_t *res = NULL;
    size_t           nres = 0, i, n = 0;
    proc_extra_t     x;
    en_err_t         e2;
    int              rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    en_clear(&e2);
    old = wf_store_get(&e2, key, from);
    if (old == NULL)
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no %s version %d", key, from);
    /* the posted mapping: map.<state> for the old version's states only */
    mf = pool_calloc(r->pool, sizeof(char *) * (old->n_states + 1));
    mt = pool_calloc(r->pool, sizeof(char *) * (old->n_states + 1));
    for (i = 0; i < old->n_states; i++) {
        const char *v = req_param(r, pool_printf(r->pool, "map.%s", old->states[i].id));

        const wf_def_t *nd;
        const wf_state_t *target;

        if (v == NULL)
            continue;
        /* only a state id of the new version goes on (and is shown back);
         * anything else, whatever its bytes, is an unknown state: "?" */
        en_clear(&e2);
        nd = wf_store_get(&e2, key, to);
        target = nd != NULL && v[0] != '\0' ? wf_state_find(nd, v) : NULL;
        mf[n] = old->states[i].id;
        mt[n++] = v[0] == '\0' ? "" : target != NULL ? target->id : "?";
    }
    if ((rc = wf_migrate_check(r->pool, &r->err, key, from, to, mf, mt, n, &plan)) != EN_OK)
        return rc;
    memset(&x, 0, sizeof(x));
    x.plan = &plan;
    if (plan.errors == 0 && action != NULL && !strcmp(action, "run")) {
        if ((rc = wf_migrate_run(r->pool, &r->err, principal_of(r), &plan, &res, &nres))
            != EN_OK)
            return rc;
        log_event(LOG_INFO, "demands migrated", "workflow", key, "from", itoa_p(r->pool, from),
                  "to", itoa_p(r->pool, to), "demands", itoa_p(r->pool, (long) nres), NULL);
        x.results = res;
        x.n_results = nres;
    }
    return page_procedure(r, key, &x, plan.errors > 0 ? 422 : 200);
}

const route_t admin_routes[] = {
    { "GET", "/admin/procedures", "admin_procedures", h_admin_procedures, 0, NULL },
    { "GET", "/admin/procedures/{key:word}", "admin_procedure", h_admin_procedure, 0, NULL },
    { "POST", "/admin/procedures/{key:word}/publish", "admin_publish", h_admin_publish, 0,
      NULL },
    { "POST", "/admin/procedures/{key:word}/migrate", "admin_migrate", h_admin_migrate, 0,
      migrate_params },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
