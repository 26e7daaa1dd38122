/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_demand.c -- the applicant's pages around demands, not about one of
 * them:
 *
 *   GET  /dashboard                    "Avancement des démarches": the active
 *                                      context's demands by bucket, with
 *                                      counts, and the procedures it may start
 *                                      (with the reason when it may not)
 *   POST /demands                      start one (workflow=KEY): a draft, then
 *                                      303 to its first page; when drafts of
 *                                      it are open in this context, first the
 *                                      choice: resume one, or new=1 (a new one)
 *   GET  /dashboard/<bucket>           one bucket of it, page by page
 *                                      (?after=ID, keyset)
 *   GET  /documents/{id:uuid}          a document, as an attachment
 *
 * The demand itself and its steps are h_demand_view.c's; its form, page by
 * page, h_form.c's; the frame they share demand_page.c's.  Every handler
 * asks authz_check before it reads an object.  Pages are xslt/pages/
 * dashboard.xsl and demand_refused.xsl (texts: xslt/i18n/demand.xml).
 * Round trips per page are counted in docs/pages.md.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "db.h"
#include "demand_page.h"
#include "demand_view.h"
#include "drafts.h"
#include "field.h"
#include "pool_json.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_demand.h"
#include "wf_store.h"

/* The dashboard shows the newest few of each bucket and links to the
 * bucket's own list, paged by keyset (sql/0040_dashboard_pages.sql). */
#define DASHBOARD_PER_BUCKET 5
#define BUCKET_PAGE 25

/* --- GET /dashboard -------------------------------------------------------------- */

/* The order of the dashboard: what asks for an action first. */
static const char *const bucket_order[] = {
    "to-do", "decision-unread", "in-progress", "draft", "archived", NULL
};

typedef struct {
    const char     *key;
    const wf_def_t *def;
    const char     *reason_key;    /* refused: a catalogue key ... */
    const char     *reason_text;   /* ... or the definition's own words */
    const wf_start_t *st;          /* wf_may_start's answer */
} proc_t;

