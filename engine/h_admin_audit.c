/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_admin_audit.c -- the administrators' audit search, read-only:
 *
 *   GET /admin/audit?q=&from=&to=     q: a demand's reference, an IDE number
 *                                     or an e-mail address (nothing: the
 *                                     latest changes); from, to: dates
 *
 * authz_check(AZ_ADMIN) first; the search is audit.c's.  What was typed
 * and is not understood is said next to its field, the rest kept.  No SQL
 * here.  Page: xslt/pages/admin_audit.xsl, texts in xslt/i18n/audit.xml.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "audit.h"
#include "authz.h"
#include "field.h"
#include "render.h"
#include "route.h"
#include "session.h"

/* A date as typed (YYYY-MM-DD from a date input, or 31.12.2026), in
 * ISO form; NULL with *bad set when it is not a date. */
static const char *
date_param(req_t *r, const char *name, int *bad)
{
    const char    *v = req_param(r, name);
    field_rules_t  rules;
    field_result_t res;

    if (v == NULL || *v == '\0')
        return NULL;
    memset(&rules, 0, sizeof(rules));
    res = field_validate(r->pool, FIELD_DATE, &rules, v);
    if (res.key != NULL || res.value == NULL || *res.value == '\0') {
        *bad = 1;
        return NULL;
    }
    return res.value;
}

static int
h_admin_audit(req_t *r)
{
    const char *q = req_param(r, "q"), *kind, *value = "", *from, *to;
    int         bad_from = 0, bad_to = 0, rc;
    json_t     *found = NULL, *e;
    xmlNodePtr  root, list;
    size_t      i;

    if ((rc = authz_check(r->pool, &r->err, principal_of(r), AZ_ADMIN, NULL, NULL)) != EN_OK)
        return rc;
    if (q != NULL && (!field_utf8_ok(q) || field_utf8_count(q) > 320))
        q = NULL, kind = NULL;
    else
        kind = audit_kind(r->pool, q, &value);
    from = date_param(r, "from", &bad_from);
    to = date_param(r, "to", &bad_to);
    if (kind != NULL && !bad_from && !bad_to
        && (found = audit_search(r->pool, &r->err, kind, value, from, to)) == NULL)
        return r->err.code;
    root = render_begin(r, "admin_audit");
    if (q != NULL)
        render_attr(root, "q", q);
    if (from != NULL || (req_param(r, "from") && field_utf8_ok(req_param(r, "from"))))
        render_attr(root, "from", from ? from : req_param(r, "from"));
    if (to != NULL || (req_param(r, "to") && field_utf8_ok(req_param(r, "to"))))
        render_attr(root, "to", to ? to : req_param(r, "to"));
    if (kind == NULL)
        render_attr(render_node(root, "error"), "field", "q");
    if (bad_from)
        render_attr(render_node(root, "error"), "field", "from");
    if (bad_to)
        render_attr(render_node(root, "error"), "field", "to");
    if (found != NULL) {
        render_attr(root, "kind", kind);
        render_attr(root, "found", json_is_true(json_object_get(found, "found")) ? "yes" : "no");
        list = render_node(root, "entries");
        json_array_foreach(json_object_get(found, "entries"), i, e) {
            xmlNodePtr  n = render_node(list, "entry");
            const char *k;
            json_t     *v;

            json_object_foreach(e, k, v) {
                if (json_is_string(v))
                    render_attr(n, k, json_string_value(v));
                else if (json_is_object(v) && json_object_size(v) > 0) {
                    const char *dk;
                    json_t     *dv;

                    json_object_foreach(v, dk, dv) {
                        char *text = json_is_string(dv)
                            ? (char *) json_string_value(dv)
                            : json_dumps(dv, JSON_COMPACT | JSON_ENCODE_ANY);
                        xmlNodePtr d = render_text(n, "detail", text ? text : "");

                        render_attr(d, "key", dk);
                        if (!json_is_string(dv))
                            free(text);
                    }
                }
            }
        }
    }
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, kind == NULL || bad_from || bad_to ? 422 : 200);
}

const route_t admin_audit_routes[] = {
    { "GET", "/admin/audit", "admin_audit", h_admin_audit, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
