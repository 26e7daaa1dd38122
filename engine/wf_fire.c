/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_fire.c -- firing a transition (see wf_fire.h for the contract).
 *
 * Owns the checks that come before a write (state, actor, guards, form
 * input) and the one statement that writes: SELECT wf_apply(change, files)
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
#include "field.h"
#include "log.h"
#include "metrics.h"
#include "session.h"
#include "wf_store.h"

#define WF_COMMENT_MAX 5000         /* characters */
#define WF_MAX_FILES   32

/* The side effects this runtime implements; SQL wf_effect() has the same
 * list.  The checker knows the whole closed list (wf_action_name); an
 * action it accepts but that is not here yet is refused before anything
 * is written. */
static const char *const implemented_effects[] = { NULL };

static db_stmt_t apply_stmt =
    DB_STMT("wf_apply", 2, "SELECT wf_apply($1::jsonb, $2::bytea[])::text");
static db_stmt_t save_stmt =
    DB_STMT("wf_save", 2, "SELECT wf_save($1::jsonb, $2::bytea[])::text");

/* --- time ------------------------------------------------------------------- */

const char *
wf_time_iso(pool_t *p, time_t t)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    return pool_printf(p, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

const char *
wf_due_iso(pool_t *p, time_t now, const wf_duration_t *d)
{
    return wf_time_iso(p, wf_duration_add(now, d));
}

static void
jdecref(void *j)
{
    json_decref(j);
}

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
        json_object_set_new(o, "transition", t->purge || t->fire_id == NULL
                                             ? json_null() : json_string(t->fire_id));
        json_object_set_new(o, "due", json_string(wf_due_iso(p, now, &t->after)));
        json_array_append_new(a, o);
    }
    return a;
}

const char *
wf_timers_json(pool_t *p, const wf_state_t *s, time_t now)
{
    json_t     *a = timers_array(p, s, now);
    char       *text = json_dumps(a, JSON_COMPACT);
    const char *r = pool_strdup(p, text ? text : "[]");

    free(text);
    json_decref(a);
    return r;
}

/* --- input ------------------------------------------------------------------- */

typedef struct {
    pool_t             *p;
    const wf_demand_t  *d;
    const wf_input_t   *in;
    json_t             *set;        /* field -> normalised value */
    json_t             *unset;      /* [field] */
    json_t             *files;      /* [{field, index, filename, mime, kind}] */
    const upload_t     *file_list[WF_MAX_FILES];
    int                 nfiles;
    wf_field_error_t   *errors;
    int                 nerrors, cap;
    json_t             *norm;       /* input values normalised, for conditions */
} check_t;

static void
add_error(check_t *c, const char *field, const char *key, const char *arg)
{
    if (c->nerrors == c->cap) {
        wf_field_error_t *n;

        c->cap = c->cap ? c->cap * 2 : 8;
        n = pool_alloc(c->p, sizeof(*n) * (size_t) c->cap);
        if (c->nerrors > 0)
            memcpy(n, c->errors, sizeof(*n) * (size_t) c->nerrors);
        c->errors = n;
    }
    c->errors[c->nerrors].field = field;
    c->errors[c->nerrors].key = key;
    c->errors[c->nerrors].arg = arg;
    c->nerrors++;
}

/* The submitted text of a field: its one value, or for a multiple choice
 * every value sent under that name, one a line (field.c's convention).
 * NULL when the field was not sent at all. */
static const char *
input_text(check_t *c, const wf_field_t *f)
{
    const kv_t *kv;
    buf_t       b;
    int         found = 0;

    if (c->in == NULL)
        return NULL;
    buf_init(&b, c->p);
    buf_add(&b, "", 0);
    for (kv = c->in->form; kv != NULL; kv = kv->next) {
        if (strcmp(kv->name, f->name) != 0)
            continue;
        if (!f->rules.multiple)
            return kv->value;
        if (found)
            buf_putc(&b, '\n');
        buf_puts(&b, kv->value);
        found = 1;
    }
    return found ? b.data : NULL;
}

