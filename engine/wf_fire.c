/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_fire.c -- firing a transition (see wf_fire.h for the contract).
 *
 * Owns the checks that come before a write (state, actor, guards; the
 * input is checked by wf_input.c) and the one statement that writes: SELECT wf_apply(change, files)
 * (sql/0004_workflow.sql).  Everything the transaction needs is computed
 * here first and sent as one jsonb document, plus the uploaded bytes as a
 * binary bytea[] parameter, so a transition costs one round trip and one
 * commit whatever it does.
 *
 *   demand in state S, version V
 *        |  wf_fire(who, demand, T, input)
 *        v
 *   T leaves S? ---no---> may a person view it? -no-> EN_NOTFOUND (as for
 *        |                 a demand that does not exist: see not_yours)
 *        |                 yes: EN_CONFLICT (already done / moved on)
 *   who may fire T? -no-> EN_FORBIDDEN (authz_check / by="system")
 *   guards hold? --no---> EN_FORBIDDEN (or EN_BADINPUT: form incomplete)
 *   input valid? --no---> EN_BADINPUT, one message key per field
 *        |
 *   wf_apply: UPDATE demands ... WHERE id AND version = V AND state = S
 *        |--- 0 rows ----> EN_CONFLICT, nothing written
 *        v
 *   timer consumed, event appended, documents stored, timers of S
 *   cancelled and of T.to scheduled, mails queued, effects run: COMMIT
 *   (any error: all rolled back)
 */
#include "wf_fire.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "db.h"
#include "en_assert.h"
#include "ide_register.h"
#include "log.h"
#include "metrics.h"
#include "pool_json.h"
#include "refreg.h"
#include "wf_decide.h"
#include "wf_effect.h"
#include "wf_input.h"
#include "wf_roles.h"
#include "wf_store.h"

static db_stmt_t apply_stmt =
    DB_STMT("wf_apply", 2, "SELECT wf_apply($1::jsonb, $2::bytea[])::text");
static db_stmt_t save_stmt =
    DB_STMT("wf_save_page", 2, "SELECT wf_save_page($1::jsonb, $2::bytea[])::text");

static json_t *
timers_array(pool_t *p, const wf_state_t *s, time_t now)
{
    json_t *a = json_array();
    size_t  i;

    for (i = 0; s != NULL && i < s->n_timers; i++) {
        const wf_timer_t *t = s->timers[i];
        json_t           *o = json_object();

        json_object_set_new(o, "name", json_string(t->id ? t->id : ""));
        json_object_set_new(o, "action", json_string(t->purge ? "purge" : "fire"));
        json_object_set_new(o, "transition", t->purge || NEVER(t->fire_id == NULL)
                                             ? json_null() : json_string(t->fire_id));
        json_object_set_new(o, "due", json_string(wf_due_iso(p, now, &t->after)));
        json_array_append_new(a, o);
    }
    return a;
}

const char *
wf_timers_json(pool_t *p, const wf_state_t *s, time_t now)
{
    const char *text = pool_json_dumps(p, pool_json(p, timers_array(p, s, now)),
                                       JSON_COMPACT);

    return text ? text : "[]";
}

/* Whether msg, an effect's refusal from SQL, is a catalogue key of ours:
 * space.* (sql/0003), spaceprocs.* (sql/0025). */
static int
effect_refusal_key(const char *msg)
{
    size_t n;

    if (msg == NULL || (strncmp(msg, "space.", 6) != 0 && strncmp(msg, "spaceprocs.", 11) != 0))
        return 0;
    n = strspn(msg, "abcdefghijklmnopqrstuvwxyz0123456789._");
    return msg[n] == '\0' && n < 64;
}

/* --- guards ------------------------------------------------------------------- */

static const wf_form_t *
demand_form(const wf_def_t *def, const wf_transition_t *t, const wf_state_t *s)
{
    if (t != NULL && t->form != NULL)
        return t->form;
    if (s != NULL && s->form != NULL)
        return s->form;
    return def->n_forms > 0 ? &def->forms[0] : NULL;
}

/* The language's entity kinds (wf_entity_kind_name) from the IDE legal
 * forms of entities.legal_form (sql/0003_spaces.sql). */
static const char *
entity_kind(const char *legal_form)
{
    static const char *const map[][2] = {
        { "sa", "company" }, { "sarl", "company" },
        { "individual", "sole-proprietorship" }, { "public", "public-body" },
        { NULL, NULL }
    };
    int i;

    for (i = 0; map[i][0] != NULL; i++)
        if (!strcmp(map[i][0], legal_form))
            return map[i][1];
    return legal_form;       /* association, foundation, cooperative, commune */
}

/* A field's value as the guards see it: what was just sent (normalised),
 * else what is stored; NULL when it has none. */
static const char *
guard_value(wf_input_check_t *c, const char *field)
{
    json_t *v = json_object_get(c->norm, field);

    if (json_is_string(v))
        return json_string_value(v);
    return wf_demand_field(c->p, c->d, field);
}

