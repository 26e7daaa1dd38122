/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * ide_register.c -- the IDE register's reads (see ide_register.h).  One
 * prepared statement; the register is reference data, never written from
 * a request.
 */
#include "ide_register.h"

#include <ctype.h>
#include <string.h>

#include "db.h"

static db_stmt_t legal_form_stmt =
    DB_STMT("ide_register_legal_form", 1,
            "SELECT legal_form FROM ide_register WHERE ide = $1");

static db_stmt_t space_open_stmt =
    DB_STMT("ide_register_space_open", 2,
            "SELECT EXISTS (SELECT 1 FROM spaces s JOIN entities e ON e.id = s.entity_id"
            "  WHERE e.ide = $1 AND (s.status = 'active' OR (s.status = 'pending'"
            "    AND EXISTS (SELECT 1 FROM demands d WHERE d.subject_space_id = s.id"
            "                   AND NOT d.is_final AND d.id <> $2::uuid))))");

int
ide_register_canonical(const char *s)
{
    static const char shape[] = "CHE-999.999.999";
    size_t            i;

    if (s == NULL || strlen(s) != sizeof(shape) - 1)
        return 0;
    for (i = 0; shape[i] != '\0'; i++)
        if (shape[i] == '9' ? !isdigit((unsigned char) s[i]) : s[i] != shape[i])
            return 0;
    return 1;
}

int
ide_register_legal_form(pool_t *p, en_err_t *err, const char *ide, const char **legal_form)
{
    const char *params[1] = { ide };
    PGresult   *res;

    *legal_form = NULL;
    if (!ide_register_canonical(ide))
        return EN_OK;
    if ((res = db_exec_prepared(p, err, &legal_form_stmt, params)) == NULL)
        return err->code;
    if (PQntuples(res) == 1)
        *legal_form = pool_strdup(p, db_val(res, 0, 0));
    return EN_OK;
}

int
ide_register_space_open(pool_t *p, en_err_t *err, const char *ide, const char *demand_id,
                        int *open)
{
    const char *params[2] = { ide, demand_id };
    PGresult   *res;

    *open = 0;
    if ((res = db_exec_prepared(p, err, &space_open_stmt, params)) == NULL)
        return err->code;
    *open = PQntuples(res) == 1 && !strcmp(db_val(res, 0, 0), "t");
    return EN_OK;
}
