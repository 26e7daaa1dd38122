/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_demand.c -- creating, loading, listing and counting demands (see
 * wf_demand.h).
 *
 * Owns the SQL that reads `demands` and the one that creates a row
 * (wf_create(), with its reference number, its 'create' event and its
 * initial timers in one round trip; wf_duplicate(), the same with the
 * values and documents of an earlier demand, sql/0015).  State changes are wf_fire.c's.
 * Rows travel as jsonb (to_jsonb(demands)) parsed with jansson, so that a
 * column added later does not shift any index here.
 */
#include "wf_demand.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authz.h"
#include "db.h"
#include "log.h"
#include "pool_json.h"
#include "wf_fire.h"
#include "wf_store.h"

/* --- pure parts ------------------------------------------------------------- */

const char *
wf_reference_format(pool_t *p, int year, long n)
{
    return pool_printf(p, "%04d-%06ld", year, n);
}

int
wf_reference_ok(const char *s)
{
    size_t i, n;

    if (s == NULL)
        return 0;
    n = strlen(s);
    if (n < 11 || n > 20 || s[4] != '-')
        return 0;
    for (i = 0; i < n; i++)
        if (i != 4 && !isdigit((unsigned char) s[i]))
            return 0;
    return 1;
}

int
wf_uuid_ok(const char *s)
{
    static const int dash[] = { 8, 13, 18, 23 };
    int              i, k = 0;

    if (s == NULL || strlen(s) != 36)
        return 0;
    for (i = 0; i < 36; i++) {
        if (k < 4 && i == dash[k]) {
            if (s[i] != '-')
                return 0;
            k++;
        } else if (!isxdigit((unsigned char) s[i]))
            return 0;
    }
    return 1;
}

/* --- rows -------------------------------------------------------------------- */

static const char *
jstr(pool_t *p, json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    return json_is_string(v) ? pool_strdup(p, json_string_value(v)) : NULL;
}

static int
jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    return json_is_integer(v) ? (int) json_integer_value(v) : 0;
}

wf_demand_t *
wf_demand_from_json(pool_t *p, const char *text, en_err_t *err)
{
    json_error_t je;
    json_t      *o = json_loads(text, 0, &je), *fd;
    wf_demand_t *d;

    if (o == NULL || !json_is_object(o)) {
        json_decref(o);
        en_set(err, EN_INTERNAL, "err.internal", "demand row is not JSON");
        return NULL;
    }
    pool_json(p, o);
    d = pool_calloc(p, sizeof(*d));
    d->id = jstr(p, o, "id");
    d->reference = jstr(p, o, "reference");
    d->workflow_key = jstr(p, o, "workflow_key");
    d->definition_version = jint(o, "definition_version");
    d->state = jstr(p, o, "state");
    d->bucket = jstr(p, o, "bucket");
    d->progress = jint(o, "progress");
    d->is_final = json_is_true(json_object_get(o, "is_final"));
    d->owner_person_id = jstr(p, o, "owner_person_id");
    d->owner_space_id = jstr(p, o, "owner_space_id");
    d->lang = jstr(p, o, "lang");
    d->version = jint(o, "version");
    d->created_at = jstr(p, o, "created_at");
    d->updated_at = jstr(p, o, "updated_at");
    d->submitted_at = jstr(p, o, "submitted_at");
    d->state_since = jstr(p, o, "state_since");
    d->pages_saved = json_is_array(json_object_get(o, "pages_saved"))
                     ? json_object_get(o, "pages_saved") : NULL;
    fd = json_object_get(o, "form_data");
    if (json_is_object(fd)) {
        const char *s = pool_json_dumps(p, fd, JSON_COMPACT);

        d->form_data = s ? s : "{}";
        d->form_json = fd;
    } else {
        d->form_data = "{}";
    }
    return d;
}

int
wf_demand_page_saved(const wf_demand_t *d, const char *page_id)
{
    json_t *v;
    size_t  i;

    if (d == NULL || d->pages_saved == NULL || page_id == NULL)
        return 0;
    json_array_foreach((json_t *) d->pages_saved, i, v)
        if (json_is_string(v) && !strcmp(json_string_value(v), page_id))
            return 1;
    return 0;
}