/* A well-formed IDE number in a guard's field (its check digit right), or
 * NULL: an empty or malformed one is left to the field's own check, which
 * says what is wrong with it. */
static const char *
guard_ide(wf_input_check_t *c, const wf_guard_t *g)
{
    const char    *ide = guard_value(c, g->field_name);
    field_result_t res;

    if (ide == NULL || !ide_register_canonical(ide) || g->field == NULL)
        return NULL;
    res = field_validate(c->p, FIELD_IDE, &g->field->rules, ide);
    return res.key == NULL ? ide : NULL;
}

/* The legal form of the entity a demand is about: its space's, else
 * (a personal demand naming an entity, such as the opening of a space)
 * the register's for the first IDE field of its forms that has a value.
 * *legal_form NULL when there is none. */
static int
demand_legal_form(pool_t *p, en_err_t *err, wf_input_check_t *c, const wf_def_t *def,
                  const char **legal_form)
{
    size_t i, j, k;

    *legal_form = NULL;
    if (c->d->owner_space_id != NULL) {
        const char *v[1] = { c->d->owner_space_id };
        PGresult   *res = db_exec(p, err,
            "SELECT e.legal_form FROM spaces s JOIN entities e ON e.id = s.entity_id"
            " WHERE s.id = $1::uuid", 1, v);

        if (res == NULL)
            return err->code;
        if (PQntuples(res) == 1)
            *legal_form = pool_strdup(p, db_val(res, 0, 0));
        return EN_OK;
    }
    for (i = 0; i < def->n_forms; i++)
        for (j = 0; j < def->forms[i].n_pages; j++)
            for (k = 0; k < def->forms[i].pages[j].n_fields; k++) {
                const wf_field_t *f = &def->forms[i].pages[j].fields[k];
                const char       *ide;

                if (f->type == FIELD_IDE && (ide = guard_value(c, f->name)) != NULL
                    && *ide != '\0')
                    return ide_register_legal_form(p, err, ide, legal_form);
            }
    return EN_OK;
}

/* service-approval:FIELD=GROUP|none: does the service (a procedure key)
 * named in FIELD -- sent now, else stored -- ask for a second approval by
 * one of these groups ("none": by nobody)?  The current version of that
 * procedure says (<audience grant-approval="agent:GROUP">); a field naming
 * no published procedure holds for nothing. */
static int
service_approval_holds(const wf_demand_t *d, json_t *sent, const wf_guard_t *g)
{
    json_t         *v = sent != NULL ? json_object_get(sent, g->field_name) : NULL;
    const wf_def_t *svc;
    const char     *group;
    en_err_t        e;
    size_t          k;
    int             ver, match = 0;

    if (!json_is_string(v) && d->form_json != NULL)
        v = json_object_get((json_t *) d->form_json, g->field_name);
    if (!json_is_string(v) || strlen(json_string_value(v)) - 1 >= 64)
        return 0;           /* no procedure key is empty or longer */
    en_clear(&e);
    if ((svc = wf_store_current(&e, json_string_value(v), &ver)) == NULL)
        return 0;
    group = svc->audience.grant_approval != NULL ? svc->audience.grant_approval : "none";
    for (k = 0; k < g->n_values; k++)
        if (!strcmp(g->values[k], group))
            match = 1;
    return g->negate ? !match : match;
}

int
wf_transition_applies(const wf_demand_t *d, const wf_transition_t *t)
{
    size_t i;

    for (i = 0; i < t->n_guards; i++)
        if (t->guards[i].kind == WF_GUARD_SERVICE_APPROVAL
            && !service_approval_holds(d, NULL, &t->guards[i]))
            return 0;
    return 1;
}

