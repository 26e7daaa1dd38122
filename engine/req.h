/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * req.h -- one HTTP request as the engine sees it, and its response.
 *
 * A req_t lives in its own pool for exactly one request.  The parsing
 * helpers (query strings, cookies, urlencoded and multipart bodies,
 * percent-decoding, Accept-Language) are pure functions over bytes so that
 * they are unit-tested without FastCGI; req_fcgi.c feeds them from libfcgi.
 */
#ifndef GUICHET_REQ_H
#define GUICHET_REQ_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "en_err.h"
#include "kv.h"
#include "pool.h"

/* Bounds on what a client may send; past them the request is refused. */
#define REQ_MAX_PARAMS     512
#define REQ_MAX_COOKIES    64
#define REQ_MAX_NAME       256
#define REQ_MAX_FIELD      (1024 * 1024)   /* one non-file form value */
#define REQ_MAX_PARTS      64

struct session;    /* session.h */
struct route;      /* route.h */

typedef struct req {
    pool_t         *pool;
    const cfg_t    *cfg;
    void           *fcgx;            /* FCGX_Request *, NULL in tests */
    en_err_t        err;

    /* what came in */
    const char     *method;          /* "GET", "POST", ... */
    const char     *path;            /* decoded, starts with '/' */
    const char     *raw_path;        /* as sent, without the query */
    const char     *query;           /* raw query string or "" */
    const char     *remote_addr;
    const char     *request_id;
    const char     *content_type;
    const char     *user_agent;
    const char     *accept;
    size_t          content_length;
    const char     *body;            /* read on demand by req_read_body */
    size_t          body_len;
    kv_t           *query_params;
    kv_t           *form;            /* urlencoded or multipart fields */
    upload_t       *uploads;
    kv_t           *cookies;
    const char     *lang;            /* "fr", "de" or "en" */
    char *const    *envp;            /* FastCGI params, for lookups */

    /* who is asking (filled by the session layer) */
    struct session *session;
    const struct route *route;
    const char     *route_name;      /* for metrics and logs */
    const char     *path_arg;        /* the part matched by a route's '*' */
    kv_t           *path_params;     /* the route's captures, by name */

    /* what goes out */
    int             status;
    kv_t           *headers;         /* in order of addition */
    kv_t           *headers_tail;
    const char     *resp_type;       /* Content-Type */
    const char     *resp_body;       /* when set, used instead of out */
    size_t          resp_len;
    void           *out_buf;         /* buf_t *, lazily made */
    void           *page_doc;        /* xmlDocPtr from render_begin */
    int             streamed;        /* req_stream_begin sent the head */

    double          started;         /* monotonic seconds */
} req_t;

/* --- pure parsing, unit-tested ------------------------------------- */

/* Decodes %XX (and '+' as space when plus_space) from s[0..n).  Bad
 * escapes and %00 are refused (EN_BADINPUT); the result lives in p. */
int req_percent_decode(pool_t *p, const char *s, size_t n, int plus_space,
                       char **out, size_t *out_len);

/* Parses "a=1&b=2" into a list in order (max max_params pairs).  A value
 * longer than REQ_MAX_FIELD or a bad escape gives EN_BADINPUT; too many
 * pairs gives EN_TOOLARGE. */
int req_parse_urlencoded(pool_t *p, const char *s, size_t n,
                         size_t max_params, kv_t **out, en_err_t *err);

/* Parses a Cookie header; malformed pairs are skipped, as browsers do;
 * more than REQ_MAX_COOKIES gives EN_TOOLARGE. */
int req_parse_cookies(pool_t *p, const char *header, kv_t **out,
                      en_err_t *err);

/* Parses a multipart/form-data body given its Content-Type header.
 * Values point into the body (no copy) except text fields, copied to be
 * NUL-terminated.  Bad structure gives EN_BADINPUT. */
int req_parse_multipart(pool_t *p, const char *content_type,
                        const char *body, size_t len, kv_t **fields,
                        upload_t **files, en_err_t *err);

/* Picks fr/de/en from an Accept-Language header (q-values honoured);
 * returns dflt when nothing matches. */
const char *req_pick_lang(const char *accept_language, const char *dflt);

/* Percent-encodes s for a URL query or path (RFC 3986 unreserved kept,
 * and '/' too when keep_slash); lives in p. */
const char *req_url_encode(pool_t *p, const char *s, int keep_slash);

/* --- request accessors ---------------------------------------------- */

/* A query or form parameter (form first for POST), or NULL. */
const char *req_param(req_t *r, const char *name);
/* A capture of the route's pattern ("/demands/{id:uuid}": "id"), already
 * checked against its type by the dispatcher, or NULL. */
const char *req_path_param(req_t *r, const char *name);
/* req_param as a number: dflt when absent or not a decimal integer.  For
 * a parameter the route declares (route.h), the dispatcher has already
 * refused a malformed or out-of-bounds one. */
long long   req_param_int(req_t *r, const char *name, long long dflt);
const char *req_cookie(req_t *r, const char *name);
/* A FastCGI parameter such as "HTTP_ACCEPT", or NULL. */
const char *req_env(req_t *r, const char *name);

/* --- response ------------------------------------------------------- */

void req_header(req_t *r, const char *name, const char *value);
/* Set-Cookie with the flags this portal always wants (HttpOnly,
 * SameSite=Lax, Path=/, Secure unless cfg->dev); max_age < 0 deletes. */
void req_cookie_set(req_t *r, const char *name, const char *value,
                    long max_age);
void req_redirect(req_t *r, int status, const char *location);
/* Appends to the response body (creates it on first use). */
void req_write(req_t *r, const char *data, size_t n);
void req_puts(req_t *r, const char *s);
/* Whole body at once, not copied: must live in r->pool or be static. */
void req_body(req_t *r, const char *type, const char *data, size_t n);
/* A response too long to hold (an export): req_stream_begin sends the
 * status and the headers now, each req_stream_write sends its bytes on
 * (libfcgi's buffer, then nginx); nothing is kept.  Without FastCGI (unit
 * tests) the bytes go to the output buffer.  After req_stream_begin the
 * handler returns EN_OK whatever happens: the status is gone.
 * req_stream_write returns 0, or -1 when the client went away.
 * (req_stream.c) */
void req_stream_begin(req_t *r, int status, const char *type);
int  req_stream_write(req_t *r, const void *data, size_t n);

/* Serialises status line, headers and body into out (CGI-style response
 * for FastCGI: "Status: 200 OK\r\n..."), for tests and req_fcgi.c. */
void req_serialize_head(req_t *r, void *buf /* buf_t * */);
const char *req_status_text(int status);

#endif
