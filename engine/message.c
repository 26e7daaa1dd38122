/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * message.c -- the messages of a demand and a person's notifications: the
 * SQL of sql/0018_messages.sql and sql/0039_notes_inbox.sql, read and written
 * in one round trip each.
 * See message.h for what it does not own.  No HTTP here: the web pages
 * (h_demand_view.c, h_notes.c) and the command line use the same calls.
 */
#include "message.h"

#include <string.h>

#include "db.h"
#include "field.h"
#include "pool_json.h"
#include "wf_demand.h"
#include "wf_fire.h"
#include "wf_store.h"

int
message_check(en_err_t *err, const char *body)
{
    const unsigned char *s = (const unsigned char *) body;
    size_t               chars = 0, visible = 0;

    if (body == NULL)
        return en_set(err, EN_BADINPUT, "message.empty", "no message");
    if (!field_utf8_ok(body))
        return en_set(err, EN_BADINPUT, "field.utf8", "message is not UTF-8");
    for (; *s; s++) {
        if ((*s & 0xC0) == 0x80)
            continue;               /* a continuation byte */
        chars++;
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            visible++;
    }
    if (visible == 0)
        return en_set(err, EN_BADINPUT, "message.empty", "blank message");
    if (chars > MESSAGE_MAX_CHARS)
        return en_set(err, EN_BADINPUT, "message.too_long", "%zu characters", chars);
    return EN_OK;
}

const char *
message_displayable(pool_t *p, const char *body)
{
    const unsigned char *s = (const unsigned char *) (body ? body : "");
    size_t               n = strlen((const char *) s), o = 0, i = 0, k, len;
    char                *out = pool_alloc(p, n * 3 + 1);

    while (s[i] != '\0') {
        len = s[i] < 0x80 ? 1 : (s[i] & 0xE0) == 0xC0 && s[i] >= 0xC2 ? 2
            : (s[i] & 0xF0) == 0xE0 ? 3 : (s[i] & 0xF8) == 0xF0 && s[i] <= 0xF4 ? 4 : 0;
        for (k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                len = 0;                /* also stops at the terminator */
        if (len == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
            continue;
        }
        memcpy(out + o, s + i, len);
        o += len;
        i += len;
    }
    out[o] = '\0';
    return field_utf8_ok(out) ? out : "";
}

static int
person_of(en_err_t *err, const principal_t *who)
{
    if (who == NULL || who->kind != PRINCIPAL_PERSON || who->person_id == NULL)
        return en_set(err, EN_UNAUTH, "err.login_needed", "messages are a person's");
    return EN_OK;
}

int
message_post(pool_t *p, en_err_t *err, const principal_t *who, const char *demand_id,
             const char *body)
{
    const char     *params[6];
    wf_demand_t    *d;
    const wf_def_t *def;
    json_t         *mail_data;
    int             rc;

    if ((rc = person_of(err, who)) != EN_OK || (rc = message_check(err, body)) != EN_OK)
        return rc;
    if ((rc = wf_demand_load(p, err, demand_id, &d)) != EN_OK)
        return rc;
    if ((def = wf_store_get(err, d->workflow_key, d->definition_version)) == NULL)
        return err->code;
    mail_data = pool_json(p, json_object());
    json_object_set_new(mail_data, "workflow", wf_i18n_json(&def->title));
    params[0] = who->person_id;
    params[1] = who->space_id;
    params[2] = demand_id;
    params[3] = body;
    params[4] = pool_json_dumps(p, mail_data, JSON_COMPACT);
    params[5] = who->request_id;
    if (params[4] == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "mail data not serialisable");
    if (db_exec(p, err, "SELECT msg_post($1::uuid, $2::uuid, $3::uuid, $4, $5::jsonb, $6)",
                6, params) == NULL)
        return err->code;
    return EN_OK;
}

static json_t *
one_json(pool_t *p, en_err_t *err, const char *sql, int n, const char *const *params)
{
    PGresult    *res = db_exec(p, err, sql, n, params);
    json_t      *j;
    json_error_t je;

    if (res == NULL)
        return NULL;
    if (PQntuples(res) != 1 || db_isnull(res, 0, 0)) {
        en_set(err, EN_INTERNAL, "err.internal", "no answer");
        return NULL;
    }
    if ((j = json_loads(db_val(res, 0, 0), 0, &je)) == NULL) {
        en_set(err, EN_INTERNAL, "err.internal", "answer is not JSON: %s", je.text);
        return NULL;
    }
    return pool_json(p, j);
}

int
message_thread_of(en_err_t *err, json_t *answer, json_t **thread, int *unread)
{
    if (!json_is_object(answer) || !json_is_array(json_object_get(answer, "messages")))
        return en_set(err, EN_INTERNAL, "err.internal", "no message thread in the answer");
    *thread = json_object_get(answer, "messages");
    *unread = (int) json_integer_value(json_object_get(answer, "unread"));
    return EN_OK;
}

/* The person's unread notifications, newest first (note_list_json,
 * sql/0047: its plan kept for the connection).  Sent as text: db.c prepares
 * it once per connection. */
static const char *const NOTES_SQL = "SELECT note_list_json($1::uuid)";

int
message_notes(pool_t *p, en_err_t *err, const principal_t *who, json_t **items)
{
    const char *params[1];
    int         rc;

    if ((rc = person_of(err, who)) != EN_OK)
        return rc;
    params[0] = who->person_id;
    if ((*items = one_json(p, err, NOTES_SQL, 1, params)) == NULL)
        return err->code;
    return EN_OK;
}

int
message_mark_all(pool_t *p, en_err_t *err, const principal_t *who)
{
    const char *params[1];
    int         rc;

    if ((rc = person_of(err, who)) != EN_OK)
        return rc;
    params[0] = who->person_id;
    if (db_exec(p, err, "SELECT note_mark_all($1::uuid)", 1, params) == NULL)
        return err->code;
    return EN_OK;
}