static int
guards_hold(pool_t *p, en_err_t *err, wf_input_check_t *c, const principal_t *who,
            const wf_def_t *def, const wf_transition_t *t, const wf_state_t *s)
{
    size_t i;

    for (i = 0; i < t->n_guards; i++) {
        const wf_guard_t *g = &t->guards[i];

        switch (g->kind) {
        case WF_GUARD_FORM_COMPLETE:
            wf_input_pages(c, demand_form(def, t, s), NULL, 0, 1);
            break;
        case WF_GUARD_ASSURANCE:
            if (who->kind == PRINCIPAL_PERSON && who->assurance < g->level)
                return en_set(err, EN_FORBIDDEN, "wf.guard.assurance",
                              "this step needs a verified identity");
            break;
        case WF_GUARD_SPACE:
            if ((g->space == WF_SPACE_PROFESSIONAL && c->d->owner_space_id == NULL)
                || (g->space == WF_SPACE_PERSONAL && c->d->owner_space_id != NULL))
                return en_set(err, EN_FORBIDDEN, "wf.guard.space",
                              "this step is not open to demands of this space");
            break;
        case WF_GUARD_FIELD: {
            wf_cond_t cond;

            memset(&cond, 0, sizeof(cond));
            cond.text = g->text;
            cond.field_name = g->field_name;
            cond.values = g->values;
            cond.n_values = g->n_values;
            cond.negate = g->negate;
            if (!wf_input_cond(c, &cond))
                return en_set(err, EN_FORBIDDEN, "wf.guard.field",
                              "this step does not apply to this demand");
            break;
        }
        case WF_GUARD_NOT_OWNER:
            if (who->kind == PRINCIPAL_PERSON && who->person_id != NULL
                && c->d->owner_person_id != NULL
                && !strcmp(who->person_id, c->d->owner_person_id))
                return en_set(err, EN_FORBIDDEN, "wf.guard.not_owner",
                              "you cannot do this step on your own demand");
            break;
        case WF_GUARD_NO_OPEN_DEMAND: {
            const char *v[3] = { c->d->workflow_key, c->d->owner_person_id, c->d->id };
            PGresult   *res = db_exec(p, err,
                "SELECT 1 FROM demands WHERE workflow_key = $1"
                "   AND owner_person_id = $2::uuid AND id <> $3::uuid"
                "   AND NOT is_final AND bucket <> 'draft' LIMIT 1", 3, v);

            if (res == NULL)
                return err->code;
            if (PQntuples(res) > 0)
                return en_set(err, EN_FORBIDDEN, "wf.guard.open_demand",
                              "another demand of this kind is already open");
            break;
        }
        case WF_GUARD_ENTITY_KIND: {
            const char *form = NULL, *kind;
            size_t      k;
            int         ok = 0, rc;

            if ((rc = demand_legal_form(p, err, c, def, &form)) != EN_OK)
                return rc;
            kind = form != NULL ? entity_kind(form) : NULL;
            for (k = 0; kind != NULL && k < g->n_values; k++)
                if (!strcmp(g->values[k], kind))
                    ok = 1;
            if (!ok)
                return en_set(err, EN_FORBIDDEN, "wf.guard.entity_kind",
                              "this procedure is not open to this kind of entity");
            break;
        }
        case WF_GUARD_AVS_REGISTERED: {
            json_t     *v = json_object_get(c->set, g->field_name);
            const char *avs = json_is_string(v) ? json_string_value(v)
                              : wf_demand_field(p, c->d, g->field_name);
            int         known;

            /* the person register (refreg.c, sql/0027) */
            if (refreg_avs_known(p, err, avs, &known) != EN_OK)
                return err->code;
            if (!known)
                return en_set(err, EN_FORBIDDEN, "wf.guard.avs_registered",
                              "this AVS number is not in the person register");
            break;
        }
        case WF_GUARD_IDE_REGISTERED: {
            /* an IDE that is well formed but not in the register is
             * refused next to its field, everything typed kept; an empty
             * or malformed one is the field check's (required, format) */
            const char *ide = guard_ide(c, g), *form = NULL;
            int         rc;

            if (ide == NULL)
                break;
            if ((rc = ide_register_legal_form(p, err, ide, &form)) != EN_OK)
                return rc;
            if (form == NULL)
                wf_input_error(c, g->field_name, "ide.not_registered", NULL);
            break;
        }
        case WF_GUARD_NO_OPEN_SPACE: {
            /* the entity already has its space (or one on its way): told
             * next to the number, before anyone checks documents for it */
            const char *ide = guard_ide(c, g);
            int         open = 0, rc;

            if (ide == NULL)
                break;
            if ((rc = ide_register_space_open(p, err, ide, c->d->id, &open)) != EN_OK)
                return rc;
            if (open)
                wf_input_error(c, g->field_name, "ide.space_open", NULL);
            break;
        }
        case WF_GUARD_SERVICE_APPROVAL:
            if (!service_approval_holds(c->d, c->norm, g))
                return en_set(err, EN_FORBIDDEN, "wf.guard.service_approval",
                              "this step does not apply to this service");
            break;
        default:
            return en_set(err, EN_INTERNAL, "wf.guard.not_implemented",
                          "guard not implemented: %s", g->text ? g->text : "?");
        }
    }
    return EN_OK;
}

/* --- who ------------------------------------------------------------------------ */

const char *
wf_people_roles(pool_t *p, const wf_transition_t *t, const wf_demand_t *d)
{
    buf_t  b;
    size_t i;

    buf_init(&b, p);
    buf_add(&b, "", 0);
    for (i = 0; i < t->n_by; i++) {
        const wf_actor_t *a = &t->by[i];
        const char       *qual = a->group != NULL ? a->group : a->duty;

        if (a->kind == WF_BY_SYSTEM)
            continue;
        if (a->field_name != NULL) {
            /* chosen by the data: the group the demand names, else nobody */
            qual = d != NULL ? wf_roles_group(p, a, (json_t *) d->form_json) : NULL;
            if (qual == NULL)
                continue;
        }
        if (b.len > 0)
            buf_putc(&b, ' ');
        buf_puts(&b, wf_actor_kind_name(a->kind));
        if (qual != NULL)
            buf_printf(&b, ":%s", qual);
    }
    return b.data;
}

