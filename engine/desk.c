/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * desk.c -- at the counter: finding the person who came in, the agent's
 * counter drafts, and filing a draft on the person's behalf (see desk.h).
 *
 * Owns the statements over the counter's columns (demands.filed_by,
 * filed_group) and the SQL functions desk_* of
 * sql/0036_counter_filing.sql.  Not who may do it (authz_may,
 * 'file-at-counter'; wf_may_start for the person), not the creation
 * document (wf_create_change, wf_demand.c), not the pages (h_desk.c).
 */
#include "desk.h"

#include <string.h>

#include "authz.h"
#include "db.h"
#include "field.h"
#include "i18n.h"
#include "log.h"
#include "pool_json.h"
#include "session.h"
#include "wf_store.h"

#define DESK_DRAFTS_MAX 50

static db_stmt_t find_stmt = DB_STMT("desk_find", 1, "SELECT desk_find($1)::text");
static db_stmt_t person_stmt = DB_STMT("desk_person", 1,
    "SELECT coalesce(desk_person($1::uuid), 'null')::text");
static db_stmt_t page_stmt = DB_STMT("desk_page", 3,
    "SELECT json_build_object("
    "  'group', (SELECT g.name FROM agent_groups g WHERE g.id = $2),"
    /* the procedures the agent may file here: the rule itself asked
     * (authz_may 'file-at-counter', sql/0036), not a copy of it */
    "  'procedures', coalesce((SELECT json_agg(k.workflow_key ORDER BY k.workflow_key)"
    "      FROM (SELECT DISTINCT workflow_key FROM definitions) k,"
    "           LATERAL authz_may($1::uuid, NULL, 'file-at-counter', $2, k.workflow_key) m"
    "     WHERE m.verdict = 'allow'), '[]'),"
    "  'drafts', desk_drafts($1::uuid, $2, $3::int))::text");
static db_stmt_t file_stmt = DB_STMT("desk_file", 1, "SELECT desk_file($1::jsonb)::text");

int
desk_find(pool_t *p, en_err_t *err, const char *ident, json_t **out)
{
    field_rules_t  rules;
    field_result_t fr;
    const char    *v[1];

    *out = NULL;
    if (ident == NULL || !field_utf8_ok(ident))
        return en_set(err, EN_BADINPUT, "field.utf8", "not UTF-8");
    memset(&rules, 0, sizeof(rules));
    rules.required = 1;
    rules.max_length = 254;
    fr = field_validate(p, strchr(ident, '@') != NULL ? FIELD_EMAIL : FIELD_AVS13, &rules,
                        ident);
    if (fr.key != NULL)
        return en_set(err, EN_BADINPUT,
                      !strcmp(fr.key, "field.required") ? "desk.ident.required" : fr.key,
                      "not an e-mail address or an AVS number");
    v[0] = fr.value;
    *out = db_query_json(p, err, &find_stmt, v);
    return *out != NULL ? EN_OK : err->code;
}

int
desk_person(pool_t *p, en_err_t *err, const char *person_id, json_t **out)
{
    const char *v[1] = { person_id };

    *out = NULL;
    if (!wf_uuid_ok(person_id))
        return en_set(err, EN_NOTFOUND, "desk.person_unknown", "no such person");
    if ((*out = db_query_json(p, err, &person_stmt, v)) == NULL)
        return err->code;
    if (!json_is_object(*out)) {
        *out = NULL;
        return en_set(err, EN_NOTFOUND, "desk.person_unknown", "no such person");
    }
    return EN_OK;
}

int
desk_page(pool_t *p, en_err_t *err, const principal_t *agent, const char *group,
          json_t **out)
{
    char        lim[16];
    const char *v[3] = { agent->person_id, group, lim };

    snprintf(lim, sizeof(lim), "%d", DESK_DRAFTS_MAX);
    *out = db_query_json(p, err, &page_stmt, v);
    return *out != NULL ? EN_OK : err->code;
}

