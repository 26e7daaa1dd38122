/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_counter.c -- the trusted third party's counter for the electronic
 * identification means (MIE, workflows/enrolment.xml):
 *
 *   GET  /counter                            the third-party groups the
 *                                            person belongs to, with their
 *                                            open demands
 *   GET  /counter/{group}?show=&name=&birth=&reference=
 *                                            the group's demands: open,
 *                                            invalidated or all (date,
 *                                            number, first and last name),
 *                                            searched by name and birth date
 *                                            or by reference
 *   GET  /counter/{group}/demands/{id}       the counter page: the form's
 *                                            data to compare with the
 *                                            document in hand, the secret
 *                                            code, the identifier once issued
 *   POST /counter/{group}/demands/{id}/verify  fires the step that issues
 *                                            the identifier (wf_fire): 303
 *                                            back to the counter page, which
 *                                            shows it; 422 with the messages
 *                                            (a wrong code) next to fields
 *
 * A group the person is not in: 403 (authz.not_third_party); an unknown
 * one 404.  A demand another authority's data names, or none: 404, as for
 * one that does not exist (authz_may view-demand, then data_roles).
 * Invalidating is the demand page's own step (POST /demands/ID/fire/...).
 * Data: engine/enrol.c; pages xslt/pages/counter*.xsl.
 */
#include <string.h>

#include "authz.h"
#include "demand_page.h"
#include "demand_view.h"
#include "enrol.h"
#include "field.h"
#include "i18n.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_demand.h"
#include "wf_fire.h"
#include "wf_store.h"

#define COUNTER_LIMIT 200

/* --- GET /counter ----------------------------------------------------------------- */

static int
h_counter(req_t *r)
{
    json_t    *groups, *g;
    xmlNodePtr root, gs;
    size_t     i;

    if ((groups = enrol_counter_groups(r->pool, &r->err, r->session->person_id)) == NULL)
        return r->err.code;
    if (json_array_size(groups) == 0)
        return en_set(&r->err, EN_FORBIDDEN, "authz.not_third_party", "not a third party");
    root = render_begin(r, "counter");
    gs = render_node(root, "groups");
    json_array_foreach(groups, i, g) {
        xmlNodePtr n = render_node(gs, "group");

        render_attr(n, "id", dv_jstr(g, "id", ""));
        render_attr(n, "name", dv_jstr(g, "name", ""));
        render_attr(n, "open", pool_printf(r->pool, "%lld", dv_jint(g, "open")));
    }
    dp_no_store(r);
    return render_finish(r, 200);
}

/* The group of the path, which the reader must belong to. */
static int
group_of(req_t *r, const char **group)
{
    *group = req_path_param(r, "group");
    if (*group == NULL || !authz_group_ok(*group, strlen(*group)))
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no such group");
    return authz_check(r->pool, &r->err, principal_of(r), AZ_THIRD_PARTY, *group, NULL);
}

/* The group's name for the page's title (its id when it cannot be read). */
static const char *
group_name(req_t *r, const char *group)
{
    en_err_t err;
    json_t  *groups, *g;
    size_t   i;

    en_clear(&err);
    groups = enrol_counter_groups(r->pool, &err, r->session->person_id);

    json_array_foreach(groups, i, g)
        if (!strcmp(dv_jstr(g, "id", ""), group))
            return dv_jstr(g, "name", group);
    return group;
}

/* --- GET /counter/{group} ------------------------------------------------------------- */