static int
by_data(const wf_transition_t *t)
{
    size_t i;

    for (i = 0; i < t->n_by; i++)
        if (t->by[i].field_name != NULL)
            return 1;
    return 0;
}

/* The role lists of the loaded definitions, kept for the process and made
 * again only when it has loaded more (definitions are only ever added to
 * the store): a demand page asks them at every view. */
static pool_t       *known_pool;
static const char  **known_roles;
static size_t        known_n, known_defs = (size_t) -1;

size_t
wf_people_roles_known(pool_t *p, const char ***roles)
{
    const wf_def_t **defs;
    size_t           nd = wf_store_loaded(p, &defs), nr = 1, cap = 8, i, k, m;
    pool_t          *kp;
    const char     **r;

    if (nd == known_defs) {
        *roles = known_roles;
        return known_n;
    }
    kp = pool_new(0);
    r = pool_calloc(kp, sizeof(*r) * cap);
    r[0] = "owner";
    for (i = 0; i < nd; i++)
        for (k = 0; k < defs[i]->n_transitions; k++) {
            const wf_transition_t *t = &defs[i]->transitions[k];
            const char            *ro;

            if (by_data(t) || *(ro = wf_people_roles(kp, t, NULL)) == '\0')
                continue;
            for (m = 0; m < nr && strcmp(r[m], ro) != 0; m++)
                ;
            if (m < nr)
                continue;
            if (nr + 1 >= cap) {
                const char **more = pool_calloc(kp, sizeof(*more) * cap * 2);

                memcpy(more, r, sizeof(*more) * nr);
                r = more;
                cap *= 2;
            }
            r[nr++] = ro;
        }
    if (known_pool != NULL)
        pool_free(known_pool);
    known_pool = kp;
    known_roles = r;
    known_n = nr;
    known_defs = nd;
    *roles = known_roles;
    return known_n;
}

static int
may_fire(pool_t *p, en_err_t *err, const principal_t *who, const wf_demand_t *d,
         const wf_transition_t *t, const char **role)
{
    const char *roles;
    int         rc;

    if (who->kind == PRINCIPAL_SYSTEM) {
        if (!wf_transition_allows(t, WF_BY_SYSTEM, NULL))
            return en_set(err, EN_FORBIDDEN, "authz.not_your_step",
                          "transition %s is not open to the system", t->id);
        *role = "system";
        return EN_OK;
    }
    roles = wf_people_roles(p, t, d);
    if (*roles == '\0' && who->kind == PRINCIPAL_PERSON)
        return en_set(err, EN_FORBIDDEN, "authz.not_your_step",
                      "transition %s is not open to people", t->id);
    /* one question for the whole list: one round trip */
    if ((rc = authz_check(p, err, who, AZ_FIRE_TRANSITION, d->id, roles)) != EN_OK)
        return rc;
    *role = roles;
    return EN_OK;
}

/*
 * Before telling a person that a demand is in the wrong state or version
 * (a 409, which also hands back its state and version), make sure the demand
 * concerns them: a stranger must get the same EN_NOTFOUND as for an id that
 * does not exist, or the conflict would confirm that the demand exists and
 * reveal how far it went. Returns EN_OK when the person may view it (or for
 * the system), else the refusal in err. Costs a round trip only on the
 * conflict path: the normal path asks authz once, in may_fire.
 */
static int
not_yours(pool_t *p, en_err_t *err, const principal_t *who, const wf_demand_t *d)
{
    if (who->kind == PRINCIPAL_SYSTEM)
        return EN_OK;
    return authz_check(p, err, who, AZ_VIEW_DEMAND, d->id, NULL);
}

/* --- the change --------------------------------------------------------------- */

json_t *
wf_i18n_json(const wf_i18n_t *t)
{
    json_t *o = json_object();
    size_t  i;

    for (i = 0; t != NULL && i < t->n; i++)
        json_object_set_new(o, t->v[i].lang, json_string(t->v[i].text));
    return o;
}

static json_t *
actor_json(const principal_t *who, const char *role)
{
    json_t *a = json_object();

    json_object_set_new(a, "kind", json_string(who->kind == PRINCIPAL_SYSTEM
                                               ? "system" : "person"));
    if (who->kind == PRINCIPAL_PERSON) {
        json_object_set_new(a, "person", json_string(who->person_id));
        json_object_set_new(a, "space", who->space_id ? json_string(who->space_id)
                                                      : json_null());
    }
    json_object_set_new(a, "role", json_string(role));
    return a;
}

