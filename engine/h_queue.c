/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_queue.c -- a group's queue (issue 11, "Agents"):
 *
 *   GET  /agent/<group>          the list: filters, search, sort, keyset
 *                                pages of 50, counts per state; the URL
 *                                carries the whole query
 *   POST /agent/<group>/assign   take one (take=ID:VERSION) or release it
 *                                (release=ID:VERSION)
 *   POST /agent/<group>/bulk     one action on the demands ticked (sel) or
 *                                on all those matching (all=1): a transition
 *                                with one comment, each demand in its own
 *                                transaction (wf_fire), or assign / release;
 *                                the result page says which and why
 *
 * Owns reading the query from the URL and the page's XML; the SQL is
 * queue.c's, the exports h_queue_export.c's, the transitions wf_fire's.
 * Page: xslt/pages/agent_queue.xsl, queue_bulk.xsl; texts xslt/i18n/queue.xml.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "demand_view.h"
#include "field.h"
#include "h_queue.h"
#include "i18n.h"
#include "log.h"
#include "pool_json.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "wf_demand.h"
#include "wf_fire.h"
#include "wf_store.h"

#define QUEUE_TEXT_MAX 200

/* --- reading the query ------------------------------------------------------------------ */

static int
is_uuid(const char *s)
{
    return s != NULL && route_value_ok(ROUTE_UUID, s, strlen(s), 0, 0);
}

/* YYYY-MM-DD or DD.MM.YYYY, a real day: *out YYYY-MM-DD in p; 0 or -1. */
static int
read_date(pool_t *p, const char *s, const char **out)
{
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int              y, m, d, n = 0;

    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10 && s[n] == '\0')
        ;
    else if (n = 0, sscanf(s, "%2d.%2d.%4d%n", &d, &m, &y, &n) == 3 && n == 10
             && s[n] == '\0')
        ;
    else
        return -1;
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return -1;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return -1;
    *out = pool_printf(p, "%04d-%02d-%02d", y, m, d);
    return 0;
}

static void
refuse(hq_t *h, const char *field, const char *key)
{
    if (h->nbad < 4) {
        h->bad_field[h->nbad] = field;
        h->bad_key[h->nbad++] = key;
    }
}

/* The filters from the query string (GET) or the form (POST: bulk "all"). */
static void
read_query(req_t *r, hq_t *h)
{
    const char *s;
    int         i;

    memset(&h->q, 0, sizeof(h->q));
    h->state_param = h->assigned_param = NULL;
    if ((s = req_param(r, "state")) != NULL && *s) {
        const char *colon = strchr(s, ':');

        if (colon != NULL && colon > s && colon[1] != '\0' && strlen(s) < 200) {
            h->q.key = pool_strndup(r->pool, s, (size_t) (colon - s));
            h->q.state = colon + 1;
            h->state_param = s;
        }
    }
    if ((s = req_param(r, "proc")) != NULL && *s && h->q.key == NULL && route_word_ok(s))
        h->q.key = s;
    if ((s = req_param(r, "assigned")) != NULL && *s) {
        if (!strcmp(s, "me"))
            h->q.assigned = r->session->person_id;
        else if (!strcmp(s, "none") || is_uuid(s))
            h->q.assigned = s;
        if (h->q.assigned != NULL)
            h->assigned_param = s;
    }
    if ((s = req_param(r, "from")) != NULL && *s && read_date(r->pool, s, &h->q.from) != 0)
        refuse(h, "from", "queue.bad_date");
    if ((s = req_param(r, "to")) != NULL && *s && read_date(r->pool, s, &h->q.to) != 0)
        refuse(h, "to", "queue.bad_date");
    if ((s = req_param(r, "due")) != NULL && *s) {
        char *end;
        long  n = strtol(s, &end, 10);

        if (!strcmp(s, "overdue"))
            h->q.due = s;
        else if (*end == '\0' && n >= 0 && n <= 366)
            h->q.due = pool_printf(r->pool, "%ld", n);
    }
    if ((s = req_param(r, "q")) != NULL && *s) {
        if (!field_utf8_ok(s))
            refuse(h, "q", "field.utf8");
        else if (strlen(s) > QUEUE_TEXT_MAX)
            refuse(h, "q", "queue.text_too_long");
        else
            h->q.text = s;
    }
    if ((s = req_param(r, "sort")) != NULL)
        for (i = 0; queue_sorts[i] != NULL; i++)
            if (!strcmp(s, queue_sorts[i]))
                h->q.sort = queue_sorts[i];
    /* by default the latest arrivals in their state first */
    s = req_param(r, "dir");
    h->q.desc = s != NULL ? !strcmp(s, "desc") : h->q.sort == NULL;
    h->q.after = req_param(r, "after");
}

