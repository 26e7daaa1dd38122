/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * worker.c -- the FastCGI worker: accept loop, request intake, response.
 *
 * Signal policy (see master.c): a worker keeps SIGTERM, SIGINT and SIGHUP
 * blocked for its whole life and looks for them with sigpending() between
 * requests.  The listening socket has a short receive timeout, so an idle
 * accept returns every half second to look.  No signal handler ever runs,
 * so no read or write of a request in flight is ever interrupted: a
 * stopping worker always finishes what it started.  libfcgi's own handlers
 * (which set its shutdown flag and make later reads fail) are never used.
 *
 * Per request: a fresh pool, the FastCGI params into a req_t, the body
 * read and parsed within the configured bounds, route_dispatch, the
 * response written, one JSON log line, the metrics counted, the pool
 * freed.  Idle for half a second after requests, a worker trims its heap
 * (malloc_trim): what it keeps resident is what it holds, not the peak
 * of its largest page.
 */
#include "worker.h"

#include <errno.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "i18n.h"
#include "listen.h"
#include "log.h"
#include "master.h"
#include "metrics.h"
#include "render.h"
#include "req.h"
#include "route.h"
#include "util_rand.h"
#include "xml_safe.h"

#define MAX_INIT 16

static worker_init_fn inits[MAX_INIT];
static int            ninits;

void
worker_add_init(worker_init_fn fn)
{
    if (ninits < MAX_INIT)
        inits[ninits++] = fn;
}

static double
now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static const char *
make_request_id(pool_t *p)
{
    unsigned char b[8];

    /* the id only ties a request's log lines together: without randomness
     * it is all zeros, and whatever needs secrets (sessions) fails on its
     * own error */
    if (util_random(b, sizeof(b), NULL) != EN_OK)
        memset(b, 0, sizeof(b));
    return pool_printf(p, "%02x%02x%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
                       b[3], b[4], b[5], b[6], b[7]);
}

static int
valid_request_id(const char *s)
{
    size_t n = 0;

    for (; s != NULL && *s; s++, n++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')
              || (*s >= 'A' && *s <= 'F') || *s == '-'))
            return 0;
    return n >= 8 && n <= 64;
}

/* The request says it has a body to read: a non-zero Content-Length on
 * anything but a GET or a HEAD.  A GET carries nothing to read: nginx's
 * error_page 413 turns the refused POST into a GET of /too-large with its
 * Content-Length. */