static json_t *
mails_json(const principal_t *who, const wf_def_t *def, const wf_demand_t *d,
           const wf_transition_t *t, const char *comment)
{
    json_t *a = json_array();
    size_t  i;

    for (i = 0; i < t->n_mails; i++) {
        const wf_mail_t *m = &t->mails[i];
        json_t          *o, *data;

        if (!strcmp(m->to, "actor") && who->kind != PRINCIPAL_PERSON)
            continue;
        o = json_object();
        json_object_set_new(o, "to", json_string(m->to));
        json_object_set_new(o, "template", json_string(m->template));
        if (!strcmp(m->to, "actor") && who->lang != NULL)
            json_object_set_new(o, "lang", json_string(who->lang));
        data = json_object();
        json_object_set_new(data, "demand", json_string(d->id));
        json_object_set_new(data, "reference", json_string(d->reference));
        json_object_set_new(data, "workflow", wf_i18n_json(&def->title));
        json_object_set_new(data, "state", wf_i18n_json(&t->to->label));
        json_object_set_new(data, "transition", wf_i18n_json(&t->label));
        /* a mail never goes out without the comment it should quote */
        if (comment != NULL && *comment
            && wf_json_set(data, "comment", json_string(comment)) != 0) {
            json_decref(data);
            json_decref(o);
            json_decref(a);
            return NULL;
        }
        json_object_set_new(o, "data", data);
        json_array_append_new(a, o);
    }
    return a;
}

/* The uploaded bytes as one bytea[] in PostgreSQL's binary array format:
 * ndim, has-nulls, element type, (size, lower bound), then (length, bytes)
 * per element, all big-endian. */
static char *
bytea_array(pool_t *p, const upload_t *const *files, int n, int *len)
{
    size_t   total = 20, i, off = 0;
    char    *b;
    uint32_t w;

    for (i = 0; i < (size_t) n; i++)
        total += 4 + files[i]->len;
    b = pool_alloc(p, total);
#define PUT32(v) do { w = htonl((uint32_t) (v)); memcpy(b + off, &w, 4); off += 4; } while (0)
    PUT32(1);           /* one dimension */
    PUT32(0);           /* no NULLs */
    PUT32(17);          /* bytea */
    PUT32(n);
    PUT32(1);           /* lower bound */
    for (i = 0; i < (size_t) n; i++) {
        PUT32(files[i]->len);
        memcpy(b + off, files[i]->data, files[i]->len);
        off += files[i]->len;
    }
#undef PUT32
    *len = (int) total;
    return b;
}

static void
count(int conflict)
{
    metrics_t *m = metrics_get();

    if (m != NULL)
        metrics_add(conflict ? &m->conflicts : &m->transitions, 1);
}

static int
conflict(en_err_t *err, wf_result_t *res, const char *state, int version,
         const char *last, const char *tid)
{
    count(1);
    if (res != NULL) {
        res->current_state = state;
        res->current_version = version;
        res->last_transition = last;
    }
    if (last != NULL && !strcmp(last, tid))
        return en_set(err, EN_CONFLICT, "wf.conflict.already_done", "already done");
    return en_set(err, EN_CONFLICT, "wf.conflict.moved_on",
                  "the demand has changed meanwhile; this step is no longer possible");
}

