/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_api.c -- the external trigger (docs/api.md): another system fires a
 * procedure's by="system" transition of one demand.
 *
 *   POST /api/v1/demands/<id>/transitions/<transition>
 *   Authorization: Bearer gsa_...          (a service account's token)
 *   Content-Type: application/json
 *   {"fields": {"name": "value", ...}, "comment": "...", "version": 3}
 *
 * JSON in and out, never a page.  The token is checked first
 * (service_account.c: unknown or revoked 401, demand missing 404, transition
 * outside the account's scope 403, each refusal of a known account kept in
 * its trail), then the body (400), then the same firing path as a timer:
 * wf_fire with the system principal, whose request id "service:<name>:<id>"
 * lands in the demand's event.  One transaction; nothing written on any
 * refusal.  No session, no cookie, hence no CSRF token: the bearer token is
 * the credential.
 */
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "i18n.h"
#include "log.h"
#include "pool_json.h"
#include "principal.h"
#include "route.h"
#include "service_account.h"
#include "wf_fire.h"

#define API_MAX_FIELDS 200

static int
reply(req_t *r, int status, json_t *body)
{
    const char *text;

    pool_json(r->pool, body);
    text = pool_json_dumps(r->pool, body, JSON_COMPACT);
    if (text == NULL)
        text = "{\"error\":\"internal\"}";
    r->status = status;
    req_header(r, "Cache-Control", "no-store");
    req_body(r, "application/json; charset=utf-8", text, strlen(text));
    return EN_OK;
}

static int
refuse(req_t *r, int status, const char *error, const char *message)
{
    json_t *o = json_object();

    json_object_set_new(o, "error", json_string(error));
    if (message != NULL)
        json_object_set_new(o, "message", json_string(message));
    if (status == 401)
        req_header(r, "WWW-Authenticate", "Bearer realm=\"guichet\"");
    return reply(r, status, o);
}

/* The body's fields as the form a transition checks; NULL on a bad body
 * (why in *why). */
static int
read_body(req_t *r, wf_input_t *in, const char **why)
{
    json_t      *doc, *fields, *v;
    json_error_t je;
    const char  *k;
    kv_t        *head = NULL, *tail = NULL;
    size_t       n = 0;

    memset(in, 0, sizeof(*in));
    if (r->body == NULL || r->body_len == 0) {
        *why = "empty body: send a JSON object, {} at least";
        return -1;
    }
    doc = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (doc == NULL) {
        *why = pool_printf(r->pool, "not JSON (or not UTF-8): %s", je.text);
        return -1;
    }
    pool_json(r->pool, doc);
    if (!json_is_object(doc)) {
        *why = "the body must be a JSON object";
        return -1;
    }
    json_object_foreach(doc, k, v) {
        if (strcmp(k, "fields") && strcmp(k, "comment") && strcmp(k, "version")) {
            *why = pool_printf(r->pool, "unknown member \"%s\"", k);
            return -1;
        }
    }
    v = json_object_get(doc, "comment");
    if (v != NULL && !json_is_string(v) && !json_is_null(v)) {
        *why = "comment: a string";
        return -1;
    }
    in->comment = json_is_string(v) ? pool_strdup(r->pool, json_string_value(v)) : NULL;
    v = json_object_get(doc, "version");
    if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1
                      || json_integer_value(v) > 1000000000)) {
        *why = "version: a positive integer";
        return -1;
    }
    in->expected_version = v != NULL ? (int) json_integer_value(v) : 0;
    fields = json_object_get(doc, "fields");
    if (fields != NULL && !json_is_object(fields)) {
        *why = "fields: an object of field name to value";
        return -1;
    }
    json_object_foreach(fields, k, v) {
        kv_t *kv;

        if (++n > API_MAX_FIELDS) {
            *why = "fields: too many";
            return -1;
        }
        if (!json_is_string(v) && !json_is_integer(v) && !json_is_real(v)) {
            *why = pool_printf(r->pool, "fields.%s: a string or a number", k);
            return -1;
        }
        kv = pool_calloc(r->pool, sizeof(*kv));
        kv->name = pool_strdup(r->pool, k);
        kv->value = json_is_string(v) ? pool_strdup(r->pool, json_string_value(v))
                  : json_is_integer(v) ? pool_printf(r->pool, "%lld",
                                                     (long long) json_integer_value(v))
                  : pool_printf(r->pool, "%.2f", json_real_value(v));
        if (tail != NULL)
            tail->next = kv;
        else
            head = kv;
        tail = kv;
    }
    in->form = head;
    return 0;
}