static int
h_counter_queue(req_t *r)
{
    const char *group, *show = req_param(r, "show"), *name = req_param(r, "name");
    const char *birth = req_param(r, "birth"), *ref = req_param(r, "reference");
    const char *birth_iso = "", *bad_field = NULL, *bad_key = NULL;
    json_t     *q, *row, *counts;
    xmlNodePtr  root, gn, sn, qn;
    size_t      i;
    int         rc, status = 200;

    if ((rc = group_of(r, &group)) != EN_OK)
        return rc;
    if (show == NULL || (strcmp(show, "invalidated") && strcmp(show, "all")))
        show = "open";
    if (name != NULL && (!field_utf8_ok(name) || field_utf8_count(name) > 100)) {
        bad_field = "name";
        bad_key = !field_utf8_ok(name) ? "field.utf8" : "counter.search.too_long";
        name = NULL;
    }
    if (birth != NULL && *birth) {
        field_rules_t  rules;
        field_result_t res;

        memset(&rules, 0, sizeof(rules));
        res = field_validate(r->pool, FIELD_DATE, &rules, birth);
        if (res.key != NULL) {
            bad_field = "birth";
            bad_key = res.key;
        } else
            birth_iso = res.value;
    }
    if (ref != NULL && *ref) {
        size_t k, n = strlen(ref);
        int    ok = n >= 11 && n <= 20 && ref[4] == '-';

        for (k = 0; ok && k < n; k++)
            ok = k == 4 || (ref[k] >= '0' && ref[k] <= '9');
        if (!ok) {
            bad_field = "reference";
            bad_key = "counter.search.bad_reference";
        }
    }
    if (bad_field != NULL)
        status = 422;
    q = enrol_queue(r->pool, &r->err, group, show,
                    bad_field ? "" : (name ? name : ""), bad_field ? "" : birth_iso,
                    bad_field ? "" : (ref ? ref : ""), COUNTER_LIMIT);
    if (q == NULL)
        return r->err.code;
    root = render_begin(r, "counter_queue");
    gn = render_node(root, "group");
    render_attr(gn, "id", group);
    render_attr(gn, "name", group_name(r, group));
    sn = render_node(root, "search");
    render_attr(sn, "show", show);
    if (name != NULL)
        render_attr(sn, "name", name);
    if (birth != NULL && field_utf8_ok(birth))
        render_attr(sn, "birth", birth);
    if (ref != NULL && field_utf8_ok(ref))
        render_attr(sn, "reference", ref);
    if ((name && *name) || (birth && *birth) || (ref && *ref))
        render_attr(sn, "active", "yes");
    if (bad_field != NULL) {
        xmlNodePtr es = render_node(root, "errors"), e = render_node(es, "error");

        render_attr(es, "count", "1");

        render_attr(e, "field", bad_field);
        render_attr(e, "key", bad_key);
        render_attr(e, "label", i18n_get(r->lang, pool_printf(r->pool, "counter.search.%s",
                                                              bad_field)));
        render_attr(e, "href", pool_printf(r->pool, "#s-%s", bad_field));
    }
    counts = json_object_get(q, "counts");
    render_attr(sn, "open", pool_printf(r->pool, "%lld", dv_jint(counts, "open")));
    render_attr(sn, "invalidated", pool_printf(r->pool, "%lld", dv_jint(counts, "invalidated")));
    render_attr(sn, "all", pool_printf(r->pool, "%lld", dv_jint(counts, "all")));
    /* the history is counted up to a bound (sql/0051): "plus de" */
    if (json_is_true(json_object_get(counts, "invalidated_more")))
        render_attr(sn, "invalidated-more", "yes");
    if (json_is_true(json_object_get(counts, "all_more")))
        render_attr(sn, "all-more", "yes");
    qn = render_node(root, "queue");
    json_array_foreach(json_object_get(q, "rows"), i, row) {
        xmlNodePtr  d = render_node(qn, "demand");
        const char *bd = dv_jstr(row, "birth_date", "");

        render_attr(d, "id", dv_jstr(row, "id", ""));
        render_attr(d, "reference", dv_jstr(row, "reference", ""));
        render_attr(d, "date", dv_jstr(row, "date", ""));
        render_attr(d, "iso", dv_jstr(row, "iso", ""));
        render_attr(d, "first-name", dv_jstr(row, "first_name", ""));
        render_attr(d, "last-name", dv_jstr(row, "last_name", ""));
        if (*bd)
            render_attr(d, "birth-date", field_display(r->pool, FIELD_DATE, bd,
                                                      FIELD_SHOW_TEXT));
        render_attr(d, "state", dv_jstr(row, "state", ""));
    }
    render_attr(qn, "count", pool_printf(r->pool, "%zu",
                                         json_array_size(json_object_get(q, "rows"))));
    render_attr(qn, "limit", pool_printf(r->pool, "%d", COUNTER_LIMIT));
    dp_no_store(r);
    return render_finish(r, status);
}