int
wf_fire_loaded(pool_t *p, en_err_t *err, const principal_t *who, const wf_demand_t *d,
               const char *tid, const wf_input_t *in, const char *timer_id,
               wf_result_t *result)
{
    const wf_def_t        *def;
    const wf_state_t      *s;
    const wf_transition_t *t;
    const char            *role = NULL, *comment = NULL, *params[2];
    wf_result_t            dummy;
    wf_input_check_t       c;
    json_t                *change, *effects, *answer;
    json_error_t           je;
    int                    lengths[2] = { 0, 0 }, formats[2] = { 0, 1 }, rc, bad = 0;
    PGresult              *res;
    const char            *status;

    if (result == NULL)
        result = &dummy;
    memset(result, 0, sizeof(*result));
    if ((def = wf_store_get(err, d->workflow_key, d->definition_version)) == NULL) {
        rc = err->code;
        /* a stranger learns nothing, not even that its procedure is broken */
        return not_yours(p, err, who, d) != EN_OK ? err->code : rc;
    }
    if ((t = wf_transition_find(def, tid)) == NULL) {
        /* a stranger gets "no such demand", not "no such step" */
        if ((rc = not_yours(p, err, who, d)) != EN_OK)
            return rc;
        return en_set(err, EN_NOTFOUND, "wf.transition.unknown", "no such step: %s", tid);
    }
    if (NEVER(t->to == NULL))           /* linked by wf_check_def */
        return en_set(err, EN_INTERNAL, "err.internal", "step %s leads nowhere", tid);
    if ((s = wf_state_find(def, d->state)) == NULL) {
        if ((rc = not_yours(p, err, who, d)) != EN_OK)
            return rc;
        return en_set(err, EN_INTERNAL, "err.internal", "demand %s in unknown state %s",
                      d->reference, d->state);
    }
    /* 1. the state: a double click arrives after the first click moved it
     * (told only to someone the demand concerns: not_yours) */
    if (!wf_transition_leaves(t, s)) {
        if ((rc = not_yours(p, err, who, d)) != EN_OK)
            return rc;
        return conflict(err, result, d->state, d->version,
                        t->to != NULL && !strcmp(d->state, t->to->id) ? tid : NULL, tid);
    }
    if (in != NULL && in->expected_version > 0 && in->expected_version != d->version) {
        if ((rc = not_yours(p, err, who, d)) != EN_OK)
            return rc;
        return conflict(err, result, d->state, d->version, NULL, tid);
    }
    /* 2. who */
    if ((rc = may_fire(p, err, who, d, t, &role)) != EN_OK)
        return rc;
    /* 3. guards, 4. input (wf_input.c) */
    wf_input_init(&c, p, d, in);
    wf_input_normalise(&c, demand_form(def, t, s));
    if ((rc = guards_hold(p, err, &c, who, def, t, s)) != EN_OK)
        return rc;
    wf_input_pages(&c, t->form, t->pages, t->n_pages, 1);
    comment = wf_input_comment(&c, t->comment, in != NULL ? in->comment : NULL);
    wf_input_attachments(&c, t);
    if ((rc = wf_input_verdict(&c, err, &result->errors, &result->nerrors)) != EN_OK)
        return rc;
    /* the effects last: a hook may still refuse the input (a wrong code) */
    if ((rc = wf_effect_prepare(p, err, who, d, t, &c, &effects)) != EN_OK) {
        if (rc == EN_BADINPUT
            && wf_input_verdict(&c, err, &result->errors, &result->nerrors) == EN_OK)
            return en_set(err, EN_INTERNAL, "err.internal",
                          "an effect refused the input without saying where");
        return rc;
    }
    /* arriving in a <decide>'s state: its items are opened (wf_decide.c) */
    if (t->to != s && (rc = wf_decide_arrival(p, err, def, d, c.set, t->to, effects)) != EN_OK)
        return rc;

    /* the change, as one document */
    change = json_object();
    pool_json(p, change);
    bad |= wf_json_set(change, "demand", json_string(d->id));
    bad |= wf_json_set(change, "version", json_integer(d->version));
    bad |= wf_json_set(change, "from", json_string(d->state));
    bad |= wf_json_set(change, "to", json_string(t->to->id));
    bad |= wf_json_set(change, "transition", json_string(t->id));
    bad |= wf_json_set(change, "bucket", json_string(wf_bucket_name(t->to->bucket)));
    bad |= wf_json_set(change, "progress", json_integer(t->to->progress));
    bad |= wf_json_set(change, "final", json_boolean(t->to->final));
    bad |= wf_json_set(change, "set", json_incref(c.set));
    bad |= wf_json_set(change, "unset", json_incref(c.unset));
    bad |= wf_json_set(change, "files", json_incref(c.files));
    bad |= wf_json_set(change, "actor", actor_json(who, role));
    bad |= wf_json_set(change, "comment", comment && *comment ? json_string(comment)
                                                               : json_null());
    bad |= wf_json_set(change, "request_id", who->request_id
                                              ? json_string(who->request_id) : json_null());
    if (timer_id != NULL)
        bad |= wf_json_set(change, "timer", json_string(timer_id));
    /* arriving in another state: its timers start now; a transition that
     * stays in its state (a message, a save) keeps the running ones */
    if (t->to != s)
        bad |= wf_json_set(change, "timers", timers_array(p, t->to, time(NULL)));
    bad |= wf_json_set(change, "mails", mails_json(who, def, d, t, comment));
    bad |= wf_json_set(change, "effects", json_incref(effects));
    bad |= wf_json_set(change, "data_roles", json_incref(
        wf_roles_of_data(p, def, wf_roles_data_after(p, d, c.set, c.unset))));
    if (bad)
        return en_set(err, EN_INTERNAL, "err.internal",
                      "the transition could not be put into JSON");
    params[0] = pool_json_dumps(p, change, JSON_COMPACT);
    params[1] = NULL;
    if (c.nfiles > 0)
        params[1] = bytea_array(p, c.file_list, c.nfiles, &lengths[1]);
    res = db_exec_prepared_bin(p, err, &apply_stmt, params, lengths, formats);
    if (res == NULL) {
        log_event(LOG_WARN, "transition refused by the database", "demand", d->id,
                  "transition", tid, "error", err->msg, "detail", err->detail,
                  "request_id", who->request_id ? who->request_id : "", NULL);
        if (err->code == EN_CONFLICT)
            return conflict(err, result, d->state, d->version, NULL, tid);
        /* an effect's refusal names its catalogue key (sql/0025: a space
         * rule, "spaceprocs.no_space"...): the page says that, not "error" */
        if (err->code == EN_BADINPUT && effect_refusal_key(err->msg))
            snprintf(err->key, sizeof(err->key), "%.63s", err->msg);
        return err->code;
    }
    answer = json_loads(db_val(res, 0, 0), 0, &je);
    if (answer == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "wf_apply gave no answer");
    pool_json(p, answer);
    status = json_string_value(json_object_get(answer, "status"));
    if (status == NULL || !strcmp(status, "notfound"))
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such demand");
    if (!strcmp(status, "conflict")) {
        json_t *last = json_object_get(answer, "last");

        return conflict(err, result,
                        pool_strdup(p, json_string_value(json_object_get(answer, "state"))),
                        (int) json_integer_value(json_object_get(answer, "version")),
                        json_is_string(last) ? pool_strdup(p, json_string_value(last)) : NULL,
                        tid);
    }
    result->state = pool_strdup(p, json_string_value(json_object_get(answer, "state")));
    result->version = (int) json_integer_value(json_object_get(answer, "version"));
    result->event_id = (long long) json_integer_value(json_object_get(answer, "event"));
    count(0);
    {
        char ver[16];

        snprintf(ver, sizeof(ver), "%d", result->version);
        log_event(LOG_INFO, "transition fired", "demand", d->id, "reference", d->reference,
                  "transition", tid, "from", d->state, "to", result->state, "version", ver,
                  "actor", who->kind == PRINCIPAL_SYSTEM ? "system" : who->person_id,
                  "request_id", who->request_id ? who->request_id : "", NULL);
    }
    return EN_OK;
}