const char *
wf_demand_field(pool_t *p, const wf_demand_t *d, const char *name)
{
    json_t     *v;
    const char *s;

    if (d == NULL || d->form_json == NULL || name == NULL)
        return NULL;
    v = json_object_get((json_t *) d->form_json, name);
    if (v == NULL || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return pool_strdup(p, json_string_value(v));
    s = pool_json_dumps(p, v, JSON_COMPACT | JSON_ENCODE_ANY);
    return s ? s : "";
}

static db_stmt_t load_id_stmt =
    DB_STMT("wf_demand_load", 1, "SELECT to_jsonb(d) FROM demands d WHERE d.id = $1::uuid");
static db_stmt_t load_ref_stmt =
    DB_STMT("wf_demand_by_reference", 1,
            "SELECT to_jsonb(d) FROM demands d WHERE d.reference = $1");

static int
load_by(pool_t *p, en_err_t *err, db_stmt_t *st, const char *arg, wf_demand_t **out)
{
    const char *v[1] = { arg };
    PGresult   *res;

    *out = NULL;
    if ((res = db_exec_prepared(p, err, st, v)) == NULL)
        return err->code;
    if (PQntuples(res) == 0)
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such demand");
    *out = wf_demand_from_json(p, db_val(res, 0, 0), err);
    return *out ? EN_OK : err->code;
}

int
wf_demand_load(pool_t *p, en_err_t *err, const char *id, wf_demand_t **out)
{
    if (!wf_uuid_ok(id)) {
        *out = NULL;
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such demand");
    }
    return load_by(p, err, &load_id_stmt, id, out);
}

static db_stmt_t load_as_stmt =
    DB_STMT("wf_demand_load_as", 5,
            "SELECT m.verdict, m.reason,"
            "       (SELECT to_jsonb(d) FROM demands d"
            "         WHERE d.id = $3::text::uuid AND m.verdict = 'allow')"
            "  FROM authz_may($1::uuid, $2::uuid, $4, $3::text, $5) m");

int
wf_demand_load_as(pool_t *p, en_err_t *err, const principal_t *who, az_action_t action,
                  const char *arg, const char *id, wf_demand_t **out)
{
    const char *v[5];
    PGresult   *res;
    int         rc;

    *out = NULL;
    if (who == NULL || who->kind != PRINCIPAL_PERSON || who->person_id == NULL
        || !wf_uuid_ok(id)
        || (action == AZ_FIRE_TRANSITION && (arg == NULL || *arg == '\0'))) {
        /* authz_check's own answer for what is not asked of the database */
        if ((rc = authz_check(p, err, who, action, id, arg)) != EN_OK)
            return rc;
        return wf_demand_load(p, err, id, out);
    }
    v[0] = who->person_id;
    v[1] = who->space_id;
    v[2] = id;
    v[3] = authz_action_name(action);
    v[4] = arg;
    if ((res = db_exec_prepared(p, err, &load_as_stmt, v)) == NULL)
        return err->code;
    if (PQntuples(res) != 1)
        return en_set(err, EN_INTERNAL, "err.internal", "authz_may gave no answer");
    if ((rc = authz_verdict(err, who, action, id, db_val(res, 0, 0),
                            db_isnull(res, 0, 1) ? NULL : db_val(res, 0, 1))) != EN_OK)
        return rc;
    if (db_isnull(res, 0, 2))
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such demand");
    *out = wf_demand_from_json(p, db_val(res, 0, 2), err);
    return *out ? EN_OK : err->code;
}

int
wf_demand_by_reference(pool_t *p, en_err_t *err, const char *reference,
                       wf_demand_t **out)
{
    if (!wf_reference_ok(reference)) {
        *out = NULL;
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such demand");
    }
    return load_by(p, err, &load_ref_stmt, reference, out);
}

/* --- creation ------------------------------------------------------------------ */

static db_stmt_t create_stmt = DB_STMT("wf_create", 1, "SELECT wf_create($1::jsonb)::text");

const char *
wf_audience_arg(pool_t *p, const wf_audience_t *a)
{
    const char *space = a->space == WF_SPACE_PERSONAL ? "personal"
                        : a->space == WF_SPACE_PROFESSIONAL ? "professional" : "any";
    buf_t       b;
    size_t      i;

    if (a->n_entity_kinds == 0)
        return space;
    buf_init(&b, p);
    buf_printf(&b, "%s:", space);
    for (i = 0; i < a->n_entity_kinds; i++)
        buf_printf(&b, "%s%s", i ? " " : "", a->entity_kinds[i]);
    return b.data;
}

/* The audience, judged before authz: a demand for a legal person is
 * refused up front from a personal space, with the definition's reason.
 * 1 when it passes, else 0 with st filled. */
static int
audience_ok(const principal_t *who, const wf_def_t *def, wf_start_t *st)
{
    const wf_audience_t *a = &def->audience;

    memset(st, 0, sizeof(*st));
    if ((a->space == WF_SPACE_PROFESSIONAL && who->space_id == NULL)
        || (a->space == WF_SPACE_PERSONAL && who->space_id != NULL)) {
        st->reason = a->space == WF_SPACE_PROFESSIONAL ? "wf.audience.professional"
                                                       : "wf.audience.personal";
        st->words = wf_i18n_get(&a->refusal, who->lang);
        return 0;
    }
    if ((int) a->assurance > who->assurance) {
        st->reason = "wf.audience.assurance";
        return 0;
    }
    return 1;
}

/* The questions of wf_may_start_many: the audience judged here first, the
 * rest asked of authz_may_many in one batch; at[i], the question of defs[i]
 * (-1: refused by its audience, out[i] already says why). */
struct wf_start_batch {
    size_t        n;
    int           nq;
    az_action_t  *acts;
    const char  **objs, **args;
    int          *at;
    wf_start_t   *out;
};

static wf_start_batch_t *
start_batch(pool_t *p, const principal_t *who, size_t n, const wf_def_t *const *defs,
            wf_start_t *out)
{
    wf_start_batch_t *b = pool_calloc(p, sizeof(*b));
    size_t            i;

    b->n = n;
    b->out = out;
    b->acts = pool_calloc(p, sizeof(*b->acts) * (n + 1));
    b->objs = pool_calloc(p, sizeof(*b->objs) * (n + 1));
    b->args = pool_calloc(p, sizeof(*b->args) * (n + 1));
    b->at = pool_calloc(p, sizeof(*b->at) * (n + 1));
    for (i = 0; i < n; i++) {
        b->at[i] = -1;
        if (!audience_ok(who, defs[i], &out[i]))
            continue;
        b->at[i] = b->nq;
        b->acts[b->nq] = AZ_START_DEMAND;
        b->objs[b->nq] = defs[i]->id;
        b->args[b->nq++] = wf_audience_arg(p, &defs[i]->audience);
    }
    return b;
}

static void
start_apply(const wf_start_batch_t *b, const int *ok, const char *const *why)
{
    size_t i;

    for (i = 0; i < b->n; i++) {
        if (b->at[i] < 0)
            continue;
        b->out[i].allowed = ok[b->at[i]];
        b->out[i].hidden = !ok[b->at[i]] && why[b->at[i]][0] == '\0';
        b->out[i].reason = ok[b->at[i]] ? NULL : why[b->at[i]];
    }
}

int
wf_may_start_many(pool_t *p, en_err_t *err, const principal_t *who, size_t n,
                  const wf_def_t *const *defs, wf_start_t *out)
{
    wf_start_batch_t *b = start_batch(p, who, n, defs, out);
    int              *ok = pool_calloc(p, sizeof(*ok) * (n + 1));
    const char      **why = pool_calloc(p, sizeof(*why) * (n + 1));
    int               rc;

    if ((rc = authz_check_many(p, err, who, b->nq, b->acts, b->objs, b->args, ok, why)) != EN_OK)
        return rc;
    start_apply(b, ok, why);
    return EN_OK;
}

const char *
wf_start_questions(pool_t *p, const principal_t *who, size_t n, const wf_def_t *const *defs,
                   wf_start_t *out, wf_start_batch_t **batch)
{
    *batch = start_batch(p, who, n, defs, out);
    return authz_questions_json(p, (*batch)->nq, (*batch)->acts, (*batch)->objs,
                                (*batch)->args);
}

int
wf_start_answers(pool_t *p, en_err_t *err, const wf_start_batch_t *batch, const json_t *answers)
{
    int         *ok = pool_calloc(p, sizeof(*ok) * (batch->n + 1));
    const char **why = pool_calloc(p, sizeof(*why) * (batch->n + 1));
    int          rc;

    if ((rc = authz_answers_json(p, err, answers, batch->nq, ok, why)) != EN_OK)
        return rc;
    start_apply(batch, ok, why);
    return EN_OK;
}

int
wf_may_start(pool_t *p, en_err_t *err, const principal_t *who, const wf_def_t *def)
{
    wf_start_t st;

    if (!audience_ok(who, def, &st)) {
        const char *dflt = !strcmp(st.reason, "wf.audience.assurance")
                           ? "this procedure needs a verified identity"
                           : !strcmp(st.reason, "wf.audience.professional")
                           ? "this procedure is filed from a professional space"
                           : "this procedure is filed from your personal space";

        return en_set(err, EN_FORBIDDEN, st.reason, "%s", st.words ? st.words : dflt);
    }
    return authz_check(p, err, who, AZ_START_DEMAND, def->id,
                       wf_audience_arg(p, &def->audience));
}

/* The creation document wf_create() takes: the current version's initial
 * state, the owner, its timers (wf_demand.h). */
json_t *
wf_create_change(pool_t *p, const principal_t *who, const char *workflow_key,
                 const wf_def_t *def, int version)
{
    json_t      *c, *actor, *timers;
    json_error_t je;
    const char  *tj;

    c = pool_json(p, json_object());
    json_object_set_new(c, "workflow", json_string(workflow_key));
    json_object_set_new(c, "version", json_integer(version));
    json_object_set_new(c, "state", json_string(def->initial->id));
    json_object_set_new(c, "bucket", json_string(wf_bucket_name(def->initial->bucket)));
    json_object_set_new(c, "progress", json_integer(def->initial->progress));
    json_object_set_new(c, "final", json_boolean(def->initial->final));
    json_object_set_new(c, "owner_person", json_string(who->person_id));
    json_object_set_new(c, "owner_space", who->space_id ? json_string(who->space_id)
                                                        : json_null());
    json_object_set_new(c, "lang", json_string(who->lang ? who->lang : "fr"));
    actor = json_object();
    json_object_set_new(actor, "kind", json_string("person"));
    json_object_set_new(actor, "person", json_string(who->person_id));
    json_object_set_new(actor, "space", who->space_id ? json_string(who->space_id)
                                                      : json_null());
    json_object_set_new(actor, "role", json_string("owner"));
    json_object_set_new(c, "actor", actor);
    json_object_set_new(c, "request_id", who->request_id ? json_string(who->request_id)
                                                         : json_null());
    tj = wf_timers_json(p, def->initial, time(NULL));
    timers = json_loads(tj, 0, &je);
    json_object_set_new(c, "timers", timers ? timers : json_array());
    return c;
}

int
wf_demand_create(pool_t *p, en_err_t *err, const principal_t *who,
                 const char *workflow_key, wf_demand_t **out)
{
    const wf_def_t *def;
    int             version;
    const char     *v[1];
    PGresult       *res;
    int             rc;

    *out = NULL;
    if (who->kind != PRINCIPAL_PERSON || who->person_id == NULL)
        return en_set(err, EN_FORBIDDEN, "err.forbidden", "only a person files a demand");
    if ((def = wf_store_current(err, workflow_key, &version)) == NULL)
        return err->code;
    if ((rc = wf_may_start(p, err, who, def)) != EN_OK)
        return rc;
    v[0] = pool_json_dumps(p, wf_create_change(p, who, workflow_key, def, version), JSON_COMPACT);
    res = db_exec_prepared(p, err, &create_stmt, v);
    if (res == NULL)
        return err->code;
    *out = wf_demand_from_json(p, db_val(res, 0, 0), err);
    if (*out == NULL)
        return err->code;
    log_event(LOG_INFO, "demand created", "demand", (*out)->id, "reference",
              (*out)->reference, "workflow", workflow_key, "request_id",
              who->request_id ? who->request_id : "", NULL);
    return EN_OK;
}

int
wf_demand_may_duplicate(const wf_demand_t *src, int current_version, const char **reason)
{
    *reason = NULL;
    if (!strcmp(src->bucket, "draft"))
        *reason = "drafts.duplicate.draft";
    else if (current_version != src->definition_version)
        *reason = "drafts.duplicate.version_changed";
    return *reason == NULL;
}

int
wf_demand_duplicate(pool_t *p, en_err_t *err, const principal_t *who,
                    const char *source_id, wf_demand_t **out)
{
    const wf_def_t  *def;
    const wf_form_t *form;
    wf_demand_t     *src;
    json_t          *c, *data, *files;
    const char      *v[2], *reason;
    PGresult        *res;
    int              version, rc;
    size_t           i, k;

    *out = NULL;
    if (who->kind != PRINCIPAL_PERSON || who->person_id == NULL)
        return en_set(err, EN_FORBIDDEN, "err.forbidden", "only a person files a demand");
    if ((rc = authz_check(p, err, who, AZ_VIEW_DEMAND, source_id, NULL)) != EN_OK)
        return rc;
    if ((rc = wf_demand_load(p, err, source_id, &src)) != EN_OK)
        return rc;
    if ((def = wf_store_current(err, src->workflow_key, &version)) == NULL)
        return err->code;
    /* who may not file the procedure hears that first */
    if ((rc = wf_may_start(p, err, who, def)) != EN_OK)
        return rc;
    if (!wf_demand_may_duplicate(src, version, &reason))
        return en_set(err, EN_CONFLICT, reason, "demand %s cannot be duplicated", src->reference);

    /* the owner's form of the draft: its plain values copied, its files
     * copied by the database (never through the request) */
    c = wf_create_change(p, who, src->workflow_key, def, version);
    data = json_object();
    files = pool_json(p, json_array());
    form = def->initial->form;
    for (i = 0; form != NULL && i < form->n_pages; i++)
        for (k = 0; k < form->pages[i].n_fields; k++) {
            const wf_field_t *f = &form->pages[i].fields[k];
            json_t           *val = src->form_json
                                    ? json_object_get((json_t *) src->form_json, f->name) : NULL;

            if (val == NULL || json_is_null(val))
                continue;
            if (f->type == FIELD_FILE)
                json_array_append_new(files, json_string(f->name));
            else if (!json_is_object(val))
                json_object_set(data, f->name, val);
        }
    json_object_set_new(c, "form_data", data);
    json_object_set_new(c, "source", json_string(src->id));
    v[0] = pool_json_dumps(p, c, JSON_COMPACT);
    v[1] = pool_json_dumps(p, files, JSON_COMPACT);
    res = db_exec(p, err, "SELECT wf_duplicate($1::jsonb, ARRAY(SELECT jsonb_array_elements_text("
                          "$2::jsonb)))::text", 2, v);
    if (res == NULL)
        return err->code;
    *out = wf_demand_from_json(p, db_val(res, 0, 0), err);
    if (*out == NULL)
        return err->code;
    log_event(LOG_INFO, "demand duplicated", "demand", (*out)->id, "reference",
              (*out)->reference, "source", src->reference, "request_id",
              who->request_id ? who->request_id : "", NULL);
    return EN_OK;
}

/* --- lists ------------------------------------------------------------------- */

/* Every listing filters with the set form of the view rule (az_scope /
 * az_sees, sql/0008_listing_sets.sql: wf_listing, wf_bucket_counts), so the
 * web's dashboard and `guichet demand list` give the same answers from the
 * same statements, and a member without the grant for a protected
 * procedure sees none of the space's demands of it in either. */

#define BUCKETS_SQL "ARRAY['to-do', 'decision-unread', 'in-progress', 'draft', 'archived']"

static db_stmt_t list_stmt = DB_STMT("wf_demand_list", 5,
    "SELECT to_jsonb(d) - 'form_data'"
    "  FROM unnest(" BUCKETS_SQL ") AS b(bucket)"
    "  CROSS JOIN LATERAL wf_listing($1::uuid, $2::uuid, b.bucket, $4::int + $5::int) d"
    " WHERE $3::text IS NULL OR b.bucket = $3"
    " ORDER BY d.updated_at DESC, d.id LIMIT $4::int OFFSET $5::int");

static db_stmt_t counts_stmt = DB_STMT("wf_demand_counts", 2,
    "SELECT bucket, n FROM wf_bucket_counts($1::uuid, $2::uuid)");

int
wf_demand_list(pool_t *p, en_err_t *err, const char *person_id, const char *space_id,
               const char *bucket, int limit, int offset, wf_demand_t **out, int *n)
{
    char        lim[16], off[16];
    const char *v[5];
    PGresult   *res;
    int         i;

    *out = NULL;
    *n = 0;
    snprintf(lim, sizeof(lim), "%d", limit > 0 && limit <= 500 ? limit : 50);
    snprintf(off, sizeof(off), "%d", offset > 0 ? offset : 0);
    if (person_id == NULL || !wf_uuid_ok(person_id)
        || (space_id != NULL && !wf_uuid_ok(space_id)))
        return en_set(err, EN_BADINPUT, "err.bad_request", "no owner to list for");
    v[0] = person_id;
    v[1] = space_id;
    v[2] = bucket;
    v[3] = lim;
    v[4] = off;
    if ((res = db_exec_prepared(p, err, &list_stmt, v)) == NULL)
        return err->code;
    *n = PQntuples(res);
    *out = pool_calloc(p, sizeof(wf_demand_t) * ((size_t) *n + 1));
    for (i = 0; i < *n; i++) {
        wf_demand_t *d = wf_demand_from_json(p, db_val(res, i, 0), err);

        if (d == NULL)
            return err->code;
        (*out)[i] = *d;
    }
    return EN_OK;
}

int
wf_demand_counts(pool_t *p, en_err_t *err, const char *person_id, const char *space_id,
                 int counts[WF_BUCKET__COUNT])
{
    const char *v[2] = { person_id, space_id };
    PGresult   *res;
    int         i;

    for (i = 0; i < WF_BUCKET__COUNT; i++)
        counts[i] = 0;
    if (person_id == NULL || !wf_uuid_ok(person_id)
        || (space_id != NULL && !wf_uuid_ok(space_id)))
        return en_set(err, EN_BADINPUT, "err.bad_request", "no owner to count for");
    if ((res = db_exec_prepared(p, err, &counts_stmt, v)) == NULL)
        return err->code;
    for (i = 0; i < PQntuples(res); i++) {
        int b = wf_bucket_by_name(db_val(res, i, 0));

        if (b >= 0 && b < WF_BUCKET__COUNT)
            counts[b] = atoi(db_val(res, i, 1));
    }
    return EN_OK;
}

/* --- the pages' reads: one statement each --------------------------------------- */

/* The dashboard and a bucket of it: SQL functions that keep one plan per
 * connection (sql/0040_dashboard_pages.sql), the row of a demand written
 * once there (wf_summary_json). */
static db_stmt_t dashboard_stmt = DB_STMT("wf_demand_dashboard", 4,
    "SELECT wf_dashboard_json($1::uuid, $2::uuid, $3::int, " BUCKETS_SQL ", $4::jsonb)");

json_t *
wf_demand_dashboard(pool_t *p, en_err_t *err, const char *person_id, const char *space_id,
                    int per_bucket, const char *starts)
{
    char        lim[16];
    const char *v[4] = { person_id, space_id, lim, starts != NULL ? starts : "[]" };

    snprintf(lim, sizeof(lim), "%d", per_bucket);
    return db_query_json(p, err, &dashboard_stmt, v);
}

static db_stmt_t bucket_stmt = DB_STMT("wf_demand_bucket", 5,
    "SELECT wf_bucket_json($1::uuid, $2::uuid, $3, $4::int, $5::uuid)");

json_t *
wf_demand_bucket(pool_t *p, en_err_t *err, const char *person_id, const char *space_id,
                 const char *bucket, const char *after_id, int limit)
{
    char        lim[16];
    const char *v[5] = { person_id, space_id, bucket, lim, after_id };

    snprintf(lim, sizeof(lim), "%d", limit);
    return db_query_json(p, err, &bucket_stmt, v);
}

#define DETAIL_JSON(id)                                                                 \
    "SELECT json_build_object("                                                              \
    "  'demand', to_jsonb(d),"                                                               \
    "  'created', to_char(d.created_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI')," \
    "  'updated', to_char(d.updated_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI')," \
    "  'submitted', to_char(d.submitted_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI')," \
    "  'owner', p.display_name,"                                                             \
    "  'entity', e.name,"                                                                    \
    "  'filed', (SELECT json_build_object('agent', fp.display_name, 'group', fg.name)"       \
    "             FROM persons fp JOIN agent_groups fg ON fg.id = d.filed_group"             \
    "            WHERE fp.id = d.filed_by),"                                                 \
    "  'events', coalesce((SELECT json_agg(json_build_object("                               \
    "        'at', to_char(ev.at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI'),"       \
    "        'iso', to_char(ev.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"    \
    "        'transition', ev.transition, 'from', ev.from_state, 'to', ev.to_state,"         \
    "        'comment', ev.comment, 'kind', ev.actor_kind, 'actor', ap.display_name,"        \
    "        'for', bp.display_name)"                                                        \
    "      ORDER BY ev.demand_version)"                                                      \
    "      FROM events ev LEFT JOIN persons ap ON ap.id = ev.actor_person_id"                \
    "      LEFT JOIN persons bp ON bp.id = ev.on_behalf_of"                                  \
    "     WHERE ev.demand_id = d.id), '[]'),"                                                \
    "  'documents', coalesce((SELECT json_agg(json_build_object("                            \
    "        'id', doc.id, 'field', doc.field, 'filename', doc.filename, 'mime', doc.mime,"  \
    "        'size', doc.size, 'sealed', document_sealed(doc.id),"                          \
    "        'at', to_char(doc.created_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI'))" \
    "      ORDER BY doc.created_at)"                                                         \
    "      FROM documents doc WHERE doc.demand_id = d.id), '[]'))"                         \
    "  FROM demands d JOIN persons p ON p.id = d.owner_person_id"                            \
    "  LEFT JOIN spaces sp ON sp.id = d.owner_space_id"                                      \
    "  LEFT JOIN entities e ON e.id = sp.entity_id"                                          \
    " WHERE d.id = " id

static db_stmt_t detail_stmt = DB_STMT("wf_demand_detail", 1,
    "SELECT (" DETAIL_JSON("$1::uuid") ")::text");

/* The detail with authz_may('view-demand') asked in the same statement:
 * {verdict, reason, detail, thread and answers (only when allowed)}; the
 * thread is message.c's msg_thread_json ($4: -1 none, 0 read, 1 read and
 * mark); answers, authz_may_many's to the page's questions ($5) about the
 * demand.  The view is the first question of the same batch (0042: one
 * reading of the demand for all of them; equal to authz_may, proven by
 * test_demand_facts). */
static db_stmt_t detail_as_stmt = DB_STMT("wf_demand_detail_as", 5,
    "WITH a AS ("
    "  SELECT x.verdict, x.reason, x.i"
    "    FROM authz_may_many($2::uuid, $3::uuid,"
    "                        jsonb_build_array(jsonb_build_array('view-demand', $1::text, NULL))"
    "                        || $5::jsonb) WITH ORDINALITY AS x(verdict, reason, i))"
    "SELECT json_build_object('verdict', m.verdict, 'reason', m.reason,"
    "  'detail', CASE WHEN m.verdict = 'allow' THEN (" DETAIL_JSON("$1::text::uuid") ") END,"
    "  'thread', CASE WHEN m.verdict = 'allow' AND $4::int >= 0"
    "                 THEN msg_thread_json($2::uuid, $1::text::uuid, $4::int = 1)::json END,"
    "  'answers', CASE WHEN m.verdict = 'allow'"
    "                  THEN (SELECT coalesce(json_agg(json_build_array(a.verdict,"
    "                                                                  coalesce(a.reason, ''))"
    "                                                 ORDER BY a.i), '[]')"
    "                          FROM a WHERE a.i > 1) END)::text"
    "  FROM a m WHERE m.i = 1");

json_t *
wf_demand_detail(pool_t *p, en_err_t *err, const char *id)
{
    const char *v[1] = { id };

    if (id == NULL || !wf_uuid_ok(id)) {
        en_set(err, EN_NOTFOUND, "err.notfound", "no such demand");
        return NULL;
    }
    return db_query_json(p, err, &detail_stmt, v);
}

json_t *
wf_demand_detail_as(pool_t *p, en_err_t *err, const char *person_id, const char *space_id,
                    const char *id, int thread, const char *questions)
{
    const char *v[5] = { id, person_id, space_id,
                         thread < 0 ? "-1" : thread ? "1" : "0",
                         questions != NULL ? questions : "[]" };

    if (id == NULL || !wf_uuid_ok(id)) {
        en_set(err, EN_NOTFOUND, "err.notfound", "no such demand");
        return NULL;
    }
    return db_query_json(p, err, &detail_as_stmt, v);
}

/* The back office: what a group's pages need.  Which states wait for a
 * group is computed by the caller from the definitions (defs below). */
static db_stmt_t agent_stmt = DB_STMT("wf_agent_context", 3,
    "SELECT json_build_object("
    "  'groups', coalesce((SELECT json_agg(json_build_object('id', g.id, 'name', g.name)"
    "                        ORDER BY g.name)"
    "                       FROM agent_groups g,"
    "                            LATERAL authz_may($1::uuid, $3::uuid, 'work-queue', g.id, NULL) m"
    "                      WHERE m.verdict = 'allow'), '[]'),"
    "  'group', (SELECT g.name FROM agent_groups g WHERE g.id = $2),"
    "  'may', (SELECT json_build_object('verdict', m.verdict, 'reason', m.reason)"
    "            FROM authz_may($1::uuid, $3::uuid, 'work-queue', $2, NULL) m WHERE $2 IS NOT NULL),"
    "  'defs', coalesce((SELECT json_agg(json_build_array(workflow_key, version)"
    "                      ORDER BY workflow_key, version) FROM definitions), '[]'))::text");

json_t *
wf_agent_context(pool_t *p, en_err_t *err, const char *person_id, const char *group,
                 const char *space_id)
{
    const char *v[3] = { person_id, group, space_id };

    return db_query_json(p, err, &agent_stmt, v);
}

static db_stmt_t group_counts_stmt = DB_STMT("wf_queue_group_counts", 1,
    "SELECT coalesce(json_object_agg(grp, n), '{}')::text"
    "  FROM (SELECT q.v->>0 AS grp, sum(c.n) AS n"
    "          FROM jsonb_array_elements($1::jsonb) AS q(v)"
    "          JOIN demand_counts c ON c.workflow_key = q.v->>1"
    "           AND c.definition_version = (q.v->>2)::int AND c.state = q.v->>3"
    "         GROUP BY q.v->>0) c");

json_t *
wf_queue_group_counts(pool_t *p, en_err_t *err, const char *states)
{
    const char *v[1] = { states };

    return db_query_json(p, err, &group_counts_stmt, v);
}

static db_stmt_t document_stmt = DB_STMT("wf_document_content", 1,
    "SELECT filename, content FROM documents WHERE id = $1::uuid");

int
wf_document_content(pool_t *p, en_err_t *err, const char *id, const char **filename,
                    unsigned char **bytes, size_t *n)
{
    const char *v[1] = { id };
    PGresult   *res;

    *bytes = NULL;
    *n = 0;
    if (id == NULL || !wf_uuid_ok(id))
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such document");
    if ((res = db_exec_prepared(p, err, &document_stmt, v)) == NULL)
        return err->code;
    if (PQntuples(res) != 1)
        return en_set(err, EN_NOTFOUND, "err.notfound", "no such document");
    *bytes = PQunescapeBytea((const unsigned char *) PQgetvalue(res, 0, 1), n);
    if (*bytes == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "document bytes unreadable");
    pool_on_free(p, PQfreemem, *bytes);
    *filename = pool_strdup(p, db_val(res, 0, 0));
    return EN_OK;
}
