/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_confirm.c -- the page an e-mailed one-time link opens:
 *
 *   GET /demands/{id}/confirm/{code}   "Confirmer votre adresse e-mail":
 *                                      one button that fires the step of the
 *                                      demand's state checking a code
 *                                      (<effect action="verify-code">), the
 *                                      code from the link in its field
 *
 * The link is a mail's (xslt/mail/commune-account-email.xsl: step 3 of the
 * commune account request); opening it needs a login (step 4), and only
 * the demand's owner gets the page (authz: the "owner" role, else 404 /
 * the refusal's reason).  Nothing is checked or written here: the button
 * posts to /demands/{id}/fire/{step} (h_demand_view.c), where wf_fire and
 * the verify-code hook judge the code (wrong, used, expired: next to the
 * field).  A link opened again once the demand moved on says so instead
 * of offering a button.  Holds no SQL; the page is
 * xslt/pages/demand_confirm.xsl.
 */
#include <string.h>

#include "authz.h"
#include "demand_page.h"
#include "demand_view.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_demand.h"
#include "wf_store.h"

/* The step leaving s that checks a code, and the field it reads. */
static const wf_transition_t *
code_step(const wf_state_t *s, const char **field)
{
    size_t i, k;

    for (i = 0; s != NULL && i < s->n_out; i++)
        for (k = 0; k < s->out[i]->n_effects; k++)
            if (!strcmp(s->out[i]->effects[k].action, "verify-code")
                && wf_effect_arg(&s->out[i]->effects[k], "field") != NULL) {
                *field = wf_effect_arg(&s->out[i]->effects[k], "field");
                return s->out[i];
            }
    return NULL;
}

static int
h_confirm(req_t *r)
{
    const char            *id = req_path_param(r, "id"), *code = req_path_param(r, "code");
    const char            *field = NULL;
    wf_demand_t           *d;
    const wf_def_t        *def;
    const wf_state_t      *s;
    const wf_transition_t *t;
    xmlNodePtr             root, n;
    int                    rc;

    if ((rc = authz_check(r->pool, &r->err, principal_of(r), AZ_FIRE_TRANSITION, id,
                          "owner")) != EN_OK)
        return rc;
    if ((rc = wf_demand_load(r->pool, &r->err, id, &d)) != EN_OK)
        return rc;
    if ((def = dp_def_of(r, d)) == NULL)
        return r->err.code;
    s = wf_state_find(def, d->state);
    t = code_step(s, &field);
    root = render_begin(r, "demand_confirm");
    dp_demand_node(r, root, def, d);
    if (t != NULL) {
        n = render_node(root, "confirm");
        render_attr(n, "href", pool_printf(r->pool, "/demands/%s/fire/%s", d->id, t->id));
        render_attr(n, "label", t->label.n ? dv_text(r, &t->label) : t->id);
        render_attr(n, "field", field);
        render_attr(n, "code", code);
        render_attr(n, "version", pool_printf(r->pool, "%d", d->version));
    } else {
        render_attr(render_node(root, "gone"), "key",
                    d->is_final ? "confirm.closed" : "confirm.used");
    }
    dp_no_store(r);
    return render_finish(r, 200);
}

const route_t confirm_routes[] = {
    { "GET", "/demands/{id:uuid}/confirm/{code:word}", "demand_confirm", h_confirm, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