static void
qs_add(req_t *r, buf_t *b, const char *name, const char *value)
{
    if (value == NULL || *value == '\0')
        return;
    if (b->len > 0)
        buf_putc(b, '&');
    buf_printf(b, "%s=%s", name, req_url_encode(r->pool, value, 0));
}

const char *
hq_qs(req_t *r, const hq_t *h, const char *sort, int desc)
{
    buf_t b;

    buf_init(&b, r->pool);
    qs_add(r, &b, "state", h->state_param);
    if (h->state_param == NULL)
        qs_add(r, &b, "proc", h->q.key);
    qs_add(r, &b, "assigned", h->assigned_param);
    qs_add(r, &b, "from", h->q.from);
    qs_add(r, &b, "to", h->q.to);
    qs_add(r, &b, "due", h->q.due);
    qs_add(r, &b, "q", h->q.text);
    if (h->open)
        qs_add(r, &b, "scope", "open");
    qs_add(r, &b, "sort", sort ? sort : h->q.sort);
    qs_add(r, &b, "dir", (sort ? desc : h->q.desc) ? "desc" : "asc");
    buf_putc(&b, '\0');
    return b.data;
}

int
hq_open(req_t *r, hq_t *h)
{
    const char *group = req_path_param(r, "group");
    json_t     *may;
    int         rc;

    memset(h, 0, sizeof(*h));
    if (group == NULL || !authz_group_ok(group, strlen(group)))
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no such group");
    h->group = group;
    /* AZ_WORK_QUEUE asked in the same statement as the group's context */
    h->ctx = wf_agent_context(r->pool, &r->err, r->session->person_id, group,
                              r->session->space_id);
    if (h->ctx == NULL)
        return r->err.code;
    may = json_object_get(h->ctx, "may");
    if ((rc = authz_verdict(&r->err, principal_of(r), AZ_WORK_QUEUE, group,
                            dv_jstr(may, "verdict", NULL), dv_jstr(may, "reason", NULL))) != EN_OK)
        return rc;
    h->group_name = dv_jstr(h->ctx, "group", group);
    h->open = req_param(r, "scope") != NULL && !strcmp(req_param(r, "scope"), "open");
    h->states = queue_states(r->pool, json_object_get(h->ctx, "defs"), group, h->open);
    read_query(r, h);
    h->qs = hq_qs(r, h, NULL, 0);
    return EN_OK;
}

/* --- one row as words ------------------------------------------------------------------- */

void
hq_row(req_t *r, const queue_row_t *row, hq_row_t *o)
{
    const char     *key = queue_val(row, QR_WORKFLOW, "");
    const wf_def_t *def;
    const wf_state_t *s;
    const char     *tt = queue_val(row, QR_TIMER_TRANSITION, NULL), *amount;
    en_err_t        err;

    en_clear(&err);
    def = wf_store_get(&err, key, atoi(queue_val(row, QR_VERSION, "0")));
    s = def != NULL ? wf_state_find(def, queue_val(row, QR_STATE, "")) : NULL;
    o->reference = queue_val(row, QR_REFERENCE, "");
    o->procedure = def != NULL && def->title.n > 0 ? dv_text(r, &def->title) : key;
    o->state = s != NULL && s->label.n > 0 ? dv_text(r, &s->label) : queue_val(row, QR_STATE, "");
    o->applicant = queue_val(row, QR_APPLICANT, "");
    o->submitted_iso = queue_val(row, QR_SUBMITTED, "");
    o->submitted = field_display(r->pool, FIELD_DATE, o->submitted_iso, FIELD_SHOW_TEXT);
    o->since_iso = queue_val(row, QR_SINCE, "");
    o->since = field_display(r->pool, FIELD_DATE, o->since_iso, FIELD_SHOW_TEXT);
    o->assignee = queue_val(row, QR_ASSIGNEE, "");
    o->due_iso = queue_val(row, QR_DUE, "");
    o->due = field_display(r->pool, FIELD_DATE, o->due_iso, FIELD_SHOW_TEXT);
    o->due_what = "";
    if (*o->due) {
        const wf_transition_t *t = def != NULL && tt != NULL ? wf_transition_find(def, tt) : NULL;

        if (!strcmp(queue_val(row, QR_TIMER_ACTION, ""), "purge"))
            o->due_what = i18n_get(r->lang, "queue.due.purge");
        else if (t != NULL && t->label.n > 0)
            o->due_what = dv_text(r, &t->label);
        else
            o->due_what = tt != NULL ? tt : "";
    }
    o->amount = o->amount_num = "";
    if ((amount = queue_val(row, QR_AMOUNT, NULL)) != NULL && *amount) {
        char     *end;
        long long c = strtoll(amount, &end, 10);

        if (*end == '\0') {
            o->amount = field_display(r->pool, FIELD_MONEY, amount, FIELD_SHOW_TEXT);
            o->amount_num = pool_printf(r->pool, "%s%lld.%02lld", c < 0 ? "-" : "",
                                        llabs(c) / 100, llabs(c) % 100);
        }
    }
}

