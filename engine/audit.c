/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * audit.c -- the audit search (see audit.h).
 */
#include "audit.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "field.h"

static db_stmt_t search_stmt = DB_STMT("audit_search", 5,
    "SELECT audit_search($1, $2, $3::date, $4::date, $5::int)");

const char *
audit_kind(pool_t *p, const char *q, const char **value)
{
    field_rules_t  rules;
    field_result_t res;
    size_t         n, i;

    *value = "";
    while (q != NULL && isspace((unsigned char) *q))
        q++;
    n = q != NULL ? strlen(q) : 0;
    while (n > 0 && isspace((unsigned char) q[n - 1]))
        n--;
    if (n == 0)
        return "recent";
    q = pool_strndup(p, q, n);
    if (n == 11 && q[4] == '-') {
        for (i = 0; i < n && (i == 4 || isdigit((unsigned char) q[i])); i++)
            ;
        if (i == n) {
            *value = q;
            return "reference";
        }
    }
    memset(&rules, 0, sizeof(rules));
    res = field_validate(p, FIELD_IDE, &rules, q);
    if (res.key == NULL && res.value != NULL && *res.value) {
        *value = res.value;
        return "ide";
    }
    res = field_validate(p, FIELD_EMAIL, &rules, q);
    if (res.key == NULL && res.value != NULL && *res.value) {
        *value = res.value;
        return "email";
    }
    return NULL;
}

json_t *
audit_search(pool_t *p, en_err_t *err, const char *kind, const char *value,
             const char *from, const char *to)
{
    const char *params[5];

    params[0] = kind;
    params[1] = value;
    params[2] = from;
    params[3] = to;
    params[4] = pool_printf(p, "%d", AUDIT_MAX);
    return db_query_json(p, err, &search_stmt, params);
}
