/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_wallet.c -- the pages of the document wallet ("porte-documents"):
 *
 *   GET  /wallet                       the active context's wallet (name,
 *                                      category, size, date; download, rename,
 *                                      delete), the upload form, and apart the
 *                                      documents received on its demands
 *   POST /wallet                       adds a file (multipart: file, name,
 *                                      category); the same bytes already there:
 *                                      "déjà dans votre porte-documents"
 *   POST /wallet/{id:uuid}             renames / recategorises one
 *   POST /wallet/{id:uuid}/delete      deletes one (not when a copy went with
 *                                      a filed demand: the page says which)
 *
 * Downloads are GET /documents/<id> (h_demand.c, AZ_VIEW_DOCUMENT).  The
 * handlers hold no SQL and no rule: wallet.c asks authz and owns the data.
 * Page: xslt/pages/wallet.xsl, texts xslt/i18n/wallet.xml.
 */
#include <string.h>

#include "demand_view.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wallet.h"

/* What a page shows besides the lists: a notice, the refused form. */
typedef struct {
    const char             *notice;      /* wallet.done.* key, or NULL */
    const char             *notice_arg;
    int                     notice_error;
    const char             *form_id;     /* "upload" or a document id */
    const char             *name, *category;
    const wf_field_error_t *errors;
    int                     nerrors;
} wallet_back_t;

static void
doc_node(req_t *r, xmlNodePtr parent, const wallet_doc_t *d, const wallet_back_t *b)
{
    xmlNodePtr n = render_node(parent, "doc");

    render_attr(n, "id", d->id);
    render_attr(n, "name", d->filename);
    render_attr(n, "category", d->category ? d->category : "");
    render_attr(n, "size-kb", pool_printf(r->pool, "%ld", (d->size + 1023) / 1024));
    render_attr(n, "date", d->created_at);
    if (d->reference != NULL) {
        render_attr(n, "demand", d->demand_id);
        render_attr(n, "reference", d->reference);
    }
    if (b != NULL && b->form_id != NULL && !strcmp(b->form_id, d->id)) {
        int i;

        render_attr(n, "open", "yes");
        render_attr(n, "edit-name", b->name ? b->name : "");
        render_attr(n, "edit-category", b->category ? b->category : "");
        for (i = 0; i < b->nerrors; i++) {
            xmlNodePtr e = render_node(n, "error");

            render_attr(e, "field", b->errors[i].field);
            render_attr(e, "key", b->errors[i].key);
            render_attr(e, "arg", b->errors[i].arg ? b->errors[i].arg : "");
        }
    }
}

static int
wallet_page(req_t *r, int status, const wallet_back_t *b)
{
    const principal_t *who = principal_of(r);
    wallet_doc_t      *docs, *recv;
    size_t             n, nr, i;
    xmlNodePtr         root, list, up;
    int                rc;

    if ((rc = wallet_list(r->pool, &r->err, who, NULL, &docs, &n)) != EN_OK)
        return rc;
    if ((rc = wallet_received(r->pool, &r->err, who, &recv, &nr)) != EN_OK)
        return rc;
    root = render_begin(r, "wallet");
    list = render_node(root, "categories");
    for (i = 0; wallet_categories[i] != NULL; i++)
        render_attr(render_node(list, "category"), "key", wallet_categories[i]);
    list = render_node(root, "documents");
    for (i = 0; i < n; i++)
        doc_node(r, list, &docs[i], b);
    list = render_node(root, "received");
    for (i = 0; i < nr; i++)
        doc_node(r, list, &recv[i], NULL);
    up = render_node(root, "upload");
    render_attr(up, "max-size-mb", pool_printf(r->pool, "%zu", WALLET_MAX_SIZE >> 20));
    if (b != NULL && b->form_id != NULL && !strcmp(b->form_id, "upload")) {
        int j;

        render_attr(up, "name", b->name ? b->name : "");
        render_attr(up, "category", b->category ? b->category : "");
        for (j = 0; j < b->nerrors; j++) {
            xmlNodePtr e = render_node(up, "error");

            render_attr(e, "field", b->errors[j].field);
            render_attr(e, "key", b->errors[j].key);
            render_attr(e, "arg", b->errors[j].arg ? b->errors[j].arg : "");
        }
    }
    if (b != NULL && b->notice != NULL) {
        xmlNodePtr nn = render_node(root, "notice");

        render_attr(nn, "key", b->notice);
        render_attr(nn, "arg", b->notice_arg ? b->notice_arg : "");
        if (b->notice_error)
            render_attr(nn, "error", "yes");
    }
    req_header(r, "Cache-Control", "private, no-store");
    return render_finish(r, status);
}

