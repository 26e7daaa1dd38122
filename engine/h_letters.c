/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_letters.c -- the print queue of the agents who print and post letters
 * (the configuration's letters_group, "Centrale d'impression"):
 *
 *   GET  /agent/letters                 the letters not yet sent: reference,
 *                                       kind of letter, recipient, created,
 *                                       status (a failed one with its error),
 *                                       each PDF, checkboxes to mark sent
 *   GET  /agent/letters/{id:int}/pdf    one letter's PDF
 *   GET  /agent/letters/print.pdf       the print run: every rendered letter
 *                                       not yet sent, joined in one PDF
 *   POST /agent/letters/sent            "marquer comme envoyé", the letters
 *                                       ticked (letter=ID, repeated)
 *   POST /agent/letters/{id:int}/sent   the same for one letter
 *
 * Every door asks authz_check(AZ_PRINT_LETTERS) (object: the letter, or
 * NULL for the queue; arg: the print group).  The data is letters.c's; the
 * page is xslt/pages/letters.xsl, its words xslt/i18n/letters.xml.
 */
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "demand_view.h"
#include "letters.h"
#include "render.h"
#include "route.h"
#include "session.h"

static int
may_print(req_t *r, const char *letter)
{
    return authz_check(r->pool, &r->err, principal_of(r), AZ_PRINT_LETTERS, letter,
                       r->cfg->letters_group);
}

static void
attr_of(req_t *r, xmlNodePtr n, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    if (json_is_string(v))
        render_attr(n, key, json_string_value(v));
    else if (json_is_integer(v))
        render_attr(n, key, pool_printf(r->pool, "%lld", (long long) json_integer_value(v)));
}

/* --- GET /agent/letters ---------------------------------------------------------- */

static const route_param_t queue_params[] = {
    { "sent", ROUTE_INT, 0, 100000, 0 },
    { NULL, 0, 0, 0, 0 }
};

static int
h_letters(req_t *r)
{
    json_t    *q, *l;
    xmlNodePtr root, ls;
    size_t     i, rendered = 0;
    int        rc;

    if ((rc = may_print(r, NULL)) != EN_OK)
        return rc;
    if ((q = letters_queue(r->pool, &r->err)) == NULL)
        return r->err.code;
    root = render_begin(r, "letters");
    if (req_param(r, "sent") != NULL) {
        xmlNodePtr n = render_node(root, "notice");

        render_attr(n, "sent", req_param(r, "sent"));
    }
    ls = render_node(root, "letters");
    json_array_foreach(q, i, l) {
        xmlNodePtr n = render_node(ls, "letter");
        static const char *const keys[] = { "id", "reference", "demand", "template",
                                            "recipient", "locality", "created", "rendered",
                                            "status", "attempts", "error", NULL };
        size_t k;

        for (k = 0; keys[k] != NULL; k++)
            attr_of(r, n, l, keys[k]);
        if (!strcmp(dv_jstr(l, "status", ""), "rendered"))
            rendered++;
    }
    render_attr(ls, "count", pool_printf(r->pool, "%zu", json_array_size(q)));
    render_attr(ls, "rendered", pool_printf(r->pool, "%zu", rendered));
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, 200);
}

/* --- PDFs ------------------------------------------------------------------------ */

static void
send_pdf(req_t *r, const char *filename, const unsigned char *bytes, size_t n)
{
    r->status = 200;
    req_header(r, "Content-Disposition",
               pool_printf(r->pool, "attachment; filename=\"%s\"", filename));
    req_header(r, "Cache-Control", "private, no-store");
    req_header(r, "X-Content-Type-Options", "nosniff");
    req_body(r, "application/pdf", (const char *) bytes, n);
}

/* A safe download name: what the job wrote (template-reference.pdf) keeps
 * only [A-Za-z0-9._-]. */
