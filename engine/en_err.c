/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * en_err.c -- filling and naming the shared error record (see en_err.h).
 */
#include "en_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
en_http_status(int code)
{
    switch (code) {
    case EN_OK:          return 200;
    case EN_BADINPUT:    return 422;
    case EN_FORBIDDEN:   return 403;
    case EN_NOTFOUND:    return 404;
    case EN_CONFLICT:    return 409;
    case EN_UNAVAILABLE: return 503;
    case EN_TOOLARGE:    return 413;
    case EN_UNAUTH:      return 401;
    default:             return 500;
    }
}

const char *
en_code_name(int code)
{
    static const char *names[] = {
        "ok", "bad_input", "forbidden", "not_found", "conflict",
        "unavailable", "too_large", "unauthenticated", "internal"
    };

    if (code < 0 || code > EN_INTERNAL)
        return "internal";
    return names[code];
}

int
en_set(en_err_t *e, int code, const char *key, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return code;
    e->code = code;
    e->http_status = en_http_status(code);
    snprintf(e->key, sizeof(e->key), "%s", key ? key : "");
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    e->detail[0] = '\0';
    return code;
}

void
en_detail(en_err_t *e, const char *fmt, ...)
{
    va_list ap;
    size_t  len;

    if (e == NULL)
        return;
    len = strlen(e->detail);
    if (len > 0 && len + 2 < sizeof(e->detail)) {
        e->detail[len++] = ';';
        e->detail[len++] = ' ';
        e->detail[len] = '\0';
    }
    va_start(ap, fmt);
    vsnprintf(e->detail + len, sizeof(e->detail) - len, fmt, ap);
    va_end(ap);
}

void
en_clear(en_err_t *e)
{
    if (e != NULL)
        memset(e, 0, sizeof(*e));
}