static const upload_t *
input_file(check_t *c, const char *name)
{
    const upload_t *u;

    for (u = c->in ? c->in->uploads : NULL; u != NULL; u = u->next)
        if (!strcmp(u->field, name) && u->len > 0)
            return u;
    return NULL;
}

/* The value a condition sees: what was sent (normalised when it is
 * valid), else what is stored, else "". */
static const char *
cond_value(check_t *c, const char *name)
{
    json_t     *v = json_object_get(c->norm, name);
    const char *s;

    if (json_is_string(v))
        return json_string_value(v);
    s = wf_demand_field(c->p, c->d, name);
    return s ? s : "";
}

static int
cond_holds(check_t *c, const wf_cond_t *cond)
{
    const char *v, *line, *nl;
    size_t      i;
    int         match = 0;

    if (cond == NULL || cond->text == NULL || cond->field_name == NULL)
        return 1;
    v = cond_value(c, cond->field_name);
    /* a multiple choice matches when any of its lines does */
    for (line = v; line != NULL && !match; line = nl ? nl + 1 : NULL) {
        size_t n;

        nl = strchr(line, '\n');
        n = nl ? (size_t) (nl - line) : strlen(line);
        for (i = 0; i < cond->n_values && !match; i++)
            if (strlen(cond->values[i]) == n && !strncmp(cond->values[i], line, n))
                match = 1;
        if (*v == '\0')
            break;
    }
    return cond->negate ? !match : match;
}

/* First pass: every sent value of the form normalised (required-ness
 * aside), so that conditions compare "yes" with "yes" whatever the user
 * typed ("oui", "Ja"). */
static void
normalise_all(check_t *c, const wf_form_t *form)
{
    size_t i, j;

    for (i = 0; form != NULL && i < form->n_pages; i++)
        for (j = 0; j < form->pages[i].n_fields; j++) {
            const wf_field_t *f = &form->pages[i].fields[j];
            const char       *t;
            field_rules_t     r;
            field_result_t    res;

            if (f->type == FIELD_FILE || f->type < 0 || (t = input_text(c, f)) == NULL)
                continue;
            r = f->rules;
            r.required = 0;
            res = field_validate(c->p, (field_type_t) f->type, &r, t);
            json_object_set_new(c->norm, f->name, json_string(res.key ? t : res.value));
        }
}

static int
stored_document(check_t *c, const char *name)
{
    json_t *v = c->d->form_json ? json_object_get((json_t *) c->d->form_json, name) : NULL;

    return json_is_object(v) && json_object_get(v, "document") != NULL;
}

static void
add_file(check_t *c, const upload_t *u, const char *field, const char *mime,
         const char *kind)
{
    json_t *o;

    if (c->nfiles == WF_MAX_FILES) {
        add_error(c, field, "wf.too_many_files", NULL);
        return;
    }
    c->file_list[c->nfiles++] = u;
    o = json_object();
    json_object_set_new(o, "field", json_string(field));
    json_object_set_new(o, "index", json_integer(c->nfiles));
    json_object_set_new(o, "filename", json_string(u->filename && *u->filename
                                                   ? u->filename : field));
    json_object_set_new(o, "mime", json_string(mime));
    json_object_set_new(o, "kind", json_string(kind));
    json_array_append_new(c->files, o);
}

/* Validates one field.  full: required-ness applies and an absent value
 * falls back on the stored one; else (saving a draft) only what was sent
 * is checked. */