/* --- the counter page ------------------------------------------------------------------- */

/* The step of the demand's state that issues the identifier. */
static const wf_transition_t *
issuing_step(const wf_state_t *s)
{
    size_t i, k;

    for (i = 0; s != NULL && i < s->n_out; i++)
        for (k = 0; k < s->out[i]->n_effects; k++)
            if (!strcmp(s->out[i]->effects[k].action, "issue-identifier"))
                return s->out[i];
    return NULL;
}

/* The demand of the path, seen by the reader at their group's counter:
 * EN_NOTFOUND unless its data names the group. */
static int
counter_demand(req_t *r, const char **group, wf_demand_t **d, const wf_def_t **def,
               json_t **facts)
{
    const char *id = req_path_param(r, "id");
    int         rc;

    if ((rc = group_of(r, group)) != EN_OK)
        return rc;
    if ((rc = authz_check(r->pool, &r->err, principal_of(r), AZ_VIEW_DEMAND, id, NULL))
        != EN_OK)
        return rc;
    if ((rc = wf_demand_load(r->pool, &r->err, id, d)) != EN_OK)
        return rc;
    if ((*facts = enrol_counter_facts(r->pool, &r->err, id, *group)) == NULL)
        return r->err.code;
    if (!json_is_true(json_object_get(*facts, "in_group"))
        || strcmp((*d)->workflow_key, ENROL_WORKFLOW) != 0)
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "not at this counter");
    if ((*def = wf_store_get(&r->err, (*d)->workflow_key, (*d)->definition_version)) == NULL)
        return r->err.code;
    return EN_OK;
}

static const char *
error_label(req_t *r, const char *field, void *arg)
{
    const wf_def_t   *def = arg;
    const wf_field_t *f = field != NULL ? wf_def_field_find(def, field) : NULL;

    return f != NULL && f->label.n > 0 ? dv_text(r, &f->label) : NULL;
}

static int
render_counter(req_t *r, const char *group, const wf_demand_t *d, const wf_def_t *def,
               json_t *facts, const wf_field_error_t *errs, int nerrs, int status)
{
    const wf_state_t      *s = wf_state_find(def, d->state);
    const wf_transition_t *t = issuing_step(s);
    xmlNodePtr             root, gn, dn, idn, an;
    size_t                 i, k;

    root = render_begin(r, "counter_demand");
    gn = render_node(root, "group");
    render_attr(gn, "id", group);
    render_attr(gn, "name", group_name(r, group));
    dn = render_node(root, "demand");
    render_attr(dn, "id", d->id);
    render_attr(dn, "reference", d->reference);
    render_attr(dn, "version", pool_printf(r->pool, "%d", d->version));
    render_attr(dn, "title", def->title.n ? dv_text(r, &def->title) : def->id);
    dv_state_attrs(r, dn, def, d->state);
    if (json_object_get(facts, "identifier") != NULL) {
        idn = render_node(root, "identifier");
        render_attr(idn, "value", dv_jstr(facts, "identifier", ""));
        render_attr(idn, "issued-at", dv_jstr(facts, "issued_at", ""));
        render_attr(idn, "issued-by", dv_jstr(facts, "issued_by", ""));
        if (json_object_get(facts, "activated_at") != NULL)
            render_attr(idn, "activated-at", dv_jstr(facts, "activated_at", ""));
    }
    if (req_param(r, "issued") != NULL)
        render_attr(root, "issued", "yes");
    /* what to compare with the document in hand: the applicant's form */
    if (def->n_forms > 0) {
        const wf_form_t *form = &def->forms[0];
        xmlNodePtr       fn = render_node(render_node(root, "data"), "form");

        render_attr(fn, "id", form->id);
        for (i = 0; i < form->n_pages; i++) {
            const wf_page_t *pg = &form->pages[i];
            xmlNodePtr       pn;

            if (!dv_page_shown(r, pg, d))
                continue;
            pn = render_node(fn, "page");
            render_attr(pn, "id", pg->id);
            render_attr(pn, "title", pg->title.n ? dv_text(r, &pg->title) : pg->id);
            for (k = 0; k < pg->n_fields; k++)
                dv_data_item(r, pn, &pg->fields[k], d);
        }
    }
    if (t != NULL) {
        const char *prefix = pool_printf(r->pool, "t-%s-", t->id);

        an = render_node(render_node(root, "actions"), "action");
        render_attr(an, "id", t->id);
        render_attr(an, "href", pool_printf(r->pool, "/counter/%s/demands/%s/verify",
                                            group, d->id));
        render_attr(an, "label", t->label.n ? dv_text(r, &t->label) : t->id);
        if (t->description.n > 0)
            render_text(an, "description", dv_text(r, &t->description));
        render_attr(an, "comment", "none");
        render_attr(an, "kind", "primary");
        render_attr(an, "prefix", prefix);
        for (i = 0; t->form != NULL && i < t->form->n_pages; i++)
            for (k = 0; k < t->form->pages[i].n_fields; k++) {
                const wf_field_t *f = &t->form->pages[i].fields[k];

                /* never put a stored secret code back into the page */
                dv_field(r, an, f, prefix, nerrs > 0 ? dv_posted(r, r->form, f) : NULL,
                         dv_error_for(errs, nerrs, f->name), d);
            }
        render_attr(root, "demand-href", pool_printf(r->pool, "/demands/%s", d->id));
    }
    if (nerrs > 0)
        dv_errors(r, root, errs, nerrs, error_label, NULL, (void *) def);
    dp_no_store(r);
    return render_finish(r, status);
}