static const char *const done_keys[] = { "added", "updated", "deleted", NULL };

static int
h_wallet(req_t *r)
{
    wallet_back_t b;
    const char   *done = req_param(r, "done");
    int           i;

    memset(&b, 0, sizeof(b));
    for (i = 0; done != NULL && done_keys[i] != NULL; i++)
        if (!strcmp(done, done_keys[i]))
            b.notice = pool_printf(r->pool, "wallet.done.%s", done);
    return wallet_page(r, 200, &b);
}

static const upload_t *
upload_named(const upload_t *list, const char *name)
{
    for (; list != NULL; list = list->next)
        if (!strcmp(list->field, name) && list->len > 0)
            return list;
    return NULL;
}

static int
h_wallet_upload(req_t *r)
{
    wallet_add_t  out;
    wallet_back_t b;
    const char   *name = req_param(r, "name"), *cat = req_param(r, "category");
    int           rc;

    rc = wallet_add(r->pool, &r->err, principal_of(r), upload_named(r->uploads, "file"),
                    name, cat, &out);
    memset(&b, 0, sizeof(b));
    if (rc == EN_BADINPUT && out.nerrors > 0) {
        en_clear(&r->err);
        b.form_id = "upload";
        b.name = name;
        b.category = cat;
        b.errors = out.errors;
        b.nerrors = out.nerrors;
        return wallet_page(r, 422, &b);
    }
    if (rc != EN_OK)
        return rc;
    if (out.duplicate) {
        b.notice = "wallet.done.duplicate";
        b.notice_arg = out.existing;
        return wallet_page(r, 200, &b);
    }
    req_redirect(r, 303, "/wallet?done=added");
    return EN_OK;
}

static int
h_wallet_update(req_t *r)
{
    const char       *id = req_path_param(r, "id");
    const char       *name = req_param(r, "name"), *cat = req_param(r, "category");
    wf_field_error_t *errs;
    wallet_back_t     b;
    int               nerrs, rc;

    rc = wallet_update(r->pool, &r->err, principal_of(r), id, name, cat, &errs, &nerrs);
    if (rc == EN_BADINPUT && nerrs > 0) {
        en_clear(&r->err);
        memset(&b, 0, sizeof(b));
        b.form_id = id;
        b.name = name;
        b.category = cat;
        b.errors = errs;
        b.nerrors = nerrs;
        return wallet_page(r, 422, &b);
    }
    if (rc != EN_OK)
        return rc;
    req_redirect(r, 303, "/wallet?done=updated");
    return EN_OK;
}

static int
h_wallet_delete(req_t *r)
{
    const char   *ref;
    wallet_back_t b;
    int           rc;

    rc = wallet_delete(r->pool, &r->err, principal_of(r), req_path_param(r, "id"), &ref);
    if (rc == EN_CONFLICT && !strcmp(r->err.key, "wallet.delete.filed")) {
        en_clear(&r->err);
        memset(&b, 0, sizeof(b));
        b.notice = "wallet.delete.filed";
        b.notice_arg = ref;
        b.notice_error = 1;
        return wallet_page(r, 409, &b);
    }
    if (rc != EN_OK)
        return rc;
    req_redirect(r, 303, "/wallet?done=deleted");
    return EN_OK;
}

/* done: what the 303 after a change says (added, updated, deleted) */
static const route_param_t wallet_params[] = {
    { "done", ROUTE_WORD, 0, 0, 0 },
    { NULL, 0, 0, 0, 0 }
};

const route_t wallet_routes[] = {
    { "GET", "/wallet", "wallet", h_wallet, 0, wallet_params },
    { "POST", "/wallet", "wallet_upload", h_wallet_upload, 0, NULL },
    { "POST", "/wallet/{id:uuid}", "wallet_update", h_wallet_update, 0, NULL },
    { "POST", "/wallet/{id:uuid}/delete", "wallet_delete", h_wallet_delete, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