/* --- GET /agent/<group> ----------------------------------------------------------------- */

/* The transitions an agent of the group fires from its states, one per
 * procedure and id: the bulk action's choices. */
static void
bulk_actions(req_t *r, xmlNodePtr parent, hq_t *h)
{
    json_t *seen = pool_json(r->pool, json_object()), *st;
    size_t  i, k;

    json_array_foreach(h->states, i, st) {
        const char       *key = json_string_value(json_array_get(st, 1));
        en_err_t          err;
        const wf_def_t   *def;
        const wf_state_t *s;

        en_clear(&err);
        def = wf_store_get(&err, key, (int) json_integer_value(json_array_get(st, 2)));
        s = def ? wf_state_find(def, json_string_value(json_array_get(st, 3))) : NULL;
        for (k = 0; s != NULL && k < s->n_out; k++) {
            const wf_transition_t *t = s->out[k];
            const char            *v = pool_printf(r->pool, "fire:%s:%s", key, t->id);
            size_t                 b;
            int                    agent = 0;
            xmlNodePtr             n;

            for (b = 0; b < t->n_by; b++)
                agent |= t->by[b].kind == WF_BY_AGENT;
            if (!agent || t->auto_on_view || json_object_get(seen, v) != NULL)
                continue;
            json_object_set_new(seen, v, json_true());
            n = render_node(parent, "transition");
            render_attr(n, "value", v);
            render_attr(n, "procedure", def->title.n ? dv_text(r, &def->title) : key);
            render_attr(n, "label", t->label.n ? dv_text(r, &t->label) : t->id);
            if (t->comment == WF_COMMENT_REQUIRED)
                render_attr(n, "comment", "required");
        }
    }
}

