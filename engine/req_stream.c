/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * req_stream.c -- a response sent while it is being made (the queue's
 * exports): the head first, then the body in pieces straight to libfcgi's
 * output stream, so a long list is never held whole in memory.  The
 * ordinary responses (buffered, then sent by worker.c) are req.c's.
 */
#include <string.h>

#include <fcgiapp.h>

#include "pool.h"
#include "req.h"

void
req_stream_begin(req_t *r, int status, const char *type)
{
    buf_t head;

    r->status = status;
    r->resp_type = type;
    r->streamed = 1;
    if (r->fcgx == NULL)
        return;                 /* tests: the body collects in out_buf */
    buf_init(&head, r->pool);
    req_header(r, "X-Request-Id", r->request_id);
    req_serialize_head(r, &head);
    FCGX_PutStr(head.data, (int) head.len, ((FCGX_Request *) r->fcgx)->out);
}

int
req_stream_write(req_t *r, const void *data, size_t n)
{
    FCGX_Stream *out;

    if (n == 0)
        return 0;
    if (r->fcgx == NULL) {
        req_write(r, data, n);
        return 0;
    }
    if (!strcmp(r->method, "HEAD"))
        return 0;
    out = ((FCGX_Request *) r->fcgx)->out;
    while (n > 0) {
        int k = n > 65536 ? 65536 : (int) n;

        if (FCGX_PutStr(data, k, out) != k)
            return -1;
        data = (const char *) data + k;
        n -= (size_t) k;
    }
    return 0;
}
