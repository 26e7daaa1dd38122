/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wallet.c -- the document wallet (see wallet.h): its categories and the
 * SQL of wallet documents (sql/0017_wallet.sql).
 *
 * Owns: the category list, the rules of a document's name, the queries of
 * the wallet and of the documents received.  Does not own: the upload
 * check (wf_input_upload_check: type from the bytes, size, virus scan), who
 * may see or change a document (authz_may: view-document, manage-document),
 * the demand's copy of a picked document (the workflow runtime), pages.
 */
#include "wallet.h"

#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "db.h"
#include "field.h"
#include "pool_json.h"

const char *const wallet_categories[WALLET_NCATEGORIES + 1] = {
    "identity", "statutes", "minutes", "budget", "certificate", "decision", "letter",
    "other", NULL
};

int
wallet_category_ok(const char *key)
{
    size_t i;

    for (i = 0; key != NULL && wallet_categories[i] != NULL; i++)
        if (!strcmp(key, wallet_categories[i]))
            return 1;
    return 0;
}

static void
add_error(pool_t *p, wf_field_error_t **errs, int *n, const char *field, const char *key,
          const char *arg)
{
    wf_field_error_t *e = pool_alloc(p, sizeof(*e) * (size_t) (*n + 1));

    if (*n > 0)
        memcpy(e, *errs, sizeof(*e) * (size_t) *n);
    e[*n].field = field;
    e[*n].key = key;
    e[*n].arg = arg;
    *errs = e;
    (*n)++;
}

/* A document's name: valid UTF-8, not blank, no control characters, at
 * most WALLET_NAME_MAX characters.  NULL when fine, else the key. */
static const char *
name_problem(const char *name)
{
    const unsigned char *s;
    int                  blank = 1;

    if (name == NULL)
        return "wallet.name.required";
    if (!field_utf8_ok(name))
        return "field.utf8";
    for (s = (const unsigned char *) name; *s; s++) {
        if (*s < 0x20 || *s == 0x7f)
            return "wallet.name.control";
        if (*s != ' ')
            blank = 0;
    }
    if (blank)
        return "wallet.name.required";
    if (field_utf8_count(name) > WALLET_NAME_MAX)
        return "wallet.name.too_long";
    return NULL;
}

static void
check_meta(pool_t *p, const char *name, const char *category, wf_field_error_t **errs,
           int *n)
{
    const char *k = name_problem(name);

    if (k != NULL)
        add_error(p, errs, n, "name", k,
                  strcmp(k, "wallet.name.too_long") ? NULL
                  : pool_printf(p, "%d", WALLET_NAME_MAX));
    if (category == NULL || !wallet_category_ok(category))
        add_error(p, errs, n, "category", "wallet.category.unknown", NULL);
}

static int
person_only(en_err_t *err, const principal_t *who)
{
    if (who == NULL || who->kind == PRINCIPAL_NOBODY || who->person_id == NULL)
        return en_set(err, EN_UNAUTH, "err.login_needed", "login needed");
    if (who->kind != PRINCIPAL_PERSON)
        return en_set(err, EN_FORBIDDEN, "err.forbidden", "a wallet is a person's");
    return EN_OK;
}

static int
read_docs(pool_t *p, PGresult *res, int received, wallet_doc_t **docs, size_t *n)
{
    size_t i;

    *n = (size_t) PQntuples(res);
    *docs = pool_calloc(p, sizeof(**docs) * (*n ? *n : 1));
    for (i = 0; i < *n; i++) {
        wallet_doc_t *d = &(*docs)[i];

        d->id = pool_strdup(p, db_val(res, (int) i, 0));
        d->filename = pool_strdup(p, db_val(res, (int) i, 1));
        d->category = db_isnull(res, (int) i, 2) ? NULL : pool_strdup(p, db_val(res, (int) i, 2));
        d->created_at = pool_strdup(p, db_val(res, (int) i, 3));
        d->size = atol(db_val(res, (int) i, 4));
        d->mime = pool_strdup(p, db_val(res, (int) i, 5));
        if (received) {
            d->demand_id = pool_strdup(p, db_val(res, (int) i, 6));
            d->reference = pool_strdup(p, db_val(res, (int) i, 7));
            d->workflow = pool_strdup(p, db_val(res, (int) i, 8));
        }
    }
    return EN_OK;
}

