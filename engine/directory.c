/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * directory.c -- groups, administrators and identity links as the
 * administrators' pages change them (see directory.h).
 */
#include "directory.h"

#include <string.h>

#include "db.h"

static db_stmt_t overview_stmt = DB_STMT("dir_overview", 0, "SELECT directory_overview()");
static db_stmt_t create_stmt = DB_STMT("dir_group_create", 7,
    "SELECT directory_group_create($1, $2, $3, $4, $5::int, $6::uuid, $7)");
static db_stmt_t add_stmt = DB_STMT("dir_member_add", 5,
    "SELECT directory_member_add($1, $2, $3, $4::uuid, $5)");
static db_stmt_t remove_stmt = DB_STMT("dir_member_remove", 5,
    "SELECT directory_member_remove($1, $2, $3::uuid, $4::uuid, $5)");
static db_stmt_t admin_add_stmt = DB_STMT("dir_admin_add", 3,
    "SELECT directory_admin_add($1, $2::uuid, $3)");
static db_stmt_t admin_remove_stmt = DB_STMT("dir_admin_remove", 3,
    "SELECT directory_admin_remove($1::uuid, $2::uuid, $3)");
static db_stmt_t people_stmt = DB_STMT("dir_people", 1, "SELECT directory_people($1)");
static db_stmt_t link_stmt = DB_STMT("dir_identity_link", 5,
    "SELECT directory_identity_link($1, $2, $3, $4::uuid, $5)");

/* A refusal raised by the SQL side carries its catalogue key as the
 * message: keep it as the key, so the page can say it next to the field. */
static int
refusal(en_err_t *err)
{
    const char *d = err->detail;
    const char *k = strstr(d, "groups.");

    if (k == NULL)
        k = strstr(d, "identity.");
    if (k != NULL && (err->code == EN_BADINPUT || err->code == EN_CONFLICT)) {
        size_t n = strcspn(k, " \n\"");

        if (n < sizeof(err->key)) {
            memcpy(err->key, k, n);
            err->key[n] = '\0';
        }
    }
    return err->code;
}

static int
run(pool_t *p, en_err_t *err, db_stmt_t *st, const char *const *params)
{
    PGresult *res = db_exec_prepared(p, err, st, params);

    if (res == NULL)
        return refusal(err);
    if (PQntuples(res) == 1 && !strcmp(db_val(res, 0, 0), "f"))
        return en_set(err, EN_NOTFOUND, "groups.gone", "nothing to remove");
    return EN_OK;
}

json_t *
dir_overview(pool_t *p, en_err_t *err)
{
    return db_query_json(p, err, &overview_stmt, NULL);
}

int
dir_group_create(pool_t *p, en_err_t *err, const char *kind, const char *id,
                 const char *name, const char *tp_kind, const char *ofs,
                 const char *admin, const char *request_id)
{
    const char *params[7] = { kind, id, name, tp_kind, ofs, admin, request_id };

    return run(p, err, &create_stmt, params);
}

int
dir_member_add(pool_t *p, en_err_t *err, const char *kind, const char *group,
               const char *email, const char *admin, const char *request_id)
{
    const char *params[5] = { kind, group, email, admin, request_id };

    return run(p, err, &add_stmt, params);
}

int
dir_member_remove(pool_t *p, en_err_t *err, const char *kind, const char *group,
                  const char *person, const char *admin, const char *request_id)
{
    const char *params[5] = { kind, group, person, admin, request_id };

    return run(p, err, &remove_stmt, params);
}

int
dir_admin_add(pool_t *p, en_err_t *err, const char *email, const char *admin,
              const char *request_id)
{
    const char *params[3] = { email, admin, request_id };

    return run(p, err, &admin_add_stmt, params);
}

int
dir_admin_remove(pool_t *p, en_err_t *err, const char *person, const char *admin,
                 const char *request_id)
{
    const char *params[3] = { person, admin, request_id };

    return run(p, err, &admin_remove_stmt, params);
}

json_t *
dir_people(pool_t *p, en_err_t *err, const char *q)
{
    const char *params[1] = { q };

    return db_query_json(p, err, &people_stmt, params);
}

int
dir_identity_link(pool_t *p, en_err_t *err, const char *issuer, const char *subject,
                  const char *to_email, const char *admin, const char *request_id)
{
    const char *params[5] = { issuer, subject, to_email, admin, request_id };

    return run(p, err, &link_stmt, params);
}