static int
h_counter_demand(req_t *r)
{
    const char     *group;
    wf_demand_t    *d;
    const wf_def_t *def;
    json_t         *facts;
    int             rc;

    if ((rc = counter_demand(r, &group, &d, &def, &facts)) != EN_OK)
        return rc;
    return render_counter(r, group, d, def, facts, NULL, 0, 200);
}

/* --- POST /counter/{group}/demands/{id}/verify ------------------------------------------- */

static const route_param_t verify_params[] = {
    { "version", ROUTE_INT, 0, INT_MAX, 0 },
    { NULL, 0, 0, 0, 0 }
};

static int
h_counter_verify(req_t *r)
{
    const char            *group;
    wf_demand_t           *d;
    const wf_def_t        *def;
    const wf_transition_t *t;
    json_t                *facts;
    wf_input_t             in;
    wf_result_t            res;
    int                    rc;

    if ((rc = counter_demand(r, &group, &d, &def, &facts)) != EN_OK)
        return rc;
    if ((t = issuing_step(wf_state_find(def, d->state))) == NULL)
        return dp_render_done(r, d->id, "wf.conflict.moved_on", "");
    memset(&in, 0, sizeof(in));
    in.form = r->form;
    in.expected_version = (int) req_param_int(r, "version", 0);
    rc = wf_fire_loaded(r->pool, &r->err, principal_of(r), d, t->id, &in, NULL, &res);
    if (rc == EN_OK) {
        req_redirect(r, 303, pool_printf(r->pool, "/counter/%s/demands/%s?issued=1",
                                         group, d->id));
        return EN_OK;
    }
    if (rc == EN_CONFLICT)
        return dp_render_done(r, d->id, r->err.key[0] ? r->err.key : "err.conflict", t->id);
    if (rc == EN_BADINPUT && res.nerrors > 0)
        return render_counter(r, group, d, def, facts, res.errors, res.nerrors, 422);
    return rc;
}

const route_t counter_routes[] = {
    { "GET", "/counter", "counter_home", h_counter, 0, NULL },
    { "GET", "/counter/{group:word}", "counter_queue", h_counter_queue, 0, NULL },
    { "GET", "/counter/{group:word}/demands/{id:uuid}", "counter_demand", h_counter_demand,
      0, NULL },
    { "POST", "/counter/{group:word}/demands/{id:uuid}/verify", "counter_verify",
      h_counter_verify, 0, verify_params },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
