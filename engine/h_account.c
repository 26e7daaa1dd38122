/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_account.c -- the routes of "Gérer mon compte" and "Mes relations":
 *
 *   GET  /account               personal data (from the provider, read-only,
 *                               and where to change it), contact e-mail per
 *                               context, links to the pages below
 *   POST /account/contacts      saves the contact e-mails
 *   GET  /account/preferences   which mails to receive (kinds that may be
 *                               turned off; those that may not, said so)
 *   POST /account/preferences   saves them
 *   POST /account/export        the person's data as a JSON download
 *   GET  /account/delete        what deletion removes and what the law keeps
 *   POST /account/delete        deletes (confirm=yes), ends the session
 *   GET  /relations             legal persons one acts for without a space
 *   POST /relations             adds one
 *   POST /relations/{id}/remove removes one
 *
 * Every request asks authz_check (AZ_MANAGE_ACCOUNT, AZ_MANAGE_RELATION)
 * first; the data and every change are account.c's.  Bad input: 422, the
 * page again with the message under its field and everything typed kept.
 * Pages: xslt/pages/account*.xsl, relations.xsl; texts:
 * xslt/i18n/account.xml.
 */
#include <string.h>
#include <time.h>

#include "account.h"
#include "authz.h"
#include "field.h"
#include "i18n.h"
#include "render.h"
#include "route.h"
#include "session.h"

/* --- shared pieces ----------------------------------------------------------- */

static int
may_manage(req_t *r)
{
    return authz_check(r->pool, &r->err, principal_of(r), AZ_MANAGE_ACCOUNT, NULL, NULL);
}

/* One input of a page, for xslt/form.xsl's field template. */
static xmlNodePtr
add_field(req_t *r, xmlNodePtr parent, const char *id, const char *label, const char *input,
          const char *value, const char *error, int required)
{
    xmlNodePtr f = render_node(parent, "field");

    render_attr(f, "id", id);
    render_attr(f, "name", id);
    render_attr(f, "label", label);
    render_attr(f, "input", input);
    render_attr(f, "value", value != NULL ? value : "");
    render_attr(f, "required", required ? "yes" : "no");
    if (error != NULL)
        render_attr(f, "error", error);
    return f;
}

/* The summary at the top of a refused page: one line per refused field. */
static void
add_error(req_t *r, xmlNodePtr root, int *count, const char *id, const char *label,
          const char *key)
{
    xmlNodePtr errs = NULL, n, e;
    char       buf[16];

    for (n = root->children; n != NULL; n = n->next)
        if (n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST "errors"))
            errs = n;
    if (errs == NULL)
        errs = render_node(root, "errors");
    e = render_node(errs, "error");
    render_attr(e, "href", pool_printf(r->pool, "#%s", id));
    render_attr(e, "label", label);
    render_attr(e, "key", key);
    (*count)++;
    snprintf(buf, sizeof(buf), "%d", *count);
    render_attr(errs, "count", buf);
}

/* Validates one typed value: NULL and *out the normalised value, or the
 * message key.  Text that is not UTF-8 is refused before anything else. */
static const char *
check(req_t *r, field_type_t t, size_t max, int required, const char *in, const char **out)
{
    field_rules_t  rules;
    field_result_t v;

    memset(&rules, 0, sizeof(rules));
    rules.required = required;
    rules.max_length = max;
    *out = in != NULL ? in : "";
    if (!field_utf8_ok(*out))
        return "field.utf8";
    v = field_validate(r->pool, t, &rules, *out);
    if (v.key != NULL)
        return v.key;
    *out = v.value;
    return NULL;
}

static const char *
msg(req_t *r, const char *key)
{
    return i18n_get(r->lang, key);
}

/* --- /account ------------------------------------------------------------------ */

/* The account page; typed/errors: what a refused POST sent back (NULL on
 * a GET), one per contact. */