static void
check_field(check_t *c, const wf_field_t *f, int shown, int full)
{
    field_rules_t  r = f->rules;
    field_result_t res;
    const char    *t;

    if (json_object_get(c->set, f->name) != NULL)
        return;                       /* on two validated pages: once */
    if (!shown) {
        /* a hidden field keeps no stale value */
        if (wf_demand_field(c->p, c->d, f->name) != NULL)
            json_array_append_new(c->unset, json_string(f->name));
        return;
    }
    if (full && f->required_when.text != NULL && cond_holds(c, &f->required_when))
        r.required = 1;
    if (!full)
        r.required = 0;
    if (f->type == FIELD_FILE) {
        const upload_t *u = input_file(c, f->name);

        if (u != NULL) {
            res = field_validate_file(c->p, &r, u->data, u->len);
            if (res.key != NULL)
                add_error(c, f->name, res.key, res.arg);
            else
                add_file(c, u, f->name, res.value, "field");
        } else if (r.required && !stored_document(c, f->name)) {
            add_error(c, f->name, "field.required", NULL);
        }
        return;
    }
    if (f->type < 0) {
        add_error(c, f->name, "wf.field.unknown_type", f->type_name);
        return;
    }
    t = input_text(c, f);
    if (t == NULL) {
        const char *stored;

        if (!full)
            return;
        stored = wf_demand_field(c->p, c->d, f->name);
        /* what was saved earlier was valid then; required-ness is now */
        if (r.required && (stored == NULL || *stored == '\0'))
            add_error(c, f->name, "field.required", NULL);
        return;
    }
    res = field_validate(c->p, (field_type_t) f->type, &r, t);
    if (res.key != NULL)
        add_error(c, f->name, res.key, res.arg);
    else
        json_object_set_new(c->set, f->name, json_string(res.value));
}

static void
check_page(check_t *c, const wf_page_t *pg, int full)
{
    int    shown = cond_holds(c, &pg->shown_when);
    size_t j;

    for (j = 0; j < pg->n_fields; j++) {
        const wf_field_t *f = &pg->fields[j];

        check_field(c, f, shown && cond_holds(c, &f->shown_when), full);
    }
}

/* The pages a transition validates: its pages= list, else its whole form. */
static void
check_pages(check_t *c, const wf_form_t *form, wf_page_t *const *pages, size_t n,
            int full)
{
    size_t i;

    if (form == NULL)
        return;
    if (n == 0)
        for (i = 0; i < form->n_pages; i++)
            check_page(c, &form->pages[i], full);
    else
        for (i = 0; i < n; i++)
            if (pages[i] != NULL)
                check_page(c, pages[i], full);
}

static void
check_init(check_t *c, pool_t *p, const wf_demand_t *d, const wf_input_t *in)
{
    memset(c, 0, sizeof(*c));
    c->p = p;
    c->d = d;
    c->in = in;
    c->set = json_object();
    c->unset = json_array();
    c->files = json_array();
    c->norm = json_object();
    pool_on_free(p, jdecref, c->norm);
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

static int
guards_hold(pool_t *p, en_err_t *err, check_t *c, const wf_who_t *who,
            const wf_def_t *def, const wf_transition_t *t, const wf_state_t *s)
{
    size_t i;

    for (i = 0; i < t->n_guards; i++) {
        const wf_guard_t *g = &t->guards[i];

        switch (g->kind) {
        case WF_GUARD_FORM_COMPLETE:
            check_pages(c, demand_form(def, t, s), NULL, 0, 1);
            break;
        case WF_GUARD_ASSURANCE:
            if (who->kind == WF_WHO_PERSON && who->assurance < g->level)
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
            if (!cond_holds(c, &cond))
                return en_set(err, EN_FORBIDDEN, "wf.guard.field",
                              "this step does not apply to this demand");
            break;
        }
        case WF_GUARD_NOT_OWNER:
            if (who->kind == WF_WHO_PERSON && who->person_id != NULL
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
            const char *kind = NULL;
            size_t      k;
            int         ok = 0;

            if (c->d->owner_space_id != NULL) {
                const char *v[1] = { c->d->owner_space_id };
                PGresult   *res = db_exec(p, err,
                    "SELECT e.legal_form FROM spaces s JOIN entities e ON e.id = s.entity_id"
                    " WHERE s.id = $1::uuid", 1, v);

                if (res == NULL)
                    return err->code;
                if (PQntuples(res) == 1)
                    kind = entity_kind(db_val(res, 0, 0));
            }
            for (k = 0; kind != NULL && k < g->n_values; k++)
                if (!strcmp(g->values[k], kind))
                    ok = 1;
            if (!ok)
                return en_set(err, EN_FORBIDDEN, "wf.guard.entity_kind",
                              "this procedure is not open to this kind of entity");
            break;
        }
        default:
            /* ide-registered, avs-registered: the registers come with the
             * procedures that need them */
            return en_set(err, EN_INTERNAL, "wf.guard.not_implemented",
                          "guard not implemented: %s", g->text ? g->text : "?");
        }
    }
    return EN_OK;
}