static void
render_filters(req_t *r, xmlNodePtr root, hq_t *h, json_t *page)
{
    xmlNodePtr fn = render_node(root, "filter"), qn = render_node(root, "query"), procs;
    json_t    *c, *seen = pool_json(r->pool, json_object());
    size_t     i;
    long long  total = 0;
    int        k;

    procs = render_node(root, "procedures");
    json_array_foreach(json_object_get(page, "counts"), i, c) {
        const char       *key = json_string_value(json_array_get(c, 0));
        const char       *st = json_string_value(json_array_get(c, 1));
        long long         n = (long long) json_integer_value(json_array_get(c, 2));
        xmlNodePtr        o = render_node(fn, "option");
        en_err_t          err;
        int               ver;
        const wf_def_t   *def;
        const wf_state_t *s;
        const char       *value, *title;

        if (key == NULL || st == NULL)
            continue;
        en_clear(&err);
        def = wf_store_current(&err, key, &ver);
        s = def ? wf_state_find(def, st) : NULL;
        title = def && def->title.n ? dv_text(r, &def->title) : key;
        value = pool_printf(r->pool, "%s:%s", key, st);
        render_attr(o, "value", value);
        render_attr(o, "title", title);
        render_attr(o, "state-label", s && s->label.n ? dv_text(r, &s->label) : st);
        render_attr(o, "count", pool_printf(r->pool, "%lld", n));
        if (h->state_param != NULL && !strcmp(h->state_param, value))
            render_attr(o, "selected", "yes");
        total += n;
        if (json_object_get(seen, key) == NULL) {
            xmlNodePtr pn = render_node(procs, "procedure");

            json_object_set_new(seen, key, json_true());
            render_attr(pn, "key", key);
            render_attr(pn, "title", title);
            if (h->state_param == NULL && h->q.key != NULL && !strcmp(h->q.key, key))
                render_attr(pn, "selected", "yes");
        }
    }
    render_attr(fn, "total", pool_printf(r->pool, "%lld", total));
    render_attr(qn, "assigned", h->assigned_param ? h->assigned_param : "");
    render_attr(qn, "from", req_param(r, "from") ? req_param(r, "from") : "");
    render_attr(qn, "to", req_param(r, "to") ? req_param(r, "to") : "");
    render_attr(qn, "due", h->q.due ? h->q.due : "");
    render_attr(qn, "q", h->q.text ? h->q.text
                          : (req_param(r, "q") && field_utf8_ok(req_param(r, "q"))
                             ? req_param(r, "q") : ""));
    render_attr(qn, "sort", h->q.sort ? h->q.sort : "since");
    render_attr(qn, "dir", h->q.desc ? "desc" : "asc");
    if (h->open)
        render_attr(qn, "scope", "open");
    render_attr(qn, "qs", h->qs);
    for (k = 0; k < h->nbad; k++) {
        xmlNodePtr e = render_node(qn, "error");

        render_attr(e, "field", h->bad_field[k]);
        render_attr(e, "key", h->bad_key[k]);
    }
    for (k = 0; queue_sorts[k] != NULL; k++) {
        xmlNodePtr s = render_node(qn, "sort");
        int        cur = !strcmp(queue_sorts[k], h->q.sort ? h->q.sort : "since");

        render_attr(s, "col", queue_sorts[k]);
        /* the current column's link turns its direction round */
        render_attr(s, "href", pool_printf(r->pool, "/agent/%s?%s", h->group,
                                           hq_qs(r, h, queue_sorts[k], cur && !h->q.desc)));
        if (cur)
            render_attr(s, "current", h->q.desc ? "descending" : "ascending");
    }
}

static int
queue_list(req_t *r, int print)
{
    hq_t         h;
    json_t      *page, *g;
    queue_row_t *rows;
    xmlNodePtr   root, gn, ln, cn, an;
    size_t       i;
    int          rc, k, nrows;
    int          per = print ? QUEUE_PRINT : QUEUE_PAGE;

    if ((rc = hq_open(r, &h)) != EN_OK)
        return rc;
    h.q.limit = per + 1;               /* one more: is there a next page? */
    page = queue_page(r->pool, &r->err, &h.q, queue_query_json(r->pool, &h.q, h.states),
                      h.group, &rows, &nrows);
    if (page == NULL)
        return r->err.code;

    root = render_begin(r, print ? "queue_print" : "agent_queue");
    gn = render_node(root, "group");
    render_attr(gn, "id", h.group);
    render_attr(gn, "name", h.group_name);
    render_filters(r, root, &h, page);
    {
        const char *done = req_param(r, "done");

        if (done != NULL && (!strcmp(done, "taken") || !strcmp(done, "released")))
            render_attr(render_node(root, "done"), "key",
                        !strcmp(done, "taken") ? "queue.done.taken" : "queue.done.released");
    }
    cn = render_node(root, "colleagues");
    json_array_foreach(json_object_get(page, "colleagues"), i, g) {
        xmlNodePtr a = render_node(cn, "agent");

        render_attr(a, "id", dv_jstr(g, "id", ""));
        render_attr(a, "name", dv_jstr(g, "name", ""));
        if (!strcmp(dv_jstr(g, "id", ""), r->session->person_id))
            render_attr(a, "me", "yes");
    }
    an = render_node(root, "actions");
    bulk_actions(r, an, &h);

    ln = render_node(root, "queue");
    render_attr(ln, "total", pool_printf(r->pool, "%lld",
                                         (long long) json_integer_value(json_object_get(page, "total"))));
    if (json_is_true(json_object_get(page, "more")))
        render_attr(ln, "more", "yes");          /* counted up to the cap (sql/0038) */
    if (h.q.after != NULL)
        render_attr(ln, "first", pool_printf(r->pool, "/agent/%s?%s", h.group, h.qs));
    for (k = 0; k < nrows; k++) {
        const queue_row_t *row = &rows[k];
        hq_row_t           w;
        xmlNodePtr         d;

        if (k == per) {
            render_attr(ln, "next", pool_printf(r->pool, "/agent/%s?%s%safter=%s", h.group, h.qs,
                                                *h.qs ? "&" : "",
                                                queue_val(&rows[k - 1], QR_REFERENCE, "")));
            break;
        }
        hq_row(r, row, &w);
        d = render_node(ln, "demand");
        render_attr(d, "id", queue_val(row, QR_ID, ""));
        render_attr(d, "dversion", queue_val(row, QR_DVERSION, "0"));
        render_attr(d, "reference", w.reference);
        render_attr(d, "title", w.procedure);
        render_attr(d, "state-label", w.state);
        render_attr(d, "applicant", w.applicant);
        render_attr(d, "submitted", w.submitted);
        render_attr(d, "since", w.since);
        render_attr(d, "since-iso", w.since_iso);
        render_attr(d, "assignee", w.assignee);
        if (!strcmp(queue_val(row, QR_ASSIGNED_TO, ""), r->session->person_id))
            render_attr(d, "mine", "yes");
        render_attr(d, "due", w.due);
        render_attr(d, "due-iso", w.due_iso);
        render_attr(d, "due-what", w.due_what);
        if (!strcmp(queue_val(row, QR_OVERDUE, "f"), "t"))
            render_attr(d, "overdue", "yes");
        render_attr(d, "amount", w.amount);
    }
    render_attr(ln, "shown", pool_printf(r->pool, "%d", nrows > per ? per : nrows));
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, h.nbad ? 400 : 200);
}