static int
page_account(req_t *r, const account_t *a, const char *const *typed,
             const char *const *errors, int status)
{
    xmlNodePtr  root, acc, c, f;
    const char *done = req_param(r, "done");
    int         i, count = 0;
    char        n[16];

    root = render_begin(r, "account");
    acc = render_node(root, "account");
    render_attr(acc, "display-name", a->display_name);
    render_attr(acc, "given-name", a->given_name);
    render_attr(acc, "family-name", a->family_name);
    render_attr(acc, "email", a->email);
    render_attr(acc, "assurance", a->assurance);
    render_attr(acc, "providers", a->providers);
    render_attr(acc, "since", a->created_at);
    snprintf(n, sizeof(n), "%d", a->filed);
    render_attr(acc, "filed", n);
    if (status == 200 && done != NULL && route_word_ok(done))
        render_attr(acc, "done", done);
    c = render_node(root, "contacts");
    for (i = 0; i < a->ncontacts; i++) {
        const char *id = pool_printf(r->pool, "contact-%d", i);
        const char *label = a->contacts[i].space_id == NULL
                            ? msg(r, "account.contact.personal")
                            : i18n_fmt(r->pool, r->lang, "account.contact.space",
                                       a->contacts[i].name);

        f = add_field(r, c, id, label, "email",
                      typed != NULL ? typed[i] : a->contacts[i].email,
                      errors != NULL ? errors[i] : NULL, 0);
        render_attr(f, "autocomplete", "email");
        render_attr(f, "hint", "account.contact.hint");
        if (errors != NULL && errors[i] != NULL)
            add_error(r, root, &count, id, label, errors[i]);
    }
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, status);
}

static int
h_account(req_t *r)
{
    account_t *a;
    int        rc;

    if ((rc = may_manage(r)) != EN_OK)
        return rc;
    if ((rc = account_load(r->pool, &r->err, r->session->person_id, &a)) != EN_OK)
        return rc;
    return page_account(r, a, NULL, NULL, 200);
}

static int
h_account_contacts(req_t *r)
{
    account_t   *a;
    const char **typed, **errors, **clean;
    int          rc, i, bad = 0;

    if ((rc = may_manage(r)) != EN_OK)
        return rc;
    if ((rc = account_load(r->pool, &r->err, r->session->person_id, &a)) != EN_OK)
        return rc;
    typed = pool_calloc(r->pool, (size_t) a->ncontacts * sizeof(*typed));
    errors = pool_calloc(r->pool, (size_t) a->ncontacts * sizeof(*errors));
    clean = pool_calloc(r->pool, (size_t) a->ncontacts * sizeof(*clean));
    for (i = 0; i < a->ncontacts; i++) {
        const char *v = req_param(r, pool_printf(r->pool, "contact-%d", i));

        typed[i] = v != NULL ? v : "";
        errors[i] = check(r, FIELD_EMAIL, 320, 0, typed[i], &clean[i]);
        if (errors[i] != NULL) {
            bad = 1;
            if (!strcmp(errors[i], "field.utf8"))
                typed[i] = "";            /* not UTF-8: cannot be shown back */
        }
    }
    if (bad)
        return page_account(r, a, typed, errors, 422);
    if ((rc = account_save_contacts(r->pool, &r->err, principal_of(r), a, clean)) != EN_OK)
        return rc;
    req_redirect(r, 303, "/account?done=contacts");
    return EN_OK;
}

/* --- /account/preferences ---------------------------------------------------------- */

static int
h_prefs(req_t *r)
{
    account_t  *a;
    xmlNodePtr  root, pr, k;
    const char *done = req_param(r, "done");
    int         rc, i;

    if ((rc = may_manage(r)) != EN_OK)
        return rc;
    if ((rc = account_load(r->pool, &r->err, r->session->person_id, &a)) != EN_OK)
        return rc;
    root = render_begin(r, "account_prefs");
    pr = render_node(root, "prefs");
    if (done != NULL && !strcmp(done, "saved"))
        render_attr(pr, "done", "saved");
    for (i = 0; i < ACCOUNT_NKINDS; i++) {
        k = render_node(pr, "kind");
        render_attr(k, "name", account_mail_kinds[i]);
        if (a->mail_on[i])
            render_attr(k, "on", "yes");
    }
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, 200);
}

static int
h_prefs_save(req_t *r)
{
    int on[ACCOUNT_NKINDS], i, rc;

    if ((rc = may_manage(r)) != EN_OK)
        return rc;
    for (i = 0; i < ACCOUNT_NKINDS; i++) {
        const char *v = req_param(r, account_mail_kinds[i]);

        if (v != NULL && strcmp(v, "on") != 0)
            return en_set(&r->err, EN_BADINPUT, "err.bad_request", "%s: not a box's value",
                          account_mail_kinds[i]);
        on[i] = v != NULL;
    }
    if ((rc = account_save_prefs(r->pool, &r->err, principal_of(r), on)) != EN_OK)
        return rc;
    req_redirect(r, 303, "/account/preferences?done=saved");
    return EN_OK;
}