int
wf_fire_change_system(pool_t *p, en_err_t *err, const principal_t *sys,
                      const wf_demand_t *d, const wf_transition_t *t, json_t **out)
{
    const wf_def_t   *def;
    const wf_state_t *s;
    wf_input_check_t  c;
    json_t           *change, *effects;
    int               rc, bad = 0;

    *out = NULL;
    if ((def = wf_store_get(err, d->workflow_key, d->definition_version)) == NULL)
        return err->code;
    if (NEVER(t->to == NULL) || (s = wf_state_find(def, d->state)) == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "step %s: no state", t->id);
    if (sys->kind != PRINCIPAL_SYSTEM || !wf_transition_allows(t, WF_BY_SYSTEM, NULL))
        return en_set(err, EN_FORBIDDEN, "authz.not_your_step",
                      "transition %s is not the system's", t->id);
    wf_input_init(&c, p, d, NULL);
    if ((rc = wf_effect_prepare(p, err, sys, d, t, &c, &effects)) != EN_OK)
        return rc;
    if (t->to != s && (rc = wf_decide_arrival(p, err, def, d, c.set, t->to, effects)) != EN_OK)
        return rc;
    change = json_object();
    pool_json(p, change);
    bad |= wf_json_set(change, "demand", json_string(d->id));
    bad |= wf_json_set(change, "version", json_integer(d->version));
    bad |= wf_json_set(change, "from", json_string(d->state));
    bad |= wf_json_set(change, "to", json_string(t->to->id));
    bad |= wf_json_set(change, "transition", json_string(t->id));
    bad |= wf_json_set(change, "bucket", json_string(wf_bucket_name(t->to->bucket)));
    bad |= wf_json_set(change, "progress", json_integer(t->to->progress));
    bad |= wf_json_set(change, "final", json_boolean(t->to->final));
    bad |= wf_json_set(change, "actor", actor_json(sys, "system"));
    bad |= wf_json_set(change, "comment", json_null());
    bad |= wf_json_set(change, "request_id", sys->request_id
                                              ? json_string(sys->request_id) : json_null());
    if (t->to != s)
        bad |= wf_json_set(change, "timers", timers_array(p, t->to, time(NULL)));
    bad |= wf_json_set(change, "mails", mails_json(sys, def, d, t, NULL));
    bad |= wf_json_set(change, "effects", json_incref(effects));
    if (bad)
        return en_set(err, EN_INTERNAL, "err.internal",
                      "the transition could not be put into JSON");
    *out = change;
    return EN_OK;
}

int
wf_fire(pool_t *p, en_err_t *err, const principal_t *who, const char *demand_id,
        const char *transition_id, const wf_input_t *input, wf_result_t *result)
{
    wf_demand_t *d;
    int          rc;

    if (result != NULL)
        memset(result, 0, sizeof(*result));
    if ((rc = wf_demand_load(p, err, demand_id, &d)) != EN_OK)
        return rc;
    return wf_fire_loaded(p, err, who, d, transition_id, input, NULL, result);
}

/* --- saving a draft ------------------------------------------------------------ */

/* wf_save after the load; ask_owner: whether the owner's step is still to
 * be asked (wf_save), or was asked by the caller in this request
 * (wf_save_loaded). */