static int
h_dashboard(req_t *r)
{
    const session_t  *s = r->session;
    json_t           *j, *demands, *counts, *keys, *groups, *row;
    xmlNodePtr        root, buckets, procs;
    proc_t           *pr;
    const wf_def_t  **kdefs, **defs;
    const char      **known, **kkeys, *questions;
    wf_start_t       *kst, *st;
    wf_start_batch_t *batch;
    int               b, rc;
    size_t            i, k, nk, nknown, nkd = 0, nd = 0;

    /* whether each procedure may be started (wf_may_start): those this
     * worker already knows to be published are asked inside the
     * dashboard's own statement; one published since, or all of them on a
     * worker's first dashboard, in a second round trip below */
    nknown = wf_store_current_keys(r->pool, &known);
    kdefs = pool_calloc(r->pool, sizeof(*kdefs) * (nknown + 1));
    kkeys = pool_calloc(r->pool, sizeof(*kkeys) * (nknown + 1));
    kst = pool_calloc(r->pool, sizeof(*kst) * (nknown + 1));
    for (i = 0; i < nknown; i++) {
        en_err_t err;

        en_clear(&err);
        if ((kdefs[nkd] = wf_store_current(&err, known[i], NULL)) != NULL)
            kkeys[nkd++] = known[i];
    }
    if ((questions = wf_start_questions(r->pool, principal_of(r), nkd, kdefs, kst,
                                        &batch)) == NULL)
        return en_set(&r->err, EN_INTERNAL, "err.internal", "json_dumps failed");

    /* one round trip: the demands the reader may see (wf_demand_list's
     * rule), their counts, the procedures published, the agent groups,
     * and the answers to those questions */
    if ((j = wf_demand_dashboard(r->pool, &r->err, s->person_id, s->space_id,
                                 DASHBOARD_PER_BUCKET, questions)) == NULL)
        return r->err.code;
    if ((rc = wf_start_answers(r->pool, &r->err, batch, json_object_get(j, "starts"))) != EN_OK)
        return rc;
    demands = json_object_get(j, "demands");
    counts = json_object_get(j, "counts");
    keys = json_object_get(j, "keys");
    groups = json_object_get(j, "groups");

    root = render_begin(r, "dashboard");
    buckets = render_node(root, "buckets");
    for (b = 0; bucket_order[b] != NULL; b++) {
        xmlNodePtr bn = render_node(buckets, "bucket");

        render_attr(bn, "name", bucket_order[b]);
        render_attr(bn, "count", pool_printf(r->pool, "%lld", dv_jint(counts, bucket_order[b])));
        json_array_foreach(demands, i, row)
            if (!strcmp(dv_jstr(row, "bucket", ""), bucket_order[b]))
                dv_demand_summary(r, bn, row);
    }

    /* the procedures published: answered above, or asked now in one batch */
    nk = json_array_size(keys);
    pr = pool_calloc(r->pool, sizeof(*pr) * (nk + 1));
    defs = pool_calloc(r->pool, sizeof(*defs) * (nk + 1));
    st = pool_calloc(r->pool, sizeof(*st) * (nk + 1));
    for (i = 0; i < nk; i++) {
        en_err_t err;

        en_clear(&err);
        if ((pr[i].key = json_string_value(json_array_get(keys, i))) == NULL)
            continue;
        for (k = 0; k < nkd && strcmp(kkeys[k], pr[i].key) != 0; k++)
            ;
        if (k < nkd) {
            pr[i].def = kdefs[k];
            pr[i].st = &kst[k];
        } else if ((pr[i].def = wf_store_current(&err, pr[i].key, NULL)) != NULL) {
            defs[nd] = pr[i].def;
            pr[i].st = &st[nd++];
        }
    }
    if (nd > 0
        && (rc = wf_may_start_many(r->pool, &r->err, principal_of(r), nd, defs, st)) != EN_OK)
        return rc;
    procs = render_node(root, "procedures");
    for (i = 0; i < nk; i++) {
        const wf_start_t *v;
        xmlNodePtr        pn;
        int               ok;

        if (pr[i].def == NULL)
            continue;
        v = pr[i].st;
        if (v->hidden)
            continue;                           /* notfound: not for this reader */
        ok = v->allowed;
        if (!ok) {
            pr[i].reason_text = v->words;
            pr[i].reason_key = dv_start_reason_key(v->reason);
        }
        pn = render_node(procs, "procedure");
        render_attr(pn, "key", pr[i].key);
        render_attr(pn, "title", pr[i].def->title.n ? dv_text(r, &pr[i].def->title) : pr[i].key);
        if (pr[i].def->description.n > 0)
            render_text(pn, "description", dv_text(r, &pr[i].def->description));
        render_attr(pn, "available", ok ? "yes" : "no");
        if (!ok) {
            if (pr[i].reason_text != NULL)
                render_text(pn, "reason", pr[i].reason_text);
            else
                render_attr(pn, "reason-key", pr[i].reason_key ? pr[i].reason_key
                                                               : "err.forbidden");
        }
    }
    if (json_array_size(groups) > 0) {
        xmlNodePtr gs = render_node(root, "agent-groups");
        json_t    *g;

        json_array_foreach(groups, i, g) {
            xmlNodePtr gn = render_node(gs, "group");

            render_attr(gn, "id", dv_jstr(g, "id", ""));
            render_attr(gn, "name", dv_jstr(g, "name", ""));
        }
    }
    if (s->nspaces > 0)
        render_attr(root, "has-spaces", "yes");
    dp_no_store(r);
    return render_finish(r, 200);
}

/* --- GET /dashboard/<bucket> ---------------------------------------------------------- */

/* One bucket of the dashboard, BUCKET_PAGE at a time, newest first;
 * ?after=ID: the page after that demand. */