static int
h_queue(req_t *r)
{
    return queue_list(r, 0);
}

/* GET /agent/<group>/print: the same list, up to QUEUE_PRINT rows, for paper */
static int
h_queue_print(req_t *r)
{
    return queue_list(r, 1);
}

/* --- POST /agent/<group>/assign --------------------------------------------------------- */

/* "ID:VERSION" -> id (in p), version; 0 or -1. */
static int
read_sel(pool_t *p, const char *s, const char **id, int *version)
{
    char *end;
    long  v;

    if (s == NULL || strlen(s) < 38 || s[36] != ':')
        return -1;
    *id = pool_strndup(p, s, 36);
    if (!is_uuid(*id))
        return -1;
    v = strtol(s + 37, &end, 10);
    if (*end != '\0' || v < 0 || v > 2000000000)
        return -1;
    *version = (int) v;
    return 0;
}

/* Back to the list the person was reading (its query string, checked). */
static void
back_to_list(req_t *r, const char *group, const char *done)
{
    const char *back = req_param(r, "back");
    size_t      i;

    if (back != NULL)
        for (i = 0; back[i]; i++)
            if ((unsigned char) back[i] < 0x21 || back[i] == '#' || (unsigned char) back[i] > 0x7e)
                back = NULL;
    if (back != NULL && strlen(back) > 1500)
        back = NULL;
    req_redirect(r, 303, pool_printf(r->pool, "/agent/%s?%s%sdone=%s#queue-title", group,
                                     back && *back ? back : "", back && *back ? "&" : "", done));
}

static int
h_queue_assign(req_t *r)
{
    const char *group = req_path_param(r, "group"), *take = req_param(r, "take");
    const char *id;
    int         version, changed, rc;

    if (group == NULL || !authz_group_ok(group, strlen(group)))
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no such group");
    if (read_sel(r->pool, take ? take : req_param(r, "release"), &id, &version) != 0)
        return en_set(&r->err, EN_BADINPUT, "err.bad_param", "take or release: ID:VERSION");
    rc = queue_assign(r->pool, &r->err, principal_of(r), id, version,
                      take ? r->session->person_id : NULL, &changed);
    if (rc != EN_OK)
        return rc;
    back_to_list(r, group, take ? "taken" : "released");
    return EN_OK;
}

/* --- POST /agent/<group>/bulk ----------------------------------------------------------- */

typedef struct {
    const char *id, *reference;
    int         version;
} target_t;