static const char *const LIST_SQL =
    "SELECT id, filename, category,"
    "       to_char(created_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY'), size, mime"
    "  FROM documents"
    " WHERE demand_id IS NULL"
    "   AND CASE WHEN $2::uuid IS NULL"
    "            THEN owner_person_id = $1::uuid AND owner_space_id IS NULL"
    "            ELSE owner_space_id = $2::uuid AND az_member($1::uuid, $2::uuid) END"
    "   AND ($3::text IS NULL OR category = $3::text)"
    " ORDER BY created_at DESC, filename";

int
wallet_list(pool_t *p, en_err_t *err, const principal_t *who, const char *category,
            wallet_doc_t **docs, size_t *n)
{
    const char *params[3];
    PGresult   *res;
    int         rc;

    *docs = NULL;
    *n = 0;
    if ((rc = person_only(err, who)) != EN_OK)
        return rc;
    params[0] = who->person_id;
    params[1] = who->space_id;
    params[2] = category;
    if ((res = db_exec(p, err, LIST_SQL, 3, params)) == NULL)
        return err->code;
    return read_docs(p, res, 0, docs, n);
}

/* Received: a document of one of the context's demands that the owner
 * side did not upload (the owner person, or for a space's demand any of
 * its members), and that the reader may see. */
static const char *const RECEIVED_SQL =
    "SELECT doc.id, doc.filename, doc.category,"
    "       to_char(doc.created_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY'), doc.size,"
    "       doc.mime, dm.id, dm.reference, dm.workflow_key"
    "  FROM documents doc JOIN demands dm ON dm.id = doc.demand_id"
    " WHERE CASE WHEN $2::uuid IS NULL"
    "            THEN dm.owner_person_id = $1::uuid AND dm.owner_space_id IS NULL"
    "            ELSE dm.owner_space_id = $2::uuid END"
    "   AND doc.uploaded_by IS DISTINCT FROM dm.owner_person_id"
    "   AND NOT (dm.owner_space_id IS NOT NULL AND doc.uploaded_by IS NOT NULL"
    "            AND az_member(doc.uploaded_by, dm.owner_space_id))"
    "   AND (authz_may($1::uuid, $2::uuid, 'view-document', doc.id::text, NULL)).verdict"
    "       = 'allow'"
    " ORDER BY doc.created_at DESC LIMIT 200";

int
wallet_received(pool_t *p, en_err_t *err, const principal_t *who, wallet_doc_t **docs,
                size_t *n)
{
    const char *params[2];
    PGresult   *res;
    int         rc;

    *docs = NULL;
    *n = 0;
    if ((rc = person_only(err, who)) != EN_OK)
        return rc;
    params[0] = who->person_id;
    params[1] = who->space_id;
    if ((res = db_exec(p, err, RECEIVED_SQL, 2, params)) == NULL)
        return err->code;
    return read_docs(p, res, 1, docs, n);
}

/* The status object a wallet_* SQL function returned. */
static json_t *
sql_status(pool_t *p, en_err_t *err, PGresult *res)
{
    json_error_t je;
    json_t      *o;

    if (res == NULL)
        return NULL;
    o = pool_json(p, json_loads(db_val(res, 0, 0), 0, &je));
    if (!json_is_object(o) || !json_is_string(json_object_get(o, "status"))) {
        en_set(err, EN_INTERNAL, "err.internal", "wallet: unreadable answer");
        return NULL;
    }
    return o;
}

static const char *
jstr(pool_t *p, json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    return json_is_string(v) ? pool_strdup(p, json_string_value(v)) : NULL;
}