static int
h_dashboard_bucket(req_t *r)
{
    const session_t *s = r->session;
    const char      *bucket = req_path_param(r, "bucket"), *after = req_param(r, "after");
    json_t          *j, *demands, *row;
    xmlNodePtr       root, bn;
    size_t           i;
    int              b;

    for (b = 0; bucket_order[b] != NULL; b++)
        if (bucket != NULL && !strcmp(bucket, bucket_order[b]))
            break;
    if (bucket_order[b] == NULL)
        return route_not_found(r);
    if (after != NULL && *after == '\0')
        after = NULL;
    if ((j = wf_demand_bucket(r->pool, &r->err, s->person_id, s->space_id, bucket_order[b],
                              after, BUCKET_PAGE + 1)) == NULL)
        return r->err.code;
    demands = json_object_get(j, "demands");

    root = render_begin(r, "dashboard_bucket");
    bn = render_node(root, "bucket");
    render_attr(bn, "name", bucket_order[b]);
    render_attr(bn, "count", pool_printf(r->pool, "%lld", dv_jint(j, "count")));
    if (after != NULL)
        render_attr(bn, "first", pool_printf(r->pool, "/dashboard/%s", bucket_order[b]));
    json_array_foreach(demands, i, row) {
        if (i == BUCKET_PAGE) {
            render_attr(bn, "next", pool_printf(r->pool, "/dashboard/%s?after=%s",
                                                bucket_order[b],
                                                dv_jstr(json_array_get(demands, i - 1), "id", "")));
            break;
        }
        dv_demand_summary(r, bn, row);
    }
    dp_no_store(r);
    return render_finish(r, 200);
}

/* --- POST /demands ------------------------------------------------------------------- */

static int
render_refused(req_t *r, const wf_def_t *def, const char *key)
{
    xmlNodePtr root = render_begin(r, "demand_refused"), n;

    n = render_node(root, "refused");
    render_attr(n, "workflow", key);
    render_attr(n, "title", def && def->title.n ? dv_text(r, &def->title) : key);
    /* the definition's own words for a wrong space; a catalogue key else */
    if (!strncmp(r->err.key, "wf.audience.", 12) && r->err.msg[0])
        render_text(n, "reason", r->err.msg);
    else
        render_attr(n, "reason-key", r->err.key[0] ? r->err.key : "err.forbidden");
    if (r->session != NULL && r->session->nspaces > 0)
        render_attr(root, "has-spaces", "yes");
    dp_no_store(r);
    return render_finish(r, r->err.code == EN_UNAUTH ? 401 : 403);
}

/* "Commencer" with drafts already open: resume one of them, or start a
 * new one (the same POST with new=1).  Nothing is written. */
static int
render_resume(req_t *r, const wf_def_t *def, const char *key, const drafts_row_t *rows,
              size_t n)
{
    xmlNodePtr root = render_begin(r, "demand_resume"), pn;
    size_t     i;

    pn = render_node(root, "procedure");
    render_attr(pn, "key", key);
    render_attr(pn, "title", def->title.n ? dv_text(r, &def->title) : key);
    for (i = 0; i < n; i++) {
        xmlNodePtr dn = render_node(pn, "draft");

        render_attr(dn, "id", rows[i].id);
        render_attr(dn, "reference", rows[i].reference);
        render_attr(dn, "updated", rows[i].updated);
        if (rows[i].expires != NULL)
            render_attr(dn, "expires", rows[i].expires);
    }
    dp_no_store(r);
    return render_finish(r, 200);
}