static int
h_queue_bulk(req_t *r)
{
    hq_t              h;
    const char       *action = req_param(r, "action"), *comment = req_param(r, "comment");
    const char       *fire_key = NULL, *fire_tid = NULL, *assignee = NULL;
    int               assign = 0, rc, n = 0, ok = 0, i;
    target_t         *tg;
    json_t           *ids, *idl, *it;
    kv_t             *kv;
    size_t            k;
    xmlNodePtr        root, res, gn;
    az_action_t      *acts;
    const char      **objs, **args, **reasons;
    int              *allowed;
    queue_query_t     q;

    if ((rc = hq_open(r, &h)) != EN_OK)
        return rc;
    /* the action */
    if (action != NULL && !strncmp(action, "fire:", 5) && strchr(action + 5, ':') != NULL) {
        const char *c = strchr(action + 5, ':');

        fire_key = pool_strndup(r->pool, action + 5, (size_t) (c - action - 5));
        fire_tid = c + 1;
    } else if (action != NULL && !strcmp(action, "release")) {
        assign = 1;
    } else if (action != NULL && !strncmp(action, "assign:", 7)
               && (is_uuid(action + 7) || !strcmp(action + 7, "me"))) {
        assign = 1;
        assignee = strcmp(action + 7, "me") ? action + 7 : r->session->person_id;
    } else {
        return en_set(&r->err, EN_BADINPUT, "queue.no_action", "no action chosen");
    }
    if (comment != NULL && (!field_utf8_ok(comment) || strlen(comment) > 4000))
        return en_set(&r->err, EN_BADINPUT, "field.utf8", "comment refused");

    /* the demands: every one the query matches, or those ticked; either
     * way only those of the group's queue (queue_ids) */
    q = h.q;
    q.after = NULL;
    q.limit = QUEUE_BULK + 1;
    if (req_param(r, "all") == NULL || strcmp(req_param(r, "all"), "1") != 0) {
        idl = pool_json(r->pool, json_array());
        for (kv = r->form; kv != NULL; kv = kv->next) {
            const char *id;
            int         v;

            if (strcmp(kv->name, "sel") != 0)
                continue;
            if (read_sel(r->pool, kv->value, &id, &v) != 0)
                return en_set(&r->err, EN_BADINPUT, "err.bad_param", "sel: ID:VERSION");
            json_array_append_new(idl, json_pack("[si]", id, v));
        }
        if (json_array_size(idl) == 0)
            return en_set(&r->err, EN_BADINPUT, "queue.none_selected", "nothing ticked");
        if (json_array_size(idl) > QUEUE_BULK)
            return en_set(&r->err, EN_BADINPUT, "queue.too_many", "too many");
        q = (queue_query_t) { 0 };
        q.limit = QUEUE_BULK + 1;
    } else {
        idl = NULL;
    }
    {
        const char *qj = queue_query_json(r->pool, &q, h.states);

        if (idl != NULL) {
            /* the ticked ids, kept in the group's queue by the same SQL */
            json_error_t je;
            json_t      *o = json_loads(qj, 0, &je), *only = json_array();

            if (o == NULL)
                return en_set(&r->err, EN_INTERNAL, "err.internal", "query: %s", je.text);
            json_array_foreach(idl, k, it)
                json_array_append(only, json_array_get(it, 0));
            json_object_set_new(o, "ids", only);
            qj = pool_json_dumps(r->pool, pool_json(r->pool, o), JSON_COMPACT);
        }
        if ((ids = queue_ids(r->pool, &r->err, qj)) == NULL)
            return r->err.code;
    }
    if (json_array_size(ids) > QUEUE_BULK)
        return en_set(&r->err, EN_BADINPUT, "queue.too_many", "too many");
    n = (int) json_array_size(ids) + (idl ? (int) json_array_size(idl) : 0);
    tg = pool_calloc(r->pool, sizeof(*tg) * (size_t) (n + 1));
    n = 0;
    json_array_foreach(ids, k, it) {
        tg[n].id = json_string_value(json_array_get(it, 0));
        tg[n].reference = json_string_value(json_array_get(it, 1));
        tg[n].version = 0;
        if (idl != NULL) {
            size_t  m;
            json_t *s;

            json_array_foreach(idl, m, s)
                if (!strcmp(json_string_value(json_array_get(s, 0)), tg[n].id))
                    tg[n].version = (int) json_integer_value(json_array_get(s, 1));
        }
        n++;
    }

    /* each one is checked by the one authorization function, in one batch */
    acts = pool_calloc(r->pool, sizeof(*acts) * (size_t) (n + 1));
    objs = pool_calloc(r->pool, sizeof(*objs) * (size_t) (n + 1));
    args = pool_calloc(r->pool, sizeof(*args) * (size_t) (n + 1));
    reasons = pool_calloc(r->pool, sizeof(*reasons) * (size_t) (n + 1));
    allowed = pool_calloc(r->pool, sizeof(*allowed) * (size_t) (n + 1));
    for (i = 0; i < n; i++) {
        acts[i] = AZ_VIEW_DEMAND;
        objs[i] = tg[i].id;
    }
    if (n > 0 && (rc = authz_check_many(r->pool, &r->err, principal_of(r), n, acts, objs, args,
                                        allowed, reasons)) != EN_OK)
        return rc;

    root = render_begin(r, "queue_bulk");
    gn = render_node(root, "group");
    render_attr(gn, "id", h.group);
    render_attr(gn, "name", h.group_name);
    render_attr(gn, "back", pool_printf(r->pool, "/agent/%s?%s", h.group, h.qs));
    res = render_node(root, "results");
    for (i = 0; i < n; i++) {
        pool_t     *sub = pool_new(0);
        en_err_t    err;
        xmlNodePtr  d = render_node(res, "demand");
        int         frc;

        en_clear(&err);
        render_attr(d, "id", tg[i].id);
        render_attr(d, "reference", tg[i].reference);
        if (!allowed[i]) {
            frc = en_set(&err, EN_NOTFOUND, reasons[i] && *reasons[i] ? reasons[i] : "err.notfound",
                         "not visible");
        } else if (assign) {
            int changed;

            frc = queue_assign(sub, &err, principal_of(r), tg[i].id, tg[i].version, assignee,
                               &changed);
        } else {
            wf_input_t  in = { 0 };
            wf_result_t wr;
            wf_demand_t *dm;

            memset(&wr, 0, sizeof(wr));
            in.comment = comment != NULL && *comment ? comment : NULL;
            in.expected_version = tg[i].version;
            /* a demand of another procedure has no such transition */
            if (wf_demand_load(sub, &err, tg[i].id, &dm) != EN_OK)
                frc = err.code;
            else if (strcmp(dm->workflow_key, fire_key) != 0)
                frc = en_set(&err, EN_CONFLICT, "queue.other_procedure", "another procedure");
            else if (tg[i].version != 0 && dm->version != tg[i].version)
                frc = en_set(&err, EN_CONFLICT, "queue.conflict", "changed meanwhile");
            else
                frc = wf_fire_loaded(sub, &err, principal_of(r), dm, fire_tid, &in, NULL, &wr);
            if (frc == EN_BADINPUT && wr.nerrors > 0)
                render_attr(d, "field-key", wr.errors[0].key);
            if (frc == EN_OK)
                render_attr(d, "state", wr.state ? wr.state : "");
        }
        if (frc == EN_OK) {
            render_attr(d, "done", "yes");
            ok++;
        } else {
            const char *key = err.key[0] ? err.key : "err.internal";

            render_attr(d, "key", key);
            render_attr(d, "why", i18n_get(r->lang, key));
        }
        pool_free(sub);
    }
    render_attr(res, "done", pool_printf(r->pool, "%d", ok));
    render_attr(res, "failed", pool_printf(r->pool, "%d", n - ok));
    render_attr(res, "total", pool_printf(r->pool, "%d", n));
    if (assign)
        render_attr(res, "action", assignee ? "assign" : "release");
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, 200);
}

/* The filters come from a GET form whose empty choices send "proc=" and
 * the like: those are read (and checked against their lists) by
 * read_query, not declared; after is only ever in a link. */
static const route_param_t queue_params[] = {
    { "after", ROUTE_REF, 0, 0, 0 },
    { NULL, 0, 0, 0, 0 }
};

extern int h_queue_csv(req_t *r);
extern int h_queue_xlsx(req_t *r);

const route_t queue_routes[] = {
    { "GET", "/agent/{group:word}", "agent_queue", h_queue, 0, queue_params },
    { "POST", "/agent/{group:word}/assign", "queue_assign", h_queue_assign, 0, NULL },
    { "POST", "/agent/{group:word}/bulk", "queue_bulk", h_queue_bulk, 0, queue_params },
    { "GET", "/agent/{group:word}/export.csv", "queue_csv", h_queue_csv, 0, queue_params },
    { "GET", "/agent/{group:word}/export.xlsx", "queue_xlsx", h_queue_xlsx, 0, queue_params },
    { "GET", "/agent/{group:word}/print", "queue_print", h_queue_print, 0, queue_params },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
