/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * req.c -- request accessors and the response being built (see req.h).
 *
 * Knows nothing of FastCGI: req_fcgi.c fills a req_t from libfcgi and
 * writes out what is built here, so handlers can be tested on a bare req_t.
 */
#include "req.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
req_param(req_t *r, const char *name)
{
    const char *v = kv_get(r->form, name);

    return v != NULL ? v : kv_get(r->query_params, name);
}

const char *
req_path_param(req_t *r, const char *name)
{
    return kv_get(r->path_params, name);
}

long long
req_param_int(req_t *r, const char *name, long long dflt)
{
    const char *v = req_param(r, name);
    char       *end;
    long long   n;

    if (v == NULL || *v == '\0')
        return dflt;
    errno = 0;
    n = strtoll(v, &end, 10);
    return *end == '\0' && errno == 0 ? n : dflt;
}

const char *
req_cookie(req_t *r, const char *name)
{
    return kv_get(r->cookies, name);
}

const char *
req_env(req_t *r, const char *name)
{
    size_t       nl = strlen(name);
    char *const *e;

    for (e = r->envp; e != NULL && *e != NULL; e++)
        if (!strncmp(*e, name, nl) && (*e)[nl] == '=')
            return *e + nl + 1;
    return NULL;
}

void
req_header(req_t *r, const char *name, const char *value)
{
    kv_t *kv = pool_alloc(r->pool, sizeof(*kv));

    /* a CR or LF in a header value would split the response */
    if (strpbrk(value, "\r\n") != NULL)
        return;
    kv->name = name;
    kv->value = value;
    kv->len = strlen(value);
    kv->next = NULL;
    if (r->headers_tail != NULL)
        r->headers_tail->next = kv;
    else
        r->headers = kv;
    r->headers_tail = kv;
}

void
req_cookie_set(req_t *r, const char *name, const char *value, long max_age)
{
    int secure = r->cfg == NULL || !r->cfg->dev;

    req_header(r, "Set-Cookie",
               pool_printf(r->pool, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s; Max-Age=%ld",
                           name, max_age < 0 ? "" : value,
                           secure ? "; Secure" : "", max_age < 0 ? 0 : max_age));
}

void
req_redirect(req_t *r, int status, const char *location)
{
    r->status = status;
    req_header(r, "Location", location);
    req_body(r, "text/plain; charset=utf-8", "", 0);
}

static buf_t *
out_buf(req_t *r)
{
    if (r->out_buf == NULL) {
        r->out_buf = pool_alloc(r->pool, sizeof(buf_t));
        buf_init(r->out_buf, r->pool);
    }
    return r->out_buf;
}

void
req_write(req_t *r, const char *data, size_t n)
{
    buf_add(out_buf(r), data, n);
}

void
req_puts(req_t *r, const char *s)
{
    req_write(r, s, strlen(s));
}

void
req_body(req_t *r, const char *type, const char *data, size_t n)
{
    r->resp_type = type;
    r->resp_body = data;
    r->resp_len = n;
}

const char *
req_status_text(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default:  return "Status";
    }
}

void
req_serialize_head(req_t *r, void *vb)
{
    buf_t *b = vb;
    kv_t  *h;

    buf_printf(b, "Status: %d %s\r\n", r->status, req_status_text(r->status));
    if (r->resp_type != NULL)
        buf_printf(b, "Content-Type: %s\r\n", r->resp_type);
    for (h = r->headers; h != NULL; h = h->next)
        buf_printf(b, "%s: %s\r\n", h->name, h->value);
    buf_puts(b, "\r\n");
}
