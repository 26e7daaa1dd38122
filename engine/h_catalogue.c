/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_catalogue.c -- "Effectuer une démarche", the catalogue of procedures:
 *
 *   GET  /catalogue    every procedure published, with its description and
 *                      what it needs (the kind of space, the identity level,
 *                      the référent's grant); "Commencer" for those the
 *                      active context may file, the reason and the way to
 *                      get there for the others (switch context, get
 *                      verified, ask the référent)
 *
 * Whether a procedure may be started is wf_may_start_many's answer, the
 * dashboard's predicate (no rule is decided here); the keys come from
 * drafts.c.  Starting is POST /demands (h_demand.c).  Page: xslt/pages/
 * catalogue.xsl; texts: xslt/i18n/drafts.xml.
 */
#include <string.h>

#include "demand_page.h"
#include "demand_view.h"
#include "drafts.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_demand.h"
#include "wf_store.h"

/* The way to get there for a refusal: the context switch, the identity
 * check, the référent's grant. */
static const char *
way_of(const char *reason_key)
{
    if (!strcmp(reason_key, "authz.professional_only") || !strcmp(reason_key, "authz.personal_only")
        || !strncmp(reason_key, "wf.audience.", 12) || !strcmp(reason_key, "authz.entity_kind")
        || !strcmp(reason_key, "authz.wrong_context") || !strcmp(reason_key, "authz.not_member"))
        return "switch";
    if (!strcmp(reason_key, "demand.start.assurance"))
        return "verify";
    if (!strcmp(reason_key, "authz.no_grant"))
        return "grant";
    return "none";
}

static void
needs_node(req_t *r, xmlNodePtr pn, const wf_def_t *def)
{
    const wf_audience_t *a = &def->audience;
    xmlNodePtr           n = render_node(pn, "needs");
    size_t               i;

    render_attr(n, "space", a->space == WF_SPACE_PROFESSIONAL ? "professional"
                            : a->space == WF_SPACE_PERSONAL ? "personal" : "any");
    render_attr(n, "assurance", a->assurance >= WF_ASSURANCE_STRONG ? "strong"
                                : a->assurance == WF_ASSURANCE_VERIFIED ? "verified" : "email");
    if (a->protected_service)
        render_attr(n, "grant", "yes");
    for (i = 0; i < a->n_entity_kinds; i++)
        render_attr(render_node(n, "kind"), "key", a->entity_kinds[i]);
    (void) r;
}

static int
h_catalogue(req_t *r)
{
    const char     **keys;
    const wf_def_t **defs;
    wf_start_t      *st;
    xmlNodePtr       root, procs;
    size_t           i, nk, nd = 0;
    int              rc;

    if ((rc = drafts_published_keys(r->pool, &r->err, &keys, &nk)) != EN_OK)
        return rc;
    defs = pool_calloc(r->pool, sizeof(*defs) * (nk + 1));
    st = pool_calloc(r->pool, sizeof(*st) * (nk + 1));
    for (i = 0; i < nk; i++) {
        en_err_t err;
        int      ver;

        en_clear(&err);
        if ((defs[nd] = wf_store_current(&err, keys[i], &ver)) != NULL)
            nd++;
    }
    if ((rc = wf_may_start_many(r->pool, &r->err, principal_of(r), nd, defs, st)) != EN_OK)
        return rc;

    root = render_begin(r, "catalogue");
    procs = render_node(root, "procedures");
    for (i = 0; i < nd; i++) {
        const wf_def_t *def = defs[i];
        xmlNodePtr      pn;

        if (st[i].hidden)
            continue;                           /* notfound: not for this reader */
        pn = render_node(procs, "procedure");
        render_attr(pn, "key", def->id);
        render_attr(pn, "title", def->title.n ? dv_text(r, &def->title) : def->id);
        if (def->description.n > 0)
            render_text(pn, "description", dv_text(r, &def->description));
        needs_node(r, pn, def);
        render_attr(pn, "available", st[i].allowed ? "yes" : "no");
        if (!st[i].allowed) {
            const char *key = dv_start_reason_key(st[i].reason);

            if (st[i].words != NULL)
                render_text(pn, "reason", st[i].words);
            else
                render_attr(pn, "reason-key", key);
            render_attr(pn, "way", way_of(key));
        }
    }
    if (r->session != NULL && r->session->nspaces > 0)
        render_attr(root, "has-spaces", "yes");
    dp_no_store(r);
    return render_finish(r, 200);
}

const route_t catalogue_routes[] = {
    { "GET", "/catalogue", "catalogue", h_catalogue, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