static int
save_loaded(pool_t *p, en_err_t *err, const principal_t *who, const wf_demand_t *d,
            const wf_input_t *in, wf_result_t *result, int ask_owner);

int
wf_save(pool_t *p, en_err_t *err, const principal_t *who, const char *demand_id,
        const wf_input_t *in, wf_result_t *result)
{
    wf_demand_t *d;
    wf_result_t  dummy;
    int          rc;

    if (result == NULL)
        result = &dummy;
    memset(result, 0, sizeof(*result));
    if ((rc = wf_demand_load(p, err, demand_id, &d)) != EN_OK)
        return rc;
    return save_loaded(p, err, who, d, in, result, 1);
}

int
wf_save_loaded(pool_t *p, en_err_t *err, const principal_t *who, const wf_demand_t *d,
               const wf_input_t *in, wf_result_t *result)
{
    wf_result_t dummy;

    if (result == NULL)
        result = &dummy;
    memset(result, 0, sizeof(*result));
    return save_loaded(p, err, who, d, in, result, 0);
}

static int
save_loaded(pool_t *p, en_err_t *err, const principal_t *who, const wf_demand_t *d,
            const wf_input_t *in, wf_result_t *result, int ask_owner)
{
    const wf_def_t   *def;
    const wf_state_t *s;
    wf_input_check_t  c;
    json_t           *change, *answer;
    json_error_t      je;
    const char       *params[2], *status;
    int               lengths[2] = { 0, 0 }, formats[2] = { 0, 1 }, rc, bad = 0;
    size_t            i;
    PGresult         *res;

    if ((def = wf_store_get(err, d->workflow_key, d->definition_version)) == NULL)
        return err->code;
    if (who->kind == PRINCIPAL_SYSTEM)
        return en_set(err, EN_FORBIDDEN, "authz.not_your_step", "only a person edits");
    /* closed or changed: said only to someone the demand concerns (not_yours) */
    if ((s = wf_state_find(def, d->state)) == NULL || s->form == NULL) {
        if ((rc = not_yours(p, err, who, d)) != EN_OK)
            return rc;
        return en_set(err, EN_CONFLICT, "wf.save.closed",
                      "this demand can no longer be edited");
    }
    if (in != NULL && in->expected_version > 0 && in->expected_version != d->version) {
        if ((rc = not_yours(p, err, who, d)) != EN_OK)
            return rc;
        return conflict(err, result, d->state, d->version, NULL, "");
    }
    if (ask_owner
        && (rc = authz_check(p, err, who, AZ_FIRE_TRANSITION, d->id, "owner")) != EN_OK)
        return rc;
    wf_input_init(&c, p, d, in);
    wf_input_normalise(&c, s->form);
    wf_input_pages(&c, s->form, s->pages, s->n_pages, 0);
    if ((rc = wf_input_verdict(&c, err, &result->errors, &result->nerrors)) != EN_OK)
        return rc;
    change = json_object();
    pool_json(p, change);
    bad |= wf_json_set(change, "demand", json_string(d->id));
    bad |= wf_json_set(change, "version", json_integer(d->version));
    bad |= wf_json_set(change, "set", json_incref(c.set));
    bad |= wf_json_set(change, "unset", json_incref(c.unset));
    bad |= wf_json_set(change, "files", json_incref(c.files));
    bad |= wf_json_set(change, "actor", actor_json(who, "owner"));
    bad |= wf_json_set(change, "data_roles", json_incref(
        wf_roles_of_data(p, def, wf_roles_data_after(p, d, c.set, c.unset))));
    if (in != NULL && in->page != NULL && wf_page_find(s->form, in->page) != NULL)
        bad |= wf_json_set(change, "page", json_string(in->page));
    for (i = 0; i < s->n_timers; i++)
        if (s->timers[i]->purge)
            bad |= wf_json_set(change, "purge_due", json_string(
                wf_due_iso(p, time(NULL), &s->timers[i]->after)));
    if (bad)
        return en_set(err, EN_INTERNAL, "err.internal", "the save could not be put into JSON");
    params[0] = pool_json_dumps(p, change, JSON_COMPACT);
    params[1] = c.nfiles > 0 ? bytea_array(p, c.file_list, c.nfiles, &lengths[1]) : NULL;
    res = db_exec_prepared_bin(p, err, &save_stmt, params, lengths, formats);
    if (res == NULL)
        return err->code;
    answer = json_loads(db_val(res, 0, 0), 0, &je);
    if (answer == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "wf_save gave no answer");
    pool_json(p, answer);
    status = json_string_value(json_object_get(answer, "status"));
    if (status == NULL || !strcmp(status, "notfound"))
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such demand");
    if (!strcmp(status, "conflict"))
        return conflict(err, result, d->state, d->version, NULL, "");
    result->state = d->state;
    result->version = (int) json_integer_value(json_object_get(answer, "version"));
    return EN_OK;
}