int
wallet_add(pool_t *p, en_err_t *err, const principal_t *who, const upload_t *u,
           const char *name, const char *category, wallet_add_t *out)
{
    field_rules_t rules;
    const char   *mime = NULL, *key, *arg, *params[6];
    int           lengths[6] = { 0 }, formats[6] = { 0 }, rc;
    json_t       *o;

    memset(out, 0, sizeof(*out));
    if ((rc = person_only(err, who)) != EN_OK)
        return rc;
    if (name == NULL || *name == '\0')
        name = u != NULL && u->filename != NULL && *u->filename ? u->filename : NULL;
    check_meta(p, name, category, &out->errors, &out->nerrors);
    memset(&rules, 0, sizeof(rules));
    rules.required = 1;
    rules.max_size = WALLET_MAX_SIZE;
    if (u == NULL || u->len == 0)
        add_error(p, &out->errors, &out->nerrors, "file", "field.required", NULL);
    else if (out->nerrors == 0
             && wf_input_upload_check(p, u, "wallet", &rules, &mime, &key, &arg) != EN_OK)
        add_error(p, &out->errors, &out->nerrors, "file", key, arg);
    if (out->nerrors > 0)
        return en_set(err, EN_BADINPUT, "err.bad_request", "wallet: refused upload");
    params[0] = who->person_id;
    params[1] = who->space_id;
    params[2] = name;
    params[3] = mime;
    params[4] = category;
    params[5] = (const char *) u->data;
    lengths[5] = (int) u->len;
    formats[5] = 1;
    o = sql_status(p, err, db_exec_bin(p, err,
        "SELECT wallet_add($1::uuid, $2::uuid, $3, $4, $5, $6::bytea)::text",
        6, params, lengths, formats));
    if (o == NULL)
        return err->code;
    out->id = jstr(p, o, "id");
    out->duplicate = !strcmp(jstr(p, o, "status"), "duplicate");
    out->existing = jstr(p, o, "filename");
    return EN_OK;
}

int
wallet_update(pool_t *p, en_err_t *err, const principal_t *who, const char *id,
              const char *name, const char *category, wf_field_error_t **errors,
              int *nerrors)
{
    const char *params[3];
    json_t     *o;
    int         rc;

    *errors = NULL;
    *nerrors = 0;
    if ((rc = authz_check(p, err, who, AZ_MANAGE_DOCUMENT, id, NULL)) != EN_OK)
        return rc;
    check_meta(p, name, category, errors, nerrors);
    if (*nerrors > 0)
        return en_set(err, EN_BADINPUT, "err.bad_request", "wallet: refused change");
    params[0] = id;
    params[1] = name;
    params[2] = category;
    o = sql_status(p, err, db_exec(p, err,
        "SELECT wallet_update($1::uuid, $2, $3)::text", 3, params));
    if (o == NULL)
        return err->code;
    if (strcmp(jstr(p, o, "status"), "ok"))
        return en_set(err, EN_NOTFOUND, "err.notfound", "wallet document gone");
    return EN_OK;
}

int
wallet_delete(pool_t *p, en_err_t *err, const principal_t *who, const char *id,
              const char **reference)
{
    const char *params[1], *st;
    json_t     *o;
    int         rc;

    *reference = NULL;
    if ((rc = authz_check(p, err, who, AZ_MANAGE_DOCUMENT, id, NULL)) != EN_OK)
        return rc;
    params[0] = id;
    o = sql_status(p, err, db_exec(p, err, "SELECT wallet_delete($1::uuid)::text", 1, params));
    if (o == NULL)
        return err->code;
    st = jstr(p, o, "status");
    if (!strcmp(st, "filed")) {
        *reference = jstr(p, o, "reference");
        return en_set(err, EN_CONFLICT, "wallet.delete.filed", "attached to a filed demand");
    }
    if (strcmp(st, "ok"))
        return en_set(err, EN_NOTFOUND, "err.notfound", "wallet document gone");
    return EN_OK;
}

static void
free_pq(void *x)
{
    PQfreemem(x);
}

int
wallet_pick(pool_t *p, en_err_t *err, const principal_t *who, const char *id,
            const char *field, upload_t **out)
{
    const char    *params[1];
    PGresult      *res;
    unsigned char *bytes;
    size_t         n;
    upload_t      *u;
    int            rc;

    *out = NULL;
    if ((rc = authz_check(p, err, who, AZ_MANAGE_DOCUMENT, id, NULL)) != EN_OK)
        return rc;
    params[0] = id;
    res = db_exec(p, err, "SELECT filename, content FROM documents"
                          " WHERE id = $1::uuid AND demand_id IS NULL", 1, params);
    if (res == NULL)
        return err->code;
    if (PQntuples(res) != 1)
        return en_set(err, EN_NOTFOUND, "err.notfound", "wallet document gone");
    bytes = PQunescapeBytea((const unsigned char *) PQgetvalue(res, 0, 1), &n);
    if (bytes == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "document bytes unreadable");
    pool_on_free(p, free_pq, bytes);
    u = pool_calloc(p, sizeof(*u));
    u->field = pool_strdup(p, field);
    u->filename = pool_strdup(p, db_val(res, 0, 0));
    u->content_type = "application/octet-stream";
    u->data = bytes;
    u->len = n;
    u->source = pool_strdup(p, id);
    *out = u;
    return EN_OK;
}