static int
h_demand_start(req_t *r)
{
    const char      *key = req_param(r, "workflow");
    const wf_def_t  *def;
    const wf_state_t *init;
    wf_demand_t     *d;
    const principal_t *who;
    wf_page_t      **pages;
    size_t           np;
    int              ver, rc;

    if (key == NULL || !route_word_ok(key))
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no such procedure");
    if ((def = wf_store_current(&r->err, key, &ver)) == NULL)
        return r->err.code == EN_NOTFOUND
               ? en_set(&r->err, EN_NOTFOUND, "err.notfound", "no such procedure") : r->err.code;
    who = principal_of(r);
    if (req_param_int(r, "new", 0) == 0) {       /* declared: 0..1 */
        drafts_row_t *open;
        size_t        nopen;

        if ((rc = drafts_open(r->pool, &r->err, who, key, &open, &nopen)) != EN_OK)
            return rc;
        if (nopen > 0)
            return render_resume(r, def, key, open, nopen);
    }
    rc = wf_demand_create(r->pool, &r->err, who, key, &d);
    if (rc == EN_FORBIDDEN)
        return render_refused(r, def, key);
    if (rc != EN_OK)
        return rc;
    init = wf_state_find(def, d->state);
    pages = dv_edit_pages(r, init, d, &np);
    req_redirect(r, 303, np > 0
                 ? pool_printf(r->pool, "/demands/%s/page/%s", d->id, pages[0]->id)
                 : pool_printf(r->pool, "/demands/%s", d->id));
    return EN_OK;
}

/* --- GET /documents/<id> ----------------------------------------------------------------- */

/* Content-Disposition for a name the user chose: an ASCII fallback with
 * nothing that could break the header, and the UTF-8 name encoded. */
static const char *
disposition(pool_t *p, const char *name)
{
    buf_t       ascii, utf;
    const char *s;

    buf_init(&ascii, p);
    buf_init(&utf, p);
    buf_add(&ascii, "", 0);
    buf_add(&utf, "", 0);
    for (s = name; *s && ascii.len < 150; s++) {
        unsigned char c = (unsigned char) *s;

        buf_putc(&ascii, isalnum(c) || c == '.' || c == '-' || c == '_' || c == ' ' ? (char) c
                                                                                 : '_');
        if (isalnum(c) || c == '.' || c == '-' || c == '_')
            buf_putc(&utf, (char) c);
        else
            buf_printf(&utf, "%%%02X", c);
    }
    if (ascii.len == 0 || ascii.data[0] == '.')
        buf_puts(&ascii, "document");
    return pool_printf(p, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii.data,
                       utf.len ? utf.data : "document");
}

static int
h_document(req_t *r)
{
    const char    *id = req_path_param(r, "id"), *mime, *filename;
    unsigned char *bytes;
    size_t         n;
    int            rc;

    if ((rc = authz_check(r->pool, &r->err, principal_of(r),
                          AZ_VIEW_DOCUMENT, id, NULL)) != EN_OK)
        return rc;
    rc = wf_document_content(r->pool, &r->err, id, &filename, &bytes, &n);
    if (rc == EN_NOTFOUND)
        return route_not_found(r);
    if (rc != EN_OK)
        return rc;
    /* the type the bytes say, never the one the uploader claimed */
    mime = field_sniff_mime(bytes, n);
    r->status = 200;
    req_header(r, "Content-Disposition", disposition(r->pool, filename));
    req_header(r, "Cache-Control", "private, no-store");
    req_header(r, "X-Content-Type-Options", "nosniff");
    req_body(r, mime != NULL ? mime : "application/octet-stream", (const char *) bytes, n);
    return EN_OK;
}

/* after: the last demand of the previous page */
static const route_param_t bucket_params[] = {
    { "after", ROUTE_UUID, 0, 0, 0 },
    { NULL, 0, 0, 0, 0 }
};

/* new: 1 starts a new draft even when one is open (the resume choice) */
static const route_param_t start_params[] = {
    { "new", ROUTE_INT, 0, 1, 0 },
    { NULL, 0, 0, 0, 0 }
};

const route_t demand_routes[] = {
    { "GET", "/dashboard", "dashboard", h_dashboard, 0, NULL },
    { "GET", "/dashboard/{bucket:word}", "dashboard_bucket", h_dashboard_bucket, 0, bucket_params },
    { "POST", "/demands", "demand_start", h_demand_start, 0, start_params },
    { "GET", "/documents/{id:uuid}", "document", h_document, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
