/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_notes.c -- the notifications list of the person logged in:
 *
 *   GET  /notifications        what is new on the demands they follow (new
 *                              messages, steps by somebody else), newest first
 *   POST /notifications/read   "tout marquer comme lu": 303 back to the list
 *
 * The items and read marks are message.c's (sql/0018_messages.sql, 0039); opening a
 * demand marks its items read (h_demand_view.c).  The header's count comes
 * with the session (session.c).  The page is xslt/pages/notifications.xsl.
 * These are the person's own items, in whatever context they act: no object
 * is touched but the person's own read marks, so no authz_check is asked
 * here; each demand the list links to checks AZ_VIEW_DEMAND when opened.
 */
#include <string.h>

#include "demand_page.h"
#include "demand_view.h"
#include "message.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_store.h"

static int
h_notes(req_t *r)
{
    json_t    *items, *it;
    xmlNodePtr root, list, n;
    size_t     k;
    int        rc;

    if ((rc = message_notes(r->pool, &r->err, principal_of(r), &items)) != EN_OK)
        return rc;
    root = render_begin(r, "notifications");
    if (req_param(r, "done") != NULL)
        render_node(root, "marked");
    list = render_node(root, "items");
    json_array_foreach(items, k, it) {
        const wf_def_t *def = wf_store_get(&r->err, dv_jstr(it, "workflow", ""),
                                           (int) dv_jint(it, "version"));
        const char     *kind = dv_jstr(it, "kind", "event");

        en_clear(&r->err);          /* an unknown definition: the key is shown */
        n = render_node(list, "item");
        render_attr(n, "kind", kind);
        render_attr(n, "href", pool_printf(r->pool, "/demands/%s", dv_jstr(it, "demand", "")));
        render_attr(n, "reference", dv_jstr(it, "reference", ""));
        render_attr(n, "workflow", def && def->title.n ? dv_text(r, &def->title)
                                                      : dv_jstr(it, "workflow", ""));
        render_attr(n, "at", dv_jstr(it, "at", ""));
        render_attr(n, "iso", dv_jstr(it, "iso", ""));
        if (dv_jstr(it, "author", NULL))
            render_attr(n, "author", dv_jstr(it, "author", ""));
        if (!strcmp(kind, "event")) {
            const char            *tid = dv_jstr(it, "transition", "");
            const wf_transition_t *t = def ? wf_transition_find(def, tid) : NULL;

            render_attr(n, "label", t != NULL && t->label.n ? dv_text(r, &t->label) : tid);
            if (dv_jstr(it, "to", NULL))
                render_attr(n, "to", dp_state_label(r, def, dv_jstr(it, "to", "")));
        }
    }
    dp_no_store(r);
    return render_finish(r, 200);
}

static int
h_notes_read(req_t *r)
{
    int rc;

    if ((rc = message_mark_all(r->pool, &r->err, principal_of(r))) != EN_OK)
        return rc;
    req_redirect(r, 303, "/notifications?done=1");
    return EN_OK;
}

const route_t notes_routes[] = {
    { "GET", "/notifications", "notifications", h_notes, 0, NULL },
    { "POST", "/notifications/read", "notifications_read", h_notes_read, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
