/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_admin_ops.c -- the administrators' incidents page:
 *
 *   GET  /admin/incidents                          the scheduler's, the
 *                                                  mailer's and the letters
 *                                                  job's health; timers, mails
 *                                                  and letters failed for good
 *   POST /admin/incidents/<kind>/<id>/<action>     kind timer|mail|letter,
 *                                                  action retry|cancel
 *
 * Every route asks authz_check(AZ_ADMIN) first; the data and the acts are
 * ops.c's (each act kept in admin_events).  No SQL here.  Page:
 * xslt/pages/admin_incidents.xsl, texts in xslt/i18n/ops.xml.
 */
#include <string.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "authz.h"
#include "log.h"
#include "ops.h"
#include "render.h"
#include "route.h"
#include "session.h"

static int
admin_only(req_t *r)
{
    return authz_check(r->pool, &r->err, principal_of(r), AZ_ADMIN, NULL, NULL);
}

/* Every member of o as an attribute of a new element name under parent
 * (strings and numbers; booleans as yes/no). */
static void
object_node(req_t *r, xmlNodePtr parent, const char *name, json_t *o)
{
    xmlNodePtr  n = render_node(parent, name);
    const char *k;
    json_t     *v;

    json_object_foreach(o, k, v) {
        if (json_is_string(v))
            render_attr(n, k, json_string_value(v));
        else if (json_is_integer(v))
            render_attr(n, k, pool_printf(r->pool, "%lld", (long long) json_integer_value(v)));
        else if (json_is_boolean(v))
            render_attr(n, k, json_is_true(v) ? "yes" : "no");
    }
}

static int
page(req_t *r, const char *notice, int status)
{
    json_t    *inc, *health, *v;
    xmlNodePtr root, list;
    size_t     i;

    if ((inc = ops_incidents(r->pool, &r->err)) == NULL
        || (health = ops_health(r->pool, &r->err)) == NULL)
        return r->err.code;
    root = render_begin(r, "admin_incidents");
    /* after an act (a POST to /admin/incidents/KIND/ID/ACTION) the page is
     * still /admin/incidents: its language links lead there, not to the
     * act's address, which takes no GET */
    render_attr(root, "path", "/admin/incidents");
    if (notice != NULL)
        render_attr(root, "notice", notice);
    object_node(r, root, "health", health);
    list = render_node(root, "timers");
    render_attr(list, "n", pool_printf(r->pool, "%lld",
                (long long) json_integer_value(json_object_get(inc, "n_timers"))));
    json_array_foreach(json_object_get(inc, "timers"), i, v)
        object_node(r, list, "timer", v);
    list = render_node(root, "mails");
    render_attr(list, "n", pool_printf(r->pool, "%lld",
                (long long) json_integer_value(json_object_get(inc, "n_mails"))));
    json_array_foreach(json_object_get(inc, "mails"), i, v)
        object_node(r, list, "mail", v);
    list = render_node(root, "letters");
    render_attr(list, "n", pool_printf(r->pool, "%lld",
                (long long) json_integer_value(json_object_get(inc, "n_letters"))));
    json_array_foreach(json_object_get(inc, "letters"), i, v)
        object_node(r, list, "letter", v);
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, status);
}

static int
h_admin_incidents(req_t *r)
{
    int rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    return page(r, NULL, 200);
}

static int
h_admin_incident_act(req_t *r)
{
    const char *kind = req_path_param(r, "kind"), *action = req_path_param(r, "action");
    const char *id = req_path_param(r, "id");
    int         rc;

    if ((rc = admin_only(r)) != EN_OK)
        return rc;
    rc = ops_incident_act(r->pool, &r->err, kind, id, action, principal_of(r)->person_id,
                          r->request_id);
    if (rc == EN_NOTFOUND && !strcmp(r->err.key, "ops.gone"))
        return page(r, "ops.gone", 409);
    if (rc != EN_OK)
        return rc;
    log_event(LOG_INFO, "incident handled by an administrator", "kind", kind, "id", id,
              "action", action, "request_id", r->request_id ? r->request_id : "", NULL);
    return page(r, !strcmp(action, "retry") ? "ops.retried" : "ops.cancelled", 200);
}

const route_t admin_ops_routes[] = {
    { "GET", "/admin/incidents", "admin_incidents", h_admin_incidents, 0, NULL },
    { "POST", "/admin/incidents/{kind:word}/{id:int}/{action:word}", "admin_incident_act",
      h_admin_incident_act, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