/* --- who ------------------------------------------------------------------------ */

const char *
wf_people_roles(pool_t *p, const wf_transition_t *t)
{
    buf_t  b;
    size_t i;

    buf_init(&b, p);
    buf_add(&b, "", 0);
    for (i = 0; i < t->n_by; i++) {
        if (t->by[i].kind == WF_BY_SYSTEM)
            continue;
        if (b.len > 0)
            buf_putc(&b, ' ');
        buf_puts(&b, t->by[i].text);
    }
    return b.data;
}

static int
may_fire(pool_t *p, en_err_t *err, const wf_who_t *who, const wf_demand_t *d,
         const wf_transition_t *t, const char **role)
{
    const char *roles;
    int         rc;

    if (who->kind == WF_WHO_SYSTEM) {
        if (!wf_transition_allows(t, WF_BY_SYSTEM, NULL))
            return en_set(err, EN_FORBIDDEN, "authz.not_your_step",
                          "transition %s is not open to the system", t->id);
        *role = "system";
        return EN_OK;
    }
    roles = wf_people_roles(p, t);
    if (*roles == '\0' || who->r == NULL)
        return en_set(err, EN_FORBIDDEN, "authz.not_your_step",
                      "transition %s is not open to people", t->id);
    /* one question for the whole list: one round trip */
    rc = authz_check(who->r, AZ_FIRE_TRANSITION, d->id, roles);
    if (rc != EN_OK) {
        if (err != &who->r->err)
            *err = who->r->err;
        return rc;
    }
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
not_yours(en_err_t *err, const wf_who_t *who, const wf_demand_t *d)
{
    int rc;

    if (who->kind == WF_WHO_SYSTEM || who->r == NULL)
        return EN_OK;
    rc = authz_check(who->r, AZ_VIEW_DEMAND, d->id, NULL);
    if (rc != EN_OK && err != &who->r->err)
        *err = who->r->err;
    return rc;
}

/* --- the change --------------------------------------------------------------- */

static json_t *
i18n_json(const wf_i18n_t *t)
{
    json_t *o = json_object();
    size_t  i;

    for (i = 0; t != NULL && i < t->n; i++)
        json_object_set_new(o, t->v[i].lang, json_string(t->v[i].text));
    return o;
}

static json_t *
actor_json(const wf_who_t *who, const char *role)
{
    json_t *a = json_object();

    json_object_set_new(a, "kind", json_string(who->kind == WF_WHO_SYSTEM
                                               ? "system" : "person"));
    if (who->kind == WF_WHO_PERSON) {
        json_object_set_new(a, "person", json_string(who->person_id));
        json_object_set_new(a, "space", who->space_id ? json_string(who->space_id)
                                                      : json_null());
    }
    json_object_set_new(a, "role", json_string(role));
    return a;
}

static json_t *
mails_json(const wf_who_t *who, const wf_def_t *def, const wf_demand_t *d,
           const wf_transition_t *t, const char *comment)
{
    json_t *a = json_array();
    size_t  i;

    for (i = 0; i < t->n_mails; i++) {
        const wf_mail_t *m = &t->mails[i];
        json_t          *o, *data;

        if (!strcmp(m->to, "actor") && who->kind != WF_WHO_PERSON)
            continue;
        o = json_object();
        json_object_set_new(o, "to", json_string(m->to));
        json_object_set_new(o, "template", json_string(m->template));
        if (!strcmp(m->to, "actor") && who->lang != NULL)
            json_object_set_new(o, "lang", json_string(who->lang));
        data = json_object();
        json_object_set_new(data, "demand", json_string(d->id));
        json_object_set_new(data, "reference", json_string(d->reference));
        json_object_set_new(data, "workflow", i18n_json(&def->title));
        json_object_set_new(data, "state", i18n_json(&t->to->label));
        json_object_set_new(data, "transition", i18n_json(&t->label));
        if (comment != NULL && *comment)
            json_object_set_new(data, "comment", json_string(comment));
        json_object_set_new(o, "data", data);
        json_array_append_new(a, o);
    }
    return a;
}

static int
effects_ok(en_err_t *err, const wf_transition_t *t, json_t **out)
{
    size_t i, j, k;

    *out = json_array();
    for (i = 0; i < t->n_effects; i++) {
        const wf_effect_t *e = &t->effects[i];
        json_t            *o, *args;
        int                known = 0;

        for (k = 0; implemented_effects[k] != NULL; k++)
            if (!strcmp(implemented_effects[k], e->action))
                known = 1;
        if (!known) {
            json_decref(*out);
            *out = NULL;
            return en_set(err, EN_INTERNAL, "wf.effect.not_implemented",
                          "effect not implemented: %s", e->action);
        }
        o = json_object();
        args = json_object();
        for (j = 0; j < e->n_args; j++)
            json_object_set_new(args, e->args[j].name, json_string(e->args[j].value));
        json_object_set_new(o, "name", json_string(e->action));
        json_object_set_new(o, "args", args);
        json_array_append_new(*out, o);
    }
    return EN_OK;
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

static const char *
trimmed(pool_t *p, const char *s)
{
    const char *e;

    if (s == NULL)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    return pool_strndup(p, s, (size_t) (e - s));
}

static size_t
utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (((unsigned char) *s & 0xc0) != 0x80)
            n++;
    return n;
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
wf_fire_loaded(pool_t *p, en_err_t *err, const wf_who_t *who, const wf_demand_t *d,
               const char *tid, const wf_input_t *in, const char *timer_id,
               wf_result_t *result)
{
    const wf_def_t        *def;
    const wf_state_t      *s;
    const wf_transition_t *t;
    const char            *role = NULL, *comment = NULL, *params[2];
    wf_result_t            dummy;
    check_t                c;
    json_t                *change, *effects, *answer;
    json_error_t           je;
    char                  *text;
    int                    lengths[2] = { 0, 0 }, formats[2] = { 0, 1 }, rc;
    size_t                 i;
    PGresult              *res;
    const char            *status;

    if (result == NULL)
        result = &dummy;
    memset(result, 0, sizeof(*result));
    if ((def = wf_store_get(err, d->workflow_key, d->definition_version)) == NULL)
        return err->code;
    if ((t = wf_transition_find(def, tid)) == NULL) {
        /* a stranger gets "no such demand", not "no such step" */
        if ((rc = not_yours(err, who, d)) != EN_OK)
            return rc;
        return en_set(err, EN_NOTFOUND, "wf.transition.unknown", "no such step: %s", tid);
    }
    if ((s = wf_state_find(def, d->state)) == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "demand %s in unknown state %s",
                      d->reference, d->state);
    /* 1. the state: a double click arrives after the first click moved it
     * (told only to someone the demand concerns: not_yours) */
    if (!wf_transition_leaves(t, s)) {
        if ((rc = not_yours(err, who, d)) != EN_OK)
            return rc;
        return conflict(err, result, d->state, d->version,
                        t->to != NULL && !strcmp(d->state, t->to->id) ? tid : NULL, tid);
    }
    if (in != NULL && in->expected_version > 0 && in->expected_version != d->version) {
        if ((rc = not_yours(err, who, d)) != EN_OK)
            return rc;
        return conflict(err, result, d->state, d->version, NULL, tid);
    }
    /* 2. who */
    if ((rc = may_fire(p, err, who, d, t, &role)) != EN_OK)
        return rc;
    /* 3. guards, 4. input */
    check_init(&c, p, d, in);
    pool_on_free(p, jdecref, c.set);
    pool_on_free(p, jdecref, c.unset);
    pool_on_free(p, jdecref, c.files);
    normalise_all(&c, demand_form(def, t, s));
    if ((rc = guards_hold(p, err, &c, who, def, t, s)) != EN_OK)
        return rc;
    check_pages(&c, t->form, t->pages, t->n_pages, 1);
    if (t->comment != WF_COMMENT_NONE && in != NULL)
        comment = trimmed(p, in->comment);
    if (t->comment == WF_COMMENT_REQUIRED && (comment == NULL || *comment == '\0'))
        add_error(&c, "comment", "wf.comment.required", NULL);
    else if (comment != NULL && utf8_chars(comment) > WF_COMMENT_MAX)
        add_error(&c, "comment", "wf.comment.too_long", "5000");
    for (i = 0; i < t->n_attach; i++) {
        const wf_attach_t *a = &t->attach[i];
        const upload_t    *u = input_file(&c, a->name);

        if (u != NULL) {
            field_result_t fr = field_validate_file(p, &a->rules, u->data, u->len);

            if (fr.key != NULL)
                add_error(&c, a->name, fr.key, fr.arg);
            else
                add_file(&c, u, a->name, fr.value, "attachment");
        } else if (a->rules.required) {
            add_error(&c, a->name, "field.required", NULL);
        }
    }
    if (c.nerrors > 0) {
        result->errors = c.errors;
        result->nerrors = c.nerrors;
        return en_set(err, EN_BADINPUT, "wf.input.invalid",
                      "%d field(s) to correct", c.nerrors);
    }
    if ((rc = effects_ok(err, t, &effects)) != EN_OK)
        return rc;

    /* the change, as one document */
    change = json_object();
    pool_on_free(p, jdecref, change);
    json_object_set_new(change, "demand", json_string(d->id));
    json_object_set_new(change, "version", json_integer(d->version));
    json_object_set_new(change, "from", json_string(d->state));
    json_object_set_new(change, "to", json_string(t->to->id));
    json_object_set_new(change, "transition", json_string(t->id));
    json_object_set_new(change, "bucket", json_string(wf_bucket_name(t->to->bucket)));
    json_object_set_new(change, "progress", json_integer(t->to->progress));
    json_object_set_new(change, "final", json_boolean(t->to->final));
    json_object_set(change, "set", c.set);
    json_object_set(change, "unset", c.unset);
    json_object_set(change, "files", c.files);
    json_object_set_new(change, "actor", actor_json(who, role));
    json_object_set_new(change, "comment", comment && *comment ? json_string(comment)
                                                               : json_null());
    json_object_set_new(change, "request_id", who->request_id
                                              ? json_string(who->request_id) : json_null());
    if (timer_id != NULL)
        json_object_set_new(change, "timer", json_string(timer_id));
    /* arriving in another state: its timers start now; a transition that
     * stays in its state (a message, a save) keeps the running ones */
    if (t->to != s)
        json_object_set_new(change, "timers", timers_array(p, t->to, time(NULL)));
    json_object_set_new(change, "mails", mails_json(who, def, d, t, comment));
    json_object_set_new(change, "effects", effects);
    text = json_dumps(change, JSON_COMPACT);
    params[0] = pool_strdup(p, text);
    free(text);
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
        return err->code;
    }
    answer = json_loads(db_val(res, 0, 0), 0, &je);
    if (answer == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "wf_apply gave no answer");
    pool_on_free(p, jdecref, answer);
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
                  "actor", who->kind == WF_WHO_SYSTEM ? "system" : who->person_id,
                  "request_id", who->request_id ? who->request_id : "", NULL);
    }
    return EN_OK;
}