/* --- export --------------------------------------------------------------------- */

static int
h_export(req_t *r)
{
    const char *json;
    char        day[16];
    time_t      now = time(NULL);
    struct tm   tm;
    int         rc;

    if ((rc = may_manage(r)) != EN_OK)
        return rc;
    if ((rc = account_export(r->pool, &r->err, principal_of(r), &json)) != EN_OK)
        return rc;
    gmtime_r(&now, &tm);
    strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    r->status = 200;
    req_header(r, "Content-Disposition",
               pool_printf(r->pool, "attachment; filename=\"guichet-mes-donnees-%s.json\"", day));
    req_header(r, "Cache-Control", "private, no-store");
    req_header(r, "X-Content-Type-Options", "nosniff");
    req_body(r, "application/json; charset=utf-8", json, strlen(json));
    return EN_OK;
}

/* --- deletion ------------------------------------------------------------------- */

static int
page_delete(req_t *r, const char *error, int status)
{
    account_t *a;
    xmlNodePtr root, d, f, o;
    char       n[16];
    int        rc, count = 0;

    if ((rc = account_load(r->pool, &r->err, r->session->person_id, &a)) != EN_OK)
        return rc;
    root = render_begin(r, "account_delete");
    d = render_node(root, "delete");
    snprintf(n, sizeof(n), "%d", a->filed);
    render_attr(d, "filed", n);
    snprintf(n, sizeof(n), "%d", a->drafts);
    render_attr(d, "drafts", n);
    f = add_field(r, d, "confirm", msg(r, "account.delete.confirm"), "checkbox", "", error, 1);
    o = render_node(f, "option");
    render_attr(o, "value", "yes");
    render_attr(o, "label", msg(r, "account.delete.confirm_box"));
    if (error != NULL)
        add_error(r, root, &count, "confirm", msg(r, "account.delete.confirm"), error);
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, status);
}

static int
h_delete_page(req_t *r)
{
    int rc;

    if ((rc = may_manage(r)) != EN_OK)
        return rc;
    return page_delete(r, NULL, 200);
}

static int
h_delete(req_t *r)
{
    const char *confirm = req_param(r, "confirm");
    int         rc, drafts = 0, kept = 0;
    char        n[16];
    xmlNodePtr  root, d;

    if ((rc = may_manage(r)) != EN_OK)
        return rc;
    if (confirm == NULL || strcmp(confirm, "yes") != 0)
        return page_delete(r, "account.delete.not_confirmed", 422);
    rc = account_delete(r->pool, &r->err, principal_of(r), &drafts, &kept);
    if (rc == EN_BADINPUT)
        return page_delete(r, pool_strdup(r->pool, r->err.msg), 422);
    if (rc != EN_OK)
        return rc;
    /* the sessions are gone in the database: forget the cookie too */
    if ((rc = session_close(r)) != EN_OK)
        return rc;
    root = render_begin(r, "account_delete");
    d = render_node(root, "deleted");
    snprintf(n, sizeof(n), "%d", drafts);
    render_attr(d, "drafts", n);
    snprintf(n, sizeof(n), "%d", kept);
    render_attr(d, "kept", n);
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, 200);
}

/* --- relations -------------------------------------------------------------------- */

static const struct {
    const char  *name, *label;
    field_type_t type;
    size_t       max;
    int          required;
} relation_fields[] = {
    { "name", "account.relation.name", FIELD_TEXT, 300, 1 },
    { "ide", "account.relation.ide", FIELD_IDE, 0, 0 },
    { "street", "account.relation.street", FIELD_TEXT, 200, 1 },
    { "postcode", "account.relation.postcode", FIELD_NPA, 0, 1 },
    { "locality", "account.relation.locality", FIELD_TEXT, 100, 1 },
};
#define NRELF (sizeof(relation_fields) / sizeof(relation_fields[0]))