static int
body_declared(req_t *r)
{
    const char *cl = req_env(r, "CONTENT_LENGTH");

    if (cl == NULL || *cl == '\0' || !strcmp(cl, "0"))
        return 0;
    return !(r->method != NULL && (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")));
}

static int
read_body(req_t *r, FCGX_Request *fr)
{
    const char *cl = req_env(r, "CONTENT_LENGTH");
    char       *end, *data;
    long long   n;
    size_t      got = 0;

    if (!body_declared(r))
        return EN_OK;
    n = strtoll(cl, &end, 10);
    if (*end != '\0' || n < 0)
        return en_set(&r->err, EN_BADINPUT, "err.bad_request", "bad Content-Length");
    if (n > r->cfg->max_body)
        return en_set(&r->err, EN_TOOLARGE, "err.too_large", "request body too large");
    if (n == 0)
        return EN_OK;
    data = pool_alloc(r->pool, (size_t) n + 1);
    while (got < (size_t) n) {
        int k = FCGX_GetStr(data + got, (int) ((size_t) n - got), fr->in);

        if (k <= 0)
            break;
        got += (size_t) k;
    }
    if (got != (size_t) n)
        return en_set(&r->err, EN_BADINPUT, "err.bad_request", "request body cut short");
    data[got] = '\0';
    r->body = data;
    r->body_len = got;
    r->content_length = got;
    return EN_OK;
}

static int
parse_input(req_t *r)
{
    const char *ct = r->content_type;

    if (req_parse_urlencoded(r->pool, r->query, strlen(r->query), REQ_MAX_PARAMS,
                             &r->query_params, &r->err) != EN_OK)
        return r->err.code;
    if (req_parse_cookies(r->pool, req_env(r, "HTTP_COOKIE"), &r->cookies, &r->err) != EN_OK)
        return r->err.code;
    if (r->body == NULL || ct == NULL)
        return EN_OK;
    if (!strncasecmp(ct, "application/x-www-form-urlencoded", 33))
        return req_parse_urlencoded(r->pool, r->body, r->body_len, REQ_MAX_PARAMS,
                                    &r->form, &r->err);
    /* a file over its field's max-size (up to max_body, which nginx's
     * client_max_body_size matches) reaches the field's own check: the
     * message goes under that field, the rest of the form kept, instead
     * of a 413 that would throw the person out of the form */
    if (!strncasecmp(ct, "multipart/form-data", 19))
        return req_parse_multipart(r->pool, ct, r->body, r->body_len, &r->form,
                                   &r->uploads, &r->err);
    return EN_OK;
}

static const char *
pick_lang(req_t *r)
{
    const char *q = kv_get(r->query_params, "lang"), *c = req_cookie(r, "lang");

    if (q != NULL && i18n_lang_ok(q)) {
        if (c == NULL || strcmp(c, q) != 0)   /* the choice sticks */
            req_cookie_set(r, "lang", q, 365L * 86400);
        return q;
    }
    if (c != NULL && i18n_lang_ok(c))
        return c;
    return req_pick_lang(req_env(r, "HTTP_ACCEPT_LANGUAGE"), r->cfg->default_lang);
}

static void
fill_request(req_t *r, FCGX_Request *fr)
{
    const char *uri, *q, *rid;

    r->envp = fr->envp;
    r->method = req_env(r, "REQUEST_METHOD");
    if (r->method == NULL)
        r->method = "GET";
    uri = req_env(r, "REQUEST_URI");
    if (uri == NULL)
        uri = "/";
    q = strchr(uri, '?');
    r->raw_path = q ? pool_strndup(r->pool, uri, (size_t) (q - uri)) : uri;
    r->query = req_env(r, "QUERY_STRING");
    if (r->query == NULL)
        r->query = q ? q + 1 : "";
    /* nginx's $document_uri is decoded and normalised ("..", "//") */
    r->path = req_env(r, "DOCUMENT_URI");
    if (r->path == NULL || r->path[0] != '/')
        r->path = r->raw_path;
    r->remote_addr = req_env(r, "REMOTE_ADDR");
    r->content_type = req_env(r, "CONTENT_TYPE");
    r->user_agent = req_env(r, "HTTP_USER_AGENT");
    r->accept = req_env(r, "HTTP_ACCEPT");
    rid = req_env(r, "REQUEST_ID");
    r->request_id = valid_request_id(rid) ? rid : make_request_id(r->pool);
}

static void
write_response(req_t *r, FCGX_Request *fr)
{
    buf_t       head;
    const char *body = r->resp_body;
    size_t      len = r->resp_len;

    if (r->streamed)
        return;                 /* req_stream_begin sent the head, the
                                   handler the body */
    if (body == NULL && r->out_buf != NULL) {
        body = ((buf_t *) r->out_buf)->data;
        len = ((buf_t *) r->out_buf)->len;
    }
    buf_init(&head, r->pool);
    req_header(r, "X-Request-Id", r->request_id);
    req_serialize_head(r, &head);
    FCGX_PutStr(head.data, (int) head.len, fr->out);
    if (body != NULL && len > 0 && strcmp(r->method, "HEAD") != 0)
        FCGX_PutStr(body, (int) len, fr->out);
}

static void
log_request(req_t *r, double secs)
{
    char line[2048], ts[40];
    int  n;

    log_timestamp(ts, sizeof(ts));
    n = snprintf(line, sizeof(line), "{\"time\":\"%s\",\"level\":\"info\",\"msg\":\"request\","
                 "\"pid\":%ld,\"role\":\"worker\",\"request_id\":", ts, (long) getpid());
    n += (int) log_json_str_fit(line + n, 80, r->request_id);
    n += snprintf(line + n, sizeof(line) - (size_t) n, ",\"method\":");
    n += (int) log_json_str_fit(line + n, 40, r->method);
    n += snprintf(line + n, sizeof(line) - (size_t) n, ",\"path\":");
    n += (int) log_json_str_fit(line + n, 1200, r->path);
    n += snprintf(line + n, sizeof(line) - (size_t) n,
                  ",\"route\":\"%s\",\"status\":%d,\"duration_ms\":%.3f}",
                  r->route_name ? r->route_name : "unmatched", r->status, secs * 1000);
    if (n > 0 && (size_t) n < sizeof(line))
        log_raw(line, (size_t) n);
}

/* Serves one request.  Returns 1 when its body was read to the length it
 * declared (or it declared none): nothing of the request is left unread
 * but stdin's closing record. */
static int
handle(const cfg_t *cfg, FCGX_Request *fr)
{
    pool_t *p = pool_new(0);
    req_t  *r = pool_calloc(p, sizeof(*r));
    double  secs;
    int     whole;

    r->pool = p;
    r->cfg = cfg;
    r->fcgx = fr;
    r->started = now_mono();
    fill_request(r, fr);
    if (read_body(r, fr) != EN_OK || parse_input(r) != EN_OK) {
        r->lang = cfg->default_lang;
        route_fail(r);
    } else {
        r->lang = pick_lang(r);
        route_dispatch(r);
    }
    write_response(r, fr);
    secs = now_mono() - r->started;
    metrics_request(r->route ? route_index(r->route) : 0, r->status, secs);
    log_request(r, secs);
    whole = r->body != NULL || !body_declared(r);
    pool_free(p);
    return whole;
}

/* Ends the request.  On a connection nginx does not keep, libfcgi's close
 * is a lingering one: shut our side, then wait (up to 2 s) for nginx to
 * close first, reading what it still sends, so that a body left unread
 * cannot turn into a reset that loses the response.  When the whole
 * request was read and stdin's closing record is all that remains, nginx
 * has nothing more to send: the wait only cost every request a sleep and
 * a wake-up.  Such a connection is closed at once (FCGX_Detach: closed
 * without the shutdown); a body left unread keeps the lingering close. */
static void
finish(FCGX_Request *fr, int whole)
{
    if (whole && !fr->keepConnection && FCGX_GetChar(fr->in) == EOF
        && FCGX_HasSeenEOF(fr->in) == EOF)
        FCGX_Detach(fr);
    FCGX_Finish_r(fr);
}

int
worker_main(const cfg_t *cfg, int listen_fd, int slot)
{
    FCGX_Request   fr;
    listen_allow_t allow;
    sigset_t       block;
    en_err_t       err;
    long           served = 0;
    int            i, busy = 0;
    struct timeval none = { 0, 0 };
    char           slot_s[16];

    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    log_set_process("worker");
    xml_safe_init();
    en_clear(&err);
    if (render_init(cfg, &err) != EN_OK || render_preload(&err) != EN_OK) {
        log_event(LOG_ERROR, "worker cannot load stylesheets", "error", err.msg, NULL);
        return 3;
    }
    for (i = 0; i < ninits; i++)
        if (inits[i](cfg) != EN_OK)
            return 3;
    if (db_init(cfg->database, &err) != EN_OK)
        log_event(LOG_WARN, "database not reachable yet", "error", err.detail, NULL);
    FCGX_Init();
    /* FCGX_Init installed libfcgi's handlers for SIGTERM/SIGUSR1 where the
     * default was in place; SIGTERM is blocked so it never runs. */
    signal(SIGUSR1, SIG_DFL);
    /* libfcgi never accepts by itself (its listening socket is -1): the
     * connection is accepted by listen_accept(), which closes a TCP peer
     * not in listen_allow before libfcgi reads a byte, and handed over as
     * ipcFd.  keepConnection = 1 keeps FCGX_Accept_r's opening
     * FCGX_Finish_r from closing it; the BEGIN_REQUEST record then says
     * whether nginx keeps it. */
    if (listen_parse_allow(cfg->listen_allow, &allow, &err) != EN_OK) {
        log_event(LOG_ERROR, "bad listen_allow", "error", err.msg, NULL);
        return 3;
    }
    if (FCGX_InitRequest(&fr, -1, 0) != 0)
        return 3;
    snprintf(slot_s, sizeof(slot_s), "%d", slot);
    log_event(LOG_DEBUG, "worker ready", "slot", slot_s, NULL);
    while (!master_child_should_stop()) {
        int rc;

        if (fr.ipcFd < 0) {
            int fd = listen_accept(listen_fd, &allow);

            if (fd < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    /* the half-second tick: look for signals; a worker idle
                     * since its last request gives the heap pages its
                     * requests freed back to the system (glibc keeps them
                     * otherwise: a large page's memory would stay resident
                     * in every worker that ever drew one) */
                    if (busy) {
                        malloc_trim(0);
                        busy = 0;
                    }
                    continue;
                }
                if (errno == EINTR || errno == ECONNABORTED)
                    continue;
                log_event(LOG_ERROR, "accept failed", "error", strerror(errno), NULL);
                sleep(1);
                continue;
            }
            /* the accepted socket inherited the listener's receive timeout */
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
            fr.ipcFd = fd;
            fr.keepConnection = 1;
        }
        rc = FCGX_Accept_r(&fr);
        if (rc < 0) {
            /* the peer went away or sent no request: libfcgi closed the
             * connection and, having no listening socket, returned */
            if (fr.ipcFd >= 0) {
                close(fr.ipcFd);
                fr.ipcFd = -1;
            }
            continue;
        }
        finish(&fr, handle(cfg, &fr));
        busy = 1;
        if (cfg->max_requests > 0 && ++served >= cfg->max_requests)
            break;
    }
    FCGX_Free(&fr, 0);
    db_close();
    return 0;
}