static const char *
plain_name(req_t *r, const char *s)
{
    char  *o = pool_strdup(r->pool, s != NULL && *s ? s : "lettre.pdf");
    char  *c;

    for (c = o; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
              || *c == '.' || *c == '-' || *c == '_'))
            *c = '_';
    return o;
}

static int
h_letter_pdf(req_t *r)
{
    const char    *id = req_path_param(r, "id"), *filename;
    unsigned char *bytes;
    size_t         n;
    int            rc;

    if ((rc = may_print(r, id)) != EN_OK)
        return rc;
    rc = letters_pdf(r->pool, &r->err, strtoll(id, NULL, 10), &filename, &bytes, &n);
    if (rc == EN_NOTFOUND)
        return route_not_found(r);
    if (rc != EN_OK)
        return rc;
    send_pdf(r, plain_name(r, filename), bytes, n);
    return EN_OK;
}

static int
h_letters_print_run(req_t *r)
{
    unsigned char *bytes;
    size_t         n;
    int            rc, count;

    if ((rc = may_print(r, NULL)) != EN_OK)
        return rc;
    rc = letters_print_run(r->pool, &r->err, r->cfg, &bytes, &n, &count);
    if (rc == EN_NOTFOUND)
        return route_not_found(r);
    if (rc != EN_OK)
        return rc;
    req_header(r, "X-Letters-Count", pool_printf(r->pool, "%d", count));
    send_pdf(r, "lettres.pdf", bytes, n);
    return EN_OK;
}

/* --- marquer comme envoyé ------------------------------------------------------------ */

static int
mark(req_t *r, const long long *ids, size_t n)
{
    int sent = 0, rc;

    if ((rc = letters_mark_sent(r->pool, &r->err, principal_of(r), r->cfg->letters_group,
                                ids, n, r->request_id, &sent)) != EN_OK)
        return rc;
    req_redirect(r, 303, pool_printf(r->pool, "/agent/letters?sent=%d", sent));
    return EN_OK;
}

static int
h_letter_sent(req_t *r)
{
    const char *id = req_path_param(r, "id");
    long long   one;
    int         rc;

    if ((rc = may_print(r, id)) != EN_OK)
        return rc;
    one = strtoll(id, NULL, 10);
    return mark(r, &one, 1);
}

/* The ticked letters: letter=ID, as often as there are boxes.  A value
 * that is not a letter number is a bad request. */
static int
h_letters_sent(req_t *r)
{
    const kv_t *kv;
    long long  *ids;
    size_t      n = 0, cap = 0;
    int         rc;

    if ((rc = may_print(r, NULL)) != EN_OK)
        return rc;
    for (kv = r->form; kv != NULL; kv = kv->next)
        if (!strcmp(kv->name, "letter"))
            cap++;
    ids = pool_alloc(r->pool, sizeof(*ids) * (cap + 1));
    for (kv = r->form; kv != NULL; kv = kv->next) {
        char *end;

        if (strcmp(kv->name, "letter") != 0)
            continue;
        ids[n] = strtoll(kv->value, &end, 10);
        if (*kv->value == '\0' || *end != '\0' || ids[n] <= 0 || strlen(kv->value) > 18)
            return en_set(&r->err, EN_BADINPUT, "err.bad_param", "letter");
        n++;
    }
    if (n == 0) {
        req_redirect(r, 303, "/agent/letters?sent=0");
        return EN_OK;
    }
    return mark(r, ids, n);
}

const route_t letters_routes[] = {
    { "GET", "/agent/letters", "letters_queue", h_letters, 0, queue_params },
    { "GET", "/agent/letters/print.pdf", "letters_print_run", h_letters_print_run, 0, NULL },
    { "GET", "/agent/letters/{id:int}/pdf", "letter_pdf", h_letter_pdf, 0, NULL },
    { "POST", "/agent/letters/sent", "letters_sent", h_letters_sent, 0, NULL },
    { "POST", "/agent/letters/{id:int}/sent", "letter_sent", h_letter_sent, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