int
wf_fire(pool_t *p, en_err_t *err, const wf_who_t *who, const char *demand_id,
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
save_loaded(pool_t *p, en_err_t *err, const wf_who_t *who, const wf_demand_t *d,
            const wf_input_t *in, wf_result_t *result, int ask_owner);

int
wf_save(pool_t *p, en_err_t *err, const wf_who_t *who, const char *demand_id,
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
wf_save_loaded(pool_t *p, en_err_t *err, const wf_who_t *who, const wf_demand_t *d,
               const wf_input_t *in, wf_result_t *result)
{
    wf_result_t dummy;

    if (result == NULL)
        result = &dummy;
    memset(result, 0, sizeof(*result));
    return save_loaded(p, err, who, d, in, result, 0);
}

static int
save_loaded(pool_t *p, en_err_t *err, const wf_who_t *who, const wf_demand_t *d,
            const wf_input_t *in, wf_result_t *result, int ask_owner)
{
    const wf_def_t   *def;
    const wf_state_t *s;
    check_t           c;
    json_t           *change, *answer;
    json_error_t      je;
    char             *text;
    const char       *params[2], *status;
    int               lengths[2] = { 0, 0 }, formats[2] = { 0, 1 }, rc;
    size_t            i;
    PGresult         *res;

    if ((def = wf_store_get(err, d->workflow_key, d->definition_version)) == NULL)
        return err->code;
    if (who->kind != WF_WHO_PERSON || who->r == NULL)
        return en_set(err, EN_FORBIDDEN, "authz.not_your_step", "only a person edits");
    /* closed or changed: said only to someone the demand concerns (not_yours) */
    if ((s = wf_state_find(def, d->state)) == NULL || s->form == NULL) {
        if ((rc = not_yours(err, who, d)) != EN_OK)
            return rc;
        return en_set(err, EN_CONFLICT, "wf.save.closed",
                      "this demand can no longer be edited");
    }
    if (in != NULL && in->expected_version > 0 && in->expected_version != d->version) {
        if ((rc = not_yours(err, who, d)) != EN_OK)
            return rc;
        return conflict(err, result, d->state, d->version, NULL, "");
    }
    if (ask_owner
        && (rc = authz_check(who->r, AZ_FIRE_TRANSITION, d->id, "owner")) != EN_OK) {
        if (err != &who->r->err)
            *err = who->r->err;
        return rc;
    }
    check_init(&c, p, d, in);
    pool_on_free(p, jdecref, c.set);
    pool_on_free(p, jdecref, c.unset);
    pool_on_free(p, jdecref, c.files);
    normalise_all(&c, s->form);
    check_pages(&c, s->form, s->pages, s->n_pages, 0);
    if (c.nerrors > 0) {
        result->errors = c.errors;
        result->nerrors = c.nerrors;
        return en_set(err, EN_BADINPUT, "wf.input.invalid",
                      "%d field(s) to correct", c.nerrors);
    }
    change = json_object();
    pool_on_free(p, jdecref, change);
    json_object_set_new(change, "demand", json_string(d->id));
    json_object_set_new(change, "version", json_integer(d->version));
    json_object_set(change, "set", c.set);
    json_object_set(change, "unset", c.unset);
    json_object_set(change, "files", c.files);
    json_object_set_new(change, "actor", actor_json(who, "owner"));
    for (i = 0; i < s->n_timers; i++)
        if (s->timers[i]->purge)
            json_object_set_new(change, "purge_due", json_string(
                wf_due_iso(p, time(NULL), &s->timers[i]->after)));
    text = json_dumps(change, JSON_COMPACT);
    params[0] = pool_strdup(p, text);
    free(text);
    params[1] = c.nfiles > 0 ? bytea_array(p, c.file_list, c.nfiles, &lengths[1]) : NULL;
    res = db_exec_prepared_bin(p, err, &save_stmt, params, lengths, formats);
    if (res == NULL)
        return err->code;
    answer = json_loads(db_val(res, 0, 0), 0, &je);
    if (answer == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "wf_save gave no answer");
    pool_on_free(p, jdecref, answer);
    status = json_string_value(json_object_get(answer, "status"));
    if (status == NULL || !strcmp(status, "notfound"))
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such demand");
    if (!strcmp(status, "conflict"))
        return conflict(err, result, d->state, d->version, NULL, "");
    result->state = d->state;
    result->version = (int) json_integer_value(json_object_get(answer, "version"));
    return EN_OK;
}