static int
h_api_fire(req_t *r)
{
    const char  *id = req_path_param(r, "id");
    const char  *tid = req_path_param(r, "transition");
    const char  *ct = r->content_type, *why = NULL;
    sa_auth_t    a;
    wf_input_t   in;
    wf_result_t  res;
    principal_t  who;
    json_t      *o;
    int          rc, i;

    if (sa_authenticate(r->pool, &r->err, req_env(r, "HTTP_AUTHORIZATION"), id, tid, &a)
        != EN_OK)
        return refuse(r, 503, "unavailable", "try again later");
    switch (a.verdict) {
    case SA_UNKNOWN:
        return refuse(r, 401, "unauthorized", "a valid bearer token is required");
    case SA_REVOKED:
        sa_refused(r->pool, a.id, id, tid, "revoked");
        return refuse(r, 401, "unauthorized", "this token was revoked");
    case SA_NO_DEMAND:
        sa_refused(r->pool, a.id, id, tid, "no such demand");
        return refuse(r, 404, "not_found", "no such demand");
    case SA_OUT_OF_SCOPE:
        sa_refused(r->pool, a.id, id, tid, "out of scope");
        return refuse(r, 403, "forbidden",
                      "this account may not fire this transition of this procedure");
    case SA_OK:
        break;
    }
    if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0) {
        sa_refused(r->pool, a.id, id, tid, "not JSON");
        return refuse(r, 415, "unsupported_media_type", "send application/json");
    }
    if (read_body(r, &in, &why) != 0) {
        sa_refused(r->pool, a.id, id, tid, why);
        return refuse(r, 400, "bad_request", why);
    }
    who = principal_system(pool_printf(r->pool, "service:%s:%s", a.name,
                                       r->request_id ? r->request_id : "-"));
    rc = wf_fire(r->pool, &r->err, &who, id, tid, &in, &res);
    o = json_object();
    switch (rc) {
    case EN_OK:
        log_event(LOG_INFO, "transition fired by a service account", "account", a.name,
                  "demand", id, "transition", tid, NULL);
        json_object_set_new(o, "demand", json_string(id));
        json_object_set_new(o, "state", json_string(res.state));
        json_object_set_new(o, "version", json_integer(res.version));
        json_object_set_new(o, "event", json_integer(res.event_id));
        return reply(r, 200, o);
    case EN_BADINPUT: {
        json_t *errs = json_array();

        for (i = 0; i < res.nerrors; i++) {
            json_t *e = json_object();

            json_object_set_new(e, "field", json_string(res.errors[i].field));
            json_object_set_new(e, "key", json_string(res.errors[i].key));
            if (res.errors[i].arg != NULL)
                json_object_set_new(e, "arg", json_string(res.errors[i].arg));
            json_object_set_new(e, "message",
                                json_string(i18n_get(r->lang, res.errors[i].key)));
            json_array_append_new(errs, e);
        }
        sa_refused(r->pool, a.id, id, tid, "invalid input");
        json_object_set_new(o, "error", json_string("invalid"));
        json_object_set_new(o, "errors", errs);
        return reply(r, 422, o);
    }
    case EN_CONFLICT:
        sa_refused(r->pool, a.id, id, tid, "conflict");
        json_object_set_new(o, "error", json_string("conflict"));
        json_object_set_new(o, "message", json_string(r->err.msg));
        if (res.current_state != NULL)
            json_object_set_new(o, "state", json_string(res.current_state));
        if (res.current_version > 0)
            json_object_set_new(o, "version", json_integer(res.current_version));
        return reply(r, 409, o);
    case EN_FORBIDDEN:
    case EN_UNAUTH:
        sa_refused(r->pool, a.id, id, tid, r->err.msg);
        json_decref(o);
        return refuse(r, 403, "forbidden", r->err.msg);
    case EN_NOTFOUND:
        sa_refused(r->pool, a.id, id, tid, r->err.msg);
        json_decref(o);
        return refuse(r, 404, "not_found", r->err.msg);
    default:
        log_event(LOG_WARN, "service call failed", "account", a.name, "demand", id,
                  "transition", tid, "error", r->err.msg, NULL);
        json_decref(o);
        return refuse(r, rc == EN_UNAVAILABLE ? 503 : 500,
                      rc == EN_UNAVAILABLE ? "unavailable" : "internal", NULL);
    }
}

const route_t api_routes[] = {
    { "POST", "/api/v1/demands/{id:uuid}/transitions/{transition:word}", "api_fire",
      h_api_fire, ROUTE_PUBLIC | ROUTE_NO_SESSION | ROUTE_NO_CSRF, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