static int
page_relations(req_t *r, const char *const *typed, const char *const *errors, int status)
{
    account_relation_t *rel;
    xmlNodePtr          root, list, e, form, f;
    const char         *done = req_param(r, "done");
    int                 n, i, rc, count = 0;
    size_t              k;

    if ((rc = account_relations(r->pool, &r->err, r->session->person_id, &rel, &n)) != EN_OK)
        return rc;
    root = render_begin(r, "relations");
    list = render_node(root, "relations");
    if (status == 200 && done != NULL && (!strcmp(done, "added") || !strcmp(done, "removed")))
        render_attr(list, "done", done);
    for (i = 0; i < n; i++) {
        e = render_node(list, "relation");
        render_attr(e, "id", rel[i].id);
        render_attr(e, "name", rel[i].name);
        render_attr(e, "ide", rel[i].ide);
        render_attr(e, "street", rel[i].street);
        render_attr(e, "postcode", rel[i].postcode);
        render_attr(e, "locality", rel[i].locality);
    }
    form = render_node(root, "add");
    for (k = 0; k < NRELF; k++) {
        const char *id = relation_fields[k].name;
        const char *label = msg(r, relation_fields[k].label);

        f = add_field(r, form, id, label, "text", typed != NULL ? typed[k] : "",
                      errors != NULL ? errors[k] : NULL, relation_fields[k].required);
        if (relation_fields[k].type == FIELD_IDE) {
            render_attr(f, "hint", "account.relation.ide_hint");
            render_attr(f, "type", "ide");
        }
        if (relation_fields[k].type == FIELD_NPA)
            render_attr(f, "inputmode", "numeric");
        if (errors != NULL && errors[k] != NULL)
            add_error(r, root, &count, id, label, errors[k]);
    }
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, status);
}

static int
h_relations(req_t *r)
{
    int rc;

    if ((rc = may_manage(r)) != EN_OK)
        return rc;
    return page_relations(r, NULL, NULL, 200);
}

static int
h_relation_add(req_t *r)
{
    const char        *typed[NRELF], *errors[NRELF], *clean[NRELF];
    account_relation_t rel;
    size_t             k;
    int                rc, bad = 0;

    if ((rc = may_manage(r)) != EN_OK)
        return rc;
    for (k = 0; k < NRELF; k++) {
        const char *v = req_param(r, relation_fields[k].name);

        typed[k] = v != NULL ? v : "";
        errors[k] = check(r, relation_fields[k].type, relation_fields[k].max,
                          relation_fields[k].required, typed[k], &clean[k]);
        if (errors[k] != NULL) {
            bad = 1;
            if (!strcmp(errors[k], "field.utf8"))
                typed[k] = "";
        }
    }
    if (bad)
        return page_relations(r, typed, errors, 422);
    rel.id = NULL;
    rel.name = clean[0];
    rel.ide = *clean[1] ? clean[1] : NULL;
    rel.street = clean[2];
    rel.postcode = clean[3];
    rel.locality = clean[4];
    if ((rc = account_relation_add(r->pool, &r->err, principal_of(r), &rel)) != EN_OK)
        return rc;
    req_redirect(r, 303, "/relations?done=added");
    return EN_OK;
}

static int
h_relation_remove(req_t *r)
{
    const char *id = req_path_param(r, "id");
    int         rc;

    if ((rc = authz_check(r->pool, &r->err, principal_of(r), AZ_MANAGE_RELATION, id,
                          NULL)) != EN_OK)
        return rc;
    if ((rc = account_relation_remove(r->pool, &r->err, principal_of(r), id)) != EN_OK)
        return rc;
    req_redirect(r, 303, "/relations?done=removed");
    return EN_OK;
}

/* done: which change the page confirms (a word: the redirect's own) */
static const route_param_t done_params[] = {
    { "done", ROUTE_WORD, 0, 0, 0 },
    { NULL, 0, 0, 0, 0 }
};

const route_t account_routes[] = {
    { "GET", "/account", "account", h_account, 0, done_params },
    { "POST", "/account/contacts", "account_contacts", h_account_contacts, 0, NULL },
    { "GET", "/account/preferences", "account_prefs", h_prefs, 0, done_params },
    { "POST", "/account/preferences", "account_prefs_save", h_prefs_save, 0, NULL },
    { "POST", "/account/export", "account_export", h_export, 0, NULL },
    { "GET", "/account/delete", "account_delete_page", h_delete_page, 0, NULL },
    { "POST", "/account/delete", "account_delete", h_delete, 0, NULL },
    { "GET", "/relations", "relations", h_relations, 0, done_params },
    { "POST", "/relations", "relation_add", h_relation_add, 0, NULL },
    { "POST", "/relations/{id:uuid}/remove", "relation_remove", h_relation_remove, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
