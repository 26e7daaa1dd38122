/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_members.c -- "Administrer l'espace professionnel" and what a person
 * does with a space from their own side:
 *
 *   GET  /spaces/<id>/members                    the space, its members, and
 *                                                the forms the reader's role
 *                                                allows
 *   POST /spaces/<id>/members/attach             attach a verified person by
 *                                                e-mail or AVS number
 *   POST /spaces/<id>/join-keys                  a one-time join key, shown once
 *   POST /spaces/<id>/members/<p>/detach         detach a member
 *   POST /spaces/<id>/members/<p>/grant|revoke   access to a protected service
 *   POST /spaces/<id>/members/<p>/delegate       hand a duty, until a date
 *   POST /spaces/<id>/members/<p>/undelegate     take it back
 *   POST /spaces/<id>/members/<p>/referent       propose the référent role
 *   POST /spaces/<id>/referent/withdraw          take the proposal back
 *   POST /spaces/<id>/referent/accept|decline    the member proposed answers
 *   POST /spaces/<id>/contact                    the space's contact e-mail
 *   GET  /spaces/join, POST /spaces/join         "Rejoindre un espace avec une
 *                                                clé": key and function
 *
 * Who may: authz_check with AZ_MANAGE_MEMBERS (attach, keys, detach),
 * AZ_GRANT_ACCESS (grant, revoke), AZ_ADMINISTER_SPACE (the référent only:
 * delegations, hand-over, contact), AZ_ANSWER_REFERENT, AZ_JOIN_SPACE.
 * The data and every change are space.c's and space_tools.c's.  A refused
 * change (bad input, or the database's business refusal) gives 422: the
 * page again, the message next to its field and what was typed kept; a
 * change done gives 303 to the page with ?done=<what>.  Pages:
 * xslt/pages/members.xsl, space_join.xsl; texts xslt/i18n/spaces.xml and
 * spacetools.xml.
 */
#include <string.h>

#include "authz.h"
#include "field.h"
#include "i18n.h"
#include "render.h"
#include "route.h"
#include "session.h"
#include "space.h"
#include "space_tools.h"

/* What a refused POST sends back to the page: the field refused (its id
 * in the page, NULL when the refusal is about the whole action), the
 * message key, and the values typed (name, value pairs). */
typedef struct {
    const char *field;
    const char *label;    /* catalogue key of the field's label */
    const char *key;
    const char *typed[8];
} refusal_t;

/* --- shared pieces ------------------------------------------------------------------ */

/* Validates one typed value of type t: NULL and *out the normalised value,
 * or the message key.  Text that is not UTF-8 is refused first. */
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

/* A value typed back into the page: "" for text that is not UTF-8. */
static const char *
keep(const char *s)
{
    return s != NULL && field_utf8_ok(s) ? s : "";
}

static void
add_refusal(req_t *r, xmlNodePtr root, const refusal_t *f)
{
    xmlNodePtr e, errs;
    int        i;

    e = render_node(root, "refused");
    render_attr(e, "key", f->key);
    if (f->field != NULL) {
        render_attr(e, "field", f->field);
        errs = render_node(root, "errors");
        render_attr(errs, "count", "1");
        e = render_node(errs, "error");
        render_attr(e, "href", pool_printf(r->pool, "#%s", f->field));
        render_attr(e, "label", i18n_get(r->lang, f->label));
        render_attr(e, "key", f->key);
    }
    for (i = 0; i + 1 < 8 && f->typed[i] != NULL; i += 2) {
        e = render_node(root, "typed");
        render_attr(e, "name", f->typed[i]);
        render_attr(e, "value", keep(f->typed[i + 1]));
    }
}

/* Adds one child element per blank-separated word of list. */
static void
add_words(req_t *r, xmlNodePtr parent, const char *name, const char *attr, const char *list)
{
    char *copy = pool_strdup(r->pool, list), *save = NULL, *w;

    for (w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
        render_attr(render_node(parent, name), attr, w);
}

/* A business refusal of the database (its key is one of ours), which the
 * page shows, as opposed to a failure, which the error page shows. */
static int
refused_by_domain(const en_err_t *e)
{
    return (e->code == EN_BADINPUT || e->code == EN_CONFLICT)
           && (!strncmp(e->key, "space.", 6) || !strncmp(e->key, "field.", 6));
}

static void
redirect_done(req_t *r, const char *space_id, const char *what)
{
    req_redirect(r, 303, pool_printf(r->pool, "/spaces/%s/members?done=%s", space_id, what));
}

/* --- the members page ------------------------------------------------------------------ */

/* The page; ref (may be NULL) what a refused POST sends back; new_key and
 * expires (may be NULL) the join key just made, shown this once. */
static int
page_members(req_t *r, const char *space_id, const refusal_t *ref, int status,
             const char *new_key, const char *expires)
{
    static const az_action_t actions[3] = {
        AZ_MANAGE_MEMBERS, AZ_GRANT_ACCESS, AZ_ADMINISTER_SPACE
    };
    const char     *objects[3] = { space_id, space_id, space_id };
    const char     *args[3] = { NULL, NULL, NULL };
    const char     *done = req_param(r, "done");
    const char     *offer_to;
    int             may[3];
    space_info_t   *info;
    space_member_t *m;
    spt_service_t  *svc;
    xmlNodePtr      root, sp, e, list;
    int             n, nsvc, i, rc;

    if ((rc = authz_check_many(r->pool, &r->err, principal_of(r), 3, actions, objects, args,
                               may, NULL)) != EN_OK)
        return rc;
    if (!may[0] && !may[1] && !may[2])       /* says why, or 404 */
        return authz_check(r->pool, &r->err, principal_of(r), AZ_MANAGE_MEMBERS, space_id,
                           NULL);
    if ((rc = space_load(r->pool, &r->err, space_id, &info, &m, &n)) != EN_OK)
        return rc;
    if ((rc = spt_offer(r->pool, &r->err, space_id, &offer_to)) != EN_OK)
        return rc;
    nsvc = 0;
    svc = NULL;
    if (may[1] && (rc = spt_services(r->pool, &r->err, r->lang, &svc, &nsvc)) != EN_OK)
        return rc;

    root = render_begin(r, "members");
    sp = render_node(root, "space");
    render_attr(sp, "id", info->id);
    render_attr(sp, "status", info->status);
    render_attr(sp, "name", info->entity_name);
    render_attr(sp, "ide", info->ide);
    render_attr(sp, "legal-form", info->legal_form);
    render_attr(sp, "street", info->street);
    render_attr(sp, "house-number", info->house_number);
    render_attr(sp, "postcode", info->postcode);
    render_attr(sp, "locality", info->locality);
    render_attr(sp, "contact-email", info->contact_email);
    if (may[0])
        render_attr(sp, "may-members", "yes");
    if (may[1])
        render_attr(sp, "may-grants", "yes");
    if (may[2])
        render_attr(sp, "may-lead", "yes");
    if (status == 200 && done != NULL && route_word_ok(done))
        render_attr(sp, "done", done);
    if (new_key != NULL) {
        e = render_node(root, "new-key");
        render_attr(e, "key", new_key);
        render_attr(e, "expires", expires);
    }
    for (i = 0; i < n; i++) {
        e = render_node(sp, "member");
        render_attr(e, "person", m[i].person_id);
        render_attr(e, "name", m[i].display_name);
        render_attr(e, "email", m[i].email);
        render_attr(e, "since", m[i].since);
        if (*m[i].function)
            render_attr(e, "function", m[i].function);
        if (m[i].is_referent)
            render_attr(e, "referent", "yes");
        if (!strcmp(m[i].person_id, offer_to))
            render_attr(e, "offered", "yes");
        if (*m[i].duties_until)
            render_attr(e, "duties-until", m[i].duties_until);
        add_words(r, e, "duty", "name", m[i].duties);
        add_words(r, e, "grant", "workflow", m[i].grants);
    }
    list = render_node(root, "services");
    for (i = 0; i < nsvc; i++) {
        e = render_node(list, "service");
        render_attr(e, "key", svc[i].key);
        render_attr(e, "title", svc[i].title);
    }
    if (ref != NULL)
        add_refusal(r, root, ref);
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, status);
}

static int
h_members(req_t *r)
{
    return page_members(r, req_path_param(r, "id"), NULL, 200, NULL, NULL);
}

/* After a change: 303 when done, the page with the refusal when the
 * domain refused, the error page otherwise. */
static int
finish(req_t *r, int rc, const char *space_id, const char *what, refusal_t *ref)
{
    refusal_t none;

    if (rc == EN_OK) {
        redirect_done(r, space_id, what);
        return EN_OK;
    }
    if (!refused_by_domain(&r->err))
        return rc;
    if (ref == NULL) {
        memset(&none, 0, sizeof(none));
        ref = &none;
    }
    ref->key = pool_strdup(r->pool, r->err.key);
    en_clear(&r->err);
    return page_members(r, space_id, ref, 422, NULL, NULL);
}

/* A refusal of the handler's own (bad input) on one field. */
static int
refuse(req_t *r, const char *space_id, refusal_t *ref)
{
    return page_members(r, space_id, ref, 422, NULL, NULL);
}

static int
may(req_t *r, az_action_t action, const char *space_id)
{
    return authz_check(r->pool, &r->err, principal_of(r), action, space_id, NULL);
}

static const char *
actor(req_t *r)
{
    return r->session->person_id;
}

/* --- attach, keys, detach --------------------------------------------------------------- */

static int
h_attach(req_t *r)
{
    const char *space = req_path_param(r, "id");
    const char *ident = req_param(r, "identifier");
    const char *function = req_param(r, "function");
    const char *clean_id, *clean_fn, *bad;
    refusal_t   ref;
    int         rc;

    if ((rc = may(r, AZ_MANAGE_MEMBERS, space)) != EN_OK)
        return rc;
    memset(&ref, 0, sizeof(ref));
    ref.typed[0] = "identifier";
    ref.typed[1] = ident;
    ref.typed[2] = "function";
    ref.typed[3] = function;
    ref.field = "attach-identifier";
    ref.label = "tools.attach.identifier";
    bad = check(r, FIELD_TEXT, 320, 1, ident, &clean_id);
    if (bad == NULL) {
        /* an e-mail address, or else an AVS number */
        if (strchr(clean_id, '@') != NULL)
            bad = check(r, FIELD_EMAIL, 320, 1, clean_id, &clean_id);
        else
            bad = check(r, FIELD_AVS13, 0, 1, clean_id, &clean_id);
    }
    if (bad == NULL) {
        ref.field = "attach-function";
        ref.label = "tools.attach.function";
        bad = check(r, FIELD_TEXT, 200, 1, function, &clean_fn);
    }
    if (bad != NULL) {
        ref.key = bad;
        return refuse(r, space, &ref);
    }
    rc = spt_attach(r->pool, &r->err, space, clean_id, clean_fn, actor(r), r->lang, NULL);
    ref.field = "attach-identifier";
    ref.label = "tools.attach.identifier";
    return finish(r, rc, space, "attached", &ref);
}

static int
h_join_key(req_t *r)
{
    const char *space = req_path_param(r, "id");
    const char *key, *expires;
    int         rc;

    if ((rc = may(r, AZ_MANAGE_MEMBERS, space)) != EN_OK)
        return rc;
    rc = spt_join_key(r->pool, &r->err, space, actor(r), &key, &expires);
    if (rc != EN_OK)
        return finish(r, rc, space, NULL, NULL);
    /* shown this once: the page itself, never a redirect to a URL */
    return page_members(r, space, NULL, 200, key, expires);
}

static int
h_detach(req_t *r)
{
    const char *space = req_path_param(r, "id");
    int         rc;

    if ((rc = may(r, AZ_MANAGE_MEMBERS, space)) != EN_OK)
        return rc;
    rc = spt_detach(r->pool, &r->err, space, req_path_param(r, "person"), actor(r), r->lang);
    return finish(r, rc, space, "detached", NULL);
}

/* --- grants ------------------------------------------------------------------------------- */

static int
grant_or_revoke(req_t *r, int grant)
{
    const char *space = req_path_param(r, "id");
    const char *person = req_path_param(r, "person");
    const char *wf = req_param(r, "workflow");
    refusal_t   ref;
    int         rc;

    if ((rc = may(r, AZ_GRANT_ACCESS, space)) != EN_OK)
        return rc;
    memset(&ref, 0, sizeof(ref));
    if (grant) {
        ref.field = pool_printf(r->pool, "grant-%s", person);
        ref.label = "tools.grant.service";
    }
    if (wf == NULL || *wf == '\0' || !route_word_ok(wf)) {
        ref.key = wf == NULL || *wf == '\0' ? "field.required" : "space.workflow_invalid";
        return refuse(r, space, &ref);
    }
    rc = grant ? spt_grant(r->pool, &r->err, space, person, wf, actor(r), r->lang)
               : spt_revoke(r->pool, &r->err, space, person, wf, actor(r), r->lang);
    return finish(r, rc, space, grant ? "granted" : "revoked", &ref);
}

static int
h_grant(req_t *r)
{
    return grant_or_revoke(r, 1);
}

static int
h_revoke(req_t *r)
{
    return grant_or_revoke(r, 0);
}

/* --- the référent's own: delegations, hand-over, contact -------------------------------- */

static int
h_delegate(req_t *r)
{
    const char *space = req_path_param(r, "id");
    const char *person = req_path_param(r, "person");
    const char *duty = req_param(r, "duty");
    const char *until = req_param(r, "until");
    const char *clean_until = NULL;
    refusal_t   ref;
    int         rc;

    if ((rc = may(r, AZ_ADMINISTER_SPACE, space)) != EN_OK)
        return rc;
    memset(&ref, 0, sizeof(ref));
    ref.typed[0] = pool_printf(r->pool, "until-%s", person);
    ref.typed[1] = until;
    ref.field = pool_printf(r->pool, "duty-%s", person);
    ref.label = "tools.delegate.duty";
    if (!authz_duty_ok(duty)) {
        ref.key = duty == NULL || *duty == '\0' ? "field.required" : "space.duty_invalid";
        return refuse(r, space, &ref);
    }
    ref.field = pool_printf(r->pool, "until-%s", person);
    ref.label = "tools.delegate.until";
    if ((ref.key = check(r, FIELD_DATE, 0, 0, until, &clean_until)) != NULL)
        return refuse(r, space, &ref);
    rc = spt_delegate(r->pool, &r->err, space, person, duty,
                      *clean_until ? clean_until : NULL, actor(r), r->lang);
    return finish(r, rc, space, "delegated", &ref);
}

static int
h_undelegate(req_t *r)
{
    const char *space = req_path_param(r, "id");
    const char *duty = req_param(r, "duty");
    refusal_t   ref;
    int         rc;

    if ((rc = may(r, AZ_ADMINISTER_SPACE, space)) != EN_OK)
        return rc;
    if (!authz_duty_ok(duty)) {
        memset(&ref, 0, sizeof(ref));
        ref.key = "space.duty_invalid";
        return refuse(r, space, &ref);
    }
    rc = spt_undelegate(r->pool, &r->err, space, req_path_param(r, "person"), duty, actor(r),
                        r->lang);
    return finish(r, rc, space, "undelegated", NULL);
}

static int
h_referent_offer(req_t *r)
{
    const char *space = req_path_param(r, "id");
    int         rc;

    if ((rc = may(r, AZ_ADMINISTER_SPACE, space)) != EN_OK)
        return rc;
    rc = spt_referent_offer(r->pool, &r->err, space, req_path_param(r, "person"), actor(r),
                            r->lang);
    return finish(r, rc, space, "offered", NULL);
}

static int
h_referent_withdraw(req_t *r)
{
    const char *space = req_path_param(r, "id");
    int         rc;

    if ((rc = may(r, AZ_ADMINISTER_SPACE, space)) != EN_OK)
        return rc;
    rc = spt_referent_withdraw(r->pool, &r->err, space, actor(r), r->lang);
    return finish(r, rc, space, "withdrawn", NULL);
}

static int
h_contact(req_t *r)
{
    const char *space = req_path_param(r, "id");
    const char *email = req_param(r, "email");
    const char *clean;
    refusal_t   ref;
    int         rc;

    if ((rc = may(r, AZ_ADMINISTER_SPACE, space)) != EN_OK)
        return rc;
    memset(&ref, 0, sizeof(ref));
    ref.typed[0] = "email";
    ref.typed[1] = email;
    ref.field = "contact-email";
    ref.label = "tools.contact.email";
    if ((ref.key = check(r, FIELD_EMAIL, 320, 0, email, &clean)) != NULL)
        return refuse(r, space, &ref);
    rc = spt_set_contact(r->pool, &r->err, space, clean, actor(r), r->lang);
    return finish(r, rc, space, "contact", &ref);
}

/* --- the member proposed answers (from /context) ----------------------------------------- */

static int
referent_answer(req_t *r, int accept)
{
    const char *space = req_path_param(r, "id");
    int         rc;

    if ((rc = may(r, AZ_ANSWER_REFERENT, space)) != EN_OK)
        return rc;
    rc = spt_referent_answer(r->pool, &r->err, space, actor(r), accept, r->lang);
    if (rc != EN_OK)
        return rc;
    req_redirect(r, 303, accept ? "/context?done=referent" : "/context?done=declined");
    return EN_OK;
}

static int
h_referent_accept(req_t *r)
{
    return referent_answer(r, 1);
}

static int
h_referent_decline(req_t *r)
{
    return referent_answer(r, 0);
}

/* --- "Rejoindre un espace avec une clé" ----------------------------------------------------- */

static int
page_join(req_t *r, const refusal_t *ref, int status)
{
    xmlNodePtr root = render_begin(r, "space_join");

    render_node(root, "join");
    if (ref != NULL)
        add_refusal(r, root, ref);
    req_header(r, "Cache-Control", "no-store");
    return render_finish(r, status);
}

static int
h_join_form(req_t *r)
{
    int rc;

    if ((rc = may(r, AZ_JOIN_SPACE, NULL)) != EN_OK)
        return rc;
    return page_join(r, NULL, 200);
}

static int
h_join(req_t *r)
{
    const char *key = req_param(r, "key");
    const char *function = req_param(r, "function");
    const char *clean_fn, *space;
    refusal_t   ref;
    int         rc;

    if ((rc = may(r, AZ_JOIN_SPACE, NULL)) != EN_OK)
        return rc;
    memset(&ref, 0, sizeof(ref));
    /* the key is not given back: typed again, never kept in a page */
    ref.typed[0] = "function";
    ref.typed[1] = function;
    ref.field = "join-key";
    ref.label = "tools.join.key";
    if (key == NULL || !field_utf8_ok(key) || *key == '\0') {
        ref.key = key == NULL || *key == '\0' ? "field.required" : "field.utf8";
        return page_join(r, &ref, 422);
    }
    ref.field = "join-function";
    ref.label = "tools.join.function";
    if ((ref.key = check(r, FIELD_TEXT, 200, 1, function, &clean_fn)) != NULL)
        return page_join(r, &ref, 422);
    ref.field = "join-key";
    ref.label = "tools.join.key";
    rc = spt_join(r->pool, &r->err, actor(r), key, clean_fn, r->lang, &space);
    if (rc != EN_OK) {
        if (!refused_by_domain(&r->err))
            return rc;
        ref.key = pool_strdup(r->pool, r->err.key);
        en_clear(&r->err);
        return page_join(r, &ref, 422);
    }
    req_redirect(r, 303, "/context?done=joined");
    return EN_OK;
}

/* --- routes ------------------------------------------------------------------------------ */

/* done: which change the page confirms (a word: the redirect's own) */
static const route_param_t done_params[] = {
    { "done", ROUTE_WORD, 0, 0, 0 },
    { NULL, 0, 0, 0, 0 }
};

const route_t members_routes[] = {
    { "GET", "/spaces/{id:uuid}/members", "space_members", h_members, 0, done_params },
    { "POST", "/spaces/{id:uuid}/members/attach", "space_attach", h_attach, 0, NULL },
    { "POST", "/spaces/{id:uuid}/join-keys", "space_join_key", h_join_key, 0, NULL },
    { "POST", "/spaces/{id:uuid}/members/{person:uuid}/detach", "space_detach", h_detach, 0,
      NULL },
    { "POST", "/spaces/{id:uuid}/members/{person:uuid}/grant", "space_grant", h_grant, 0, NULL },
    { "POST", "/spaces/{id:uuid}/members/{person:uuid}/revoke", "space_revoke", h_revoke, 0,
      NULL },
    { "POST", "/spaces/{id:uuid}/members/{person:uuid}/delegate", "space_delegate",
      h_delegate, 0, NULL },
    { "POST", "/spaces/{id:uuid}/members/{person:uuid}/undelegate", "space_undelegate",
      h_undelegate, 0, NULL },
    { "POST", "/spaces/{id:uuid}/members/{person:uuid}/referent", "space_referent_offer",
      h_referent_offer, 0, NULL },
    { "POST", "/spaces/{id:uuid}/referent/withdraw", "space_referent_withdraw",
      h_referent_withdraw, 0, NULL },
    { "POST", "/spaces/{id:uuid}/referent/accept", "space_referent_accept",
      h_referent_accept, 0, NULL },
    { "POST", "/spaces/{id:uuid}/referent/decline", "space_referent_decline",
      h_referent_decline, 0, NULL },
    { "POST", "/spaces/{id:uuid}/contact", "space_contact", h_contact, 0, NULL },
    { "GET", "/spaces/join", "space_join_form", h_join_form, 0, NULL },
    { "POST", "/spaces/join", "space_join", h_join, 0, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