/* The space of the person's spaces named id, or NULL. */
static json_t *
space_of(json_t *person, const char *id)
{
    json_t *s;
    size_t  i;

    json_array_foreach(json_object_get(person, "spaces"), i, s)
    {
        const char *sid = json_string_value(json_object_get(s, "id"));

        if (id != NULL && sid != NULL && !strcmp(sid, id))
            return s;
    }
    return NULL;
}

/* The person's profile where the initial form prefills from it (the
 * agent's session must not fill the person's form). */
static json_t *
prefill(const wf_def_t *def, json_t *person, json_t *space)
{
    const wf_form_t *form = def->initial != NULL ? def->initial->form : NULL;
    json_t          *data = json_object();
    size_t           i, k;

    for (i = 0; form != NULL && i < form->n_pages; i++)
        for (k = 0; k < form->pages[i].n_fields; k++) {
            const wf_field_t *f = &form->pages[i].fields[k];
            json_t           *val = NULL;

            if (f->prefill == NULL)
                continue;
            if (!strcmp(f->prefill, "person.name"))
                val = json_object_get(person, "name");
            else if (!strcmp(f->prefill, "person.email"))
                val = json_object_get(person, "email");
            else if (!strcmp(f->prefill, "entity.name") && space != NULL)
                val = json_object_get(space, "name");
            if (json_is_string(val))
                json_object_set(data, f->name, val);
        }
    return data;
}

int
desk_file(pool_t *p, en_err_t *err, const principal_t *agent, const char *group,
          const char *workflow_key, const char *person_id, const char *space_id,
          const char *lang, wf_demand_t **out)
{
    const wf_def_t *def;
    json_t         *person, *space = NULL, *c, *actor, *mail;
    principal_t     who;
    const char     *v[1];
    PGresult       *res;
    int             version, assurance, rc;

    *out = NULL;
    if ((rc = authz_check(p, err, agent, AZ_FILE_AT_COUNTER, group, workflow_key)) != EN_OK)
        return rc;
    if ((def = wf_store_current(err, workflow_key, &version)) == NULL)
        return err->code;
    if ((rc = desk_person(p, err, person_id, &person)) != EN_OK)
        return rc;
    if (space_id != NULL && (space = space_of(person, space_id)) == NULL)
        return en_set(err, EN_FORBIDDEN, "authz.not_member", "not a member of that space");
    assurance = assurance_by_name(json_string_value(json_object_get(person, "assurance")));
    if (lang == NULL || !i18n_lang_ok(lang))
        lang = agent->lang;
    who = principal_person(person_id, space_id, assurance < 0 ? ASSURANCE_NONE : assurance,
                           lang, agent->request_id);
    /* the person's own answer: nothing is created when it is no */
    if ((rc = wf_may_start(p, err, &who, def)) != EN_OK)
        return rc;

    c = wf_create_change(p, &who, workflow_key, def, version);
    actor = json_object();
    json_object_set_new(actor, "kind", json_string("person"));
    json_object_set_new(actor, "person", json_string(agent->person_id));
    json_object_set_new(actor, "space", json_null());
    json_object_set_new(actor, "role", json_string(pool_printf(p, "agent:%s", group)));
    json_object_set_new(c, "actor", actor);
    json_object_set_new(c, "filed_by", json_string(agent->person_id));
    json_object_set_new(c, "filed_group", json_string(group));
    json_object_set_new(c, "form_data", prefill(def, person, space));
    mail = json_object();
    json_object_set_new(mail, "workflow", json_string(
        def->title.n ? wf_i18n_get(&def->title, who.lang) : workflow_key));
    json_object_set_new(c, "mail", mail);
    v[0] = pool_json_dumps(p, c, JSON_COMPACT);
    if ((res = db_exec_prepared(p, err, &file_stmt, v)) == NULL)
        return err->code;
    if ((*out = wf_demand_from_json(p, db_val(res, 0, 0), err)) == NULL)
        return err->code;
    log_event(LOG_INFO, "demand filed at the counter", "demand", (*out)->id, "reference",
              (*out)->reference, "workflow", workflow_key, "group", group, "agent",
              agent->person_id, "request_id", agent->request_id ? agent->request_id : "", NULL);
    return EN_OK;
}
