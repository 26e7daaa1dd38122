/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * refreg.c -- the reference registers (see refreg.h): their closed list
 * and the one statement per register that reads an entry.  Owns the SQL
 * of ref_communes, ref_persons and ref_applications; nothing else writes
 * them but the loader (scripts/load_registers.py).
 */
#include "refreg.h"

#include <string.h>

#include "db.h"
#include "field.h"

static const refreg_t refregs[] = {
    { "communes", 1, { FIELD_OFS, 0 }, { "OFS number", NULL },
      { "name", "canton", "district", NULL } },
    { "persons", 2, { FIELD_AVS13, FIELD_DATE }, { "AVS13 number", "birth date" },
      { "name", "first-name", "last-name", NULL } },
    { "applications", 1, { FIELD_TEXT, 0 }, { "application code", NULL },
      { "name", "application", NULL } },
};

#define N_REFREGS (sizeof(refregs) / sizeof(*refregs))

static db_stmt_t communes_stmt =
    DB_STMT("refreg_communes", 1,
            "SELECT jsonb_build_object('name', name, 'canton', canton, 'district', district) "
            "FROM ref_communes WHERE ofs = $1::int");
static db_stmt_t persons_stmt =
    DB_STMT("refreg_persons", 2,
            "SELECT jsonb_build_object('name', first_name || ' ' || last_name, "
            "'first-name', first_name, 'last-name', last_name) "
            "FROM ref_persons WHERE avs13 = $1 AND birth_date = $2::date");
static db_stmt_t applications_stmt =
    DB_STMT("refreg_applications", 1,
            "SELECT jsonb_build_object('name', name, 'application', application) "
            "FROM ref_applications WHERE code = $1");

const refreg_t *
refreg_find(const char *name)
{
    size_t i;

    for (i = 0; name != NULL && i < N_REFREGS; i++)
        if (!strcmp(refregs[i].name, name))
            return &refregs[i];
    return NULL;
}

const char *
refreg_name(size_t i)
{
    return i < N_REFREGS ? refregs[i].name : NULL;
}

int
refreg_has_column(const refreg_t *reg, const char *column)
{
    size_t i;

    for (i = 0; reg != NULL && column != NULL && reg->columns[i] != NULL; i++)
        if (!strcmp(reg->columns[i], column))
            return 1;
    return 0;
}

int
refreg_lookup(pool_t *p, en_err_t *err, const refreg_t *reg, const char *const *keys,
              json_t **row)
{
    db_stmt_t *st;
    json_t    *j;
    size_t     i;

    *row = NULL;
    if (!strcmp(reg->name, "communes"))
        st = &communes_stmt;
    else if (!strcmp(reg->name, "persons"))
        st = &persons_stmt;
    else if (!strcmp(reg->name, "applications"))
        st = &applications_stmt;
    else
        return en_set(err, EN_INTERNAL, "err.internal", "no register %s", reg->name);
    for (i = 0; i < reg->n_keys; i++)
        if (keys[i] == NULL || *keys[i] == '\0')
            return EN_OK;               /* nothing to look up: not found */
    j = db_query_json(p, err, st, keys);
    if (j == NULL) {
        if (err->code == EN_NOTFOUND) {
            en_clear(err);
            return EN_OK;
        }
        return err->code;
    }
    *row = j;
    return EN_OK;
}
