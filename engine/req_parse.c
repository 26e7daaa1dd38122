/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * req_parse.c -- pure parsers for what a client sends: percent-encoding,
 * query strings and urlencoded bodies, cookies, multipart bodies and
 * Accept-Language.  No I/O; every result lives in the caller's pool; every
 * size is bounded (see req.h), and anything malformed is refused with
 * EN_BADINPUT rather than guessed at.
 */
#include "req.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int
req_percent_decode(pool_t *p, const char *s, size_t n, int plus_space,
                   char **out, size_t *out_len)
{
    char  *d = pool_alloc(p, n + 1);
    size_t i, j = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi, lo;

            if (i + 2 >= n)
                return EN_BADINPUT;
            hi = hexval((unsigned char) s[i + 1]);
            lo = hexval((unsigned char) s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return EN_BADINPUT;
            d[j++] = (char) (hi * 16 + lo);
            i += 2;
        } else if (s[i] == '+' && plus_space) {
            d[j++] = ' ';
        } else if (s[i] == '\0') {
            return EN_BADINPUT;
        } else {
            d[j++] = s[i];
        }
    }
    d[j] = '\0';
    *out = d;
    if (out_len != NULL)
        *out_len = j;
    return EN_OK;
}

const char *
req_url_encode(pool_t *p, const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    buf_t             b;

    buf_init(&b, p);
    for (; *s; s++) {
        unsigned char c = (unsigned char) *s;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && keep_slash)) {
            buf_putc(&b, (char) c);
        } else {
            buf_putc(&b, '%');
            buf_putc(&b, hex[c >> 4]);
            buf_putc(&b, hex[c & 15]);
        }
    }
    return b.data;
}

void
kv_add(pool_t *p, kv_t **head, const char *name, const char *value)
{
    kv_t *kv = pool_alloc(p, sizeof(*kv)), **tail = head;

    kv->name = name;
    kv->value = value;
    kv->len = value ? strlen(value) : 0;
    kv->next = NULL;
    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = kv;
}

const char *
kv_get(const kv_t *list, const char *name)
{
    for (; list != NULL; list = list->next)
        if (!strcmp(list->name, name))
            return list->value;
    return NULL;
}

int
req_parse_urlencoded(pool_t *p, const char *s, size_t n, size_t max_params,
                     kv_t **out, en_err_t *err)
{
    kv_t  *head = NULL, **tail = &head;
    size_t i = 0, count = 0;

    while (i < n) {
        size_t start = i, eq = (size_t) -1, len;
        char  *name, *value;
        size_t vlen;
        kv_t  *kv;

        while (i < n && s[i] != '&') {
            if (s[i] == '=' && eq == (size_t) -1)
                eq = i;
            i++;
        }
        len = i - start;
        i++;                                   /* skip '&' */
        if (len == 0)
            continue;
        if (++count > max_params)
            return en_set(err, EN_TOOLARGE, "err.too_many_params",
                          "too many parameters (at most %zu)", max_params);
        if (eq == (size_t) -1)
            eq = start + len;
        if (eq - start > REQ_MAX_NAME)
            return en_set(err, EN_BADINPUT, "err.bad_request",
                          "parameter name too long");
        if (eq < start + len && start + len - eq - 1 > REQ_MAX_FIELD)
            return en_set(err, EN_TOOLARGE, "err.too_large",
                          "parameter value too long");
        if (req_percent_decode(p, s + start, eq - start, 1, &name, NULL) != EN_OK)
            return en_set(err, EN_BADINPUT, "err.bad_request",
                          "bad percent-encoding in a parameter name");
        if (eq >= start + len)
            value = pool_strdup(p, ""), vlen = 0;
        else if (req_percent_decode(p, s + eq + 1, start + len - eq - 1, 1,
                                    &value, &vlen) != EN_OK)
            return en_set(err, EN_BADINPUT, "err.bad_request",
                          "bad percent-encoding in parameter \"%.64s\"", name);
        kv = pool_alloc(p, sizeof(*kv));
        kv->name = name;
        kv->value = value;
        kv->len = vlen;
        kv->next = NULL;
        *tail = kv;
        tail = &kv->next;
    }
    *out = head;
    return EN_OK;
}

int
req_parse_cookies(pool_t *p, const char *h, kv_t **out, en_err_t *err)
{
    kv_t  *head = NULL, **tail = &head;
    size_t count = 0;

    while (h != NULL && *h) {
        const char *name, *ne, *val, *ve;
        kv_t       *kv;

        while (*h == ' ' || *h == '\t' || *h == ';')
            h++;
        if (!*h)
            break;
        name = h;
        while (*h && *h != '=' && *h != ';')
            h++;
        ne = h;
        while (ne > name && (ne[-1] == ' ' || ne[-1] == '\t'))
            ne--;
        if (*h != '=' || ne == name) {   /* no value: skip like browsers */
            while (*h && *h != ';')
                h++;
            continue;
        }
        val = ++h;
        while (*h && *h != ';')
            h++;
        ve = h;
        while (ve > val && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        if (ve - val >= 2 && *val == '"' && ve[-1] == '"')
            val++, ve--;
        if (++count > REQ_MAX_COOKIES)
            return en_set(err, EN_TOOLARGE, "err.too_many_cookies",
                          "too many cookies");
        if (ne - name > REQ_MAX_NAME || ve - val > 4096)
            continue;
        kv = pool_alloc(p, sizeof(*kv));
        kv->name = pool_strndup(p, name, (size_t) (ne - name));
        kv->value = pool_strndup(p, val, (size_t) (ve - val));
        kv->len = (size_t) (ve - val);
        kv->next = NULL;
        *tail = kv;
        tail = &kv->next;
    }
    *out = head;
    return EN_OK;
}

/* Finds needle in hay[0..n) (memmem with a bound we control). */
static const char *
find(const char *hay, size_t n, const char *needle, size_t nl)
{
    return memmem(hay, n, needle, nl);
}

/* Extracts a parameter (boundary=, name=, filename=) from a header value;
 * quoted or token form.  Returns NULL if absent. */
static char *
header_param(pool_t *p, const char *h, size_t n, const char *param)
{
    size_t pl = strlen(param), i = 0;

    while (i < n) {
        size_t j;

        /* parameters follow ';' */
        while (i < n && h[i] != ';')
            i++;
        if (i >= n)
            return NULL;
        i++;
        while (i < n && (h[i] == ' ' || h[i] == '\t'))
            i++;
        if (i + pl + 1 > n || strncasecmp(h + i, param, pl) != 0 || h[i + pl] != '=')
            continue;
        i += pl + 1;
        if (i < n && h[i] == '"') {
            buf_t b;

            buf_init(&b, p);
            /* browsers send '"' as %22 and backslashes unescaped
             * (HTML's form-data encoding), so no escape is honoured */
            for (j = i + 1; j < n && h[j] != '"'; j++)
                buf_putc(&b, h[j]);
            if (j >= n)
                return NULL;           /* unterminated quote */
            return b.data;
        }
        for (j = i; j < n && h[j] != ';' && h[j] != ' ' && h[j] != '\t'; j++)
            ;
        return pool_strndup(p, h + i, j - i);
    }
    return NULL;
}

static int
part_headers(pool_t *p, const char *h, size_t n, char **name, char **filename,
             char **ctype)
{
    const char *line = h, *end = h + n;

    *name = *filename = *ctype = NULL;
    while (line < end) {
        const char *eol = find(line, (size_t) (end - line), "\r\n", 2);
        size_t      len;

        if (eol == NULL)
            eol = end;
        len = (size_t) (eol - line);
        if (len > 20 && !strncasecmp(line, "Content-Disposition:", 20)) {
            const char *v = line + 20;
            size_t      vl = len - 20;

            while (vl && (*v == ' ' || *v == '\t'))
                v++, vl--;
            if (vl < 9 || strncasecmp(v, "form-data", 9) != 0)
                return EN_BADINPUT;
            *name = header_param(p, v, vl, "name");
            *filename = header_param(p, v, vl, "filename");
        } else if (len > 13 && !strncasecmp(line, "Content-Type:", 13)) {
            const char *v = line + 13;

            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            *ctype = pool_strndup(p, v, (size_t) (eol - v));
        }
        line = eol + 2;
    }
    return *name != NULL && **name != '\0' ? EN_OK : EN_BADINPUT;
}

int
req_parse_multipart(pool_t *p, const char *content_type, const char *body,
                    size_t len, kv_t **fields, upload_t **files, en_err_t *err)
{
    char       *boundary, *delim;
    size_t      dl, parts = 0;
    const char *pos, *end = body + len;
    kv_t       *fh = NULL;
    upload_t   *uh = NULL, **ut = &uh;

    if (content_type == NULL
        || strncasecmp(content_type, "multipart/form-data", 19) != 0)
        return en_set(err, EN_BADINPUT, "err.bad_request", "not multipart/form-data");
    boundary = header_param(p, content_type, strlen(content_type), "boundary");
    if (boundary == NULL || *boundary == '\0' || strlen(boundary) > 70)
        return en_set(err, EN_BADINPUT, "err.bad_request", "bad multipart boundary");
    delim = pool_printf(p, "--%s", boundary);
    dl = strlen(delim);

    /* the body starts with the first delimiter (a preamble is allowed) */
    pos = find(body, len, delim, dl);
    if (pos == NULL)
        return en_set(err, EN_BADINPUT, "err.bad_request", "multipart body has no parts");
    pos += dl;
    for (;;) {
        const char *hdr_end, *next;
        char       *name, *filename, *ctype;

        if (end - pos >= 2 && pos[0] == '-' && pos[1] == '-')
            break;                                  /* closing delimiter */
        if (end - pos < 2 || pos[0] != '\r' || pos[1] != '\n')
            return en_set(err, EN_BADINPUT, "err.bad_request", "malformed multipart delimiter");
        pos += 2;
        hdr_end = find(pos, (size_t) (end - pos), "\r\n\r\n", 4);
        if (hdr_end == NULL || hdr_end - pos > 8192)
            return en_set(err, EN_BADINPUT, "err.bad_request", "malformed multipart headers");
        if (part_headers(p, pos, (size_t) (hdr_end - pos), &name, &filename, &ctype) != EN_OK)
            return en_set(err, EN_BADINPUT, "err.bad_request", "multipart part without a name");
        pos = hdr_end + 4;
        {
            char *crlf_delim = pool_printf(p, "\r\n%s", delim);

            next = find(pos, (size_t) (end - pos), crlf_delim, dl + 2);
        }
        if (next == NULL)
            return en_set(err, EN_BADINPUT, "err.bad_request", "multipart part not terminated");
        if (++parts > REQ_MAX_PARTS)
            return en_set(err, EN_TOOLARGE, "err.too_many_params", "too many parts");
        if (filename != NULL) {
            upload_t *u = pool_calloc(p, sizeof(*u));

            u->field = name;
            u->filename = filename;
            u->content_type = ctype;
            u->data = (const unsigned char *) pos;
            u->len = (size_t) (next - pos);
            *ut = u;
            ut = &u->next;
        } else {
            if ((size_t) (next - pos) > REQ_MAX_FIELD)
                return en_set(err, EN_TOOLARGE, "err.too_large", "form value too long");
            if (memchr(pos, '\0', (size_t) (next - pos)) != NULL)
                return en_set(err, EN_BADINPUT, "err.bad_request", "NUL byte in a form value");
            kv_add(p, &fh, name, pool_strndup(p, pos, (size_t) (next - pos)));
        }
        pos = next + 2 + dl;
    }
    *fields = fh;
    *files = uh;
    return EN_OK;
}

const char *
req_pick_lang(const char *h, const char *dflt)
{
    static const char *known[] = { "fr", "de", "en" };
    const char        *best = NULL;
    int                best_q = 0;

    while (h != NULL && *h) {
        const char *tag, *te;
        int         q = 1000, i;

        while (*h == ' ' || *h == ',')
            h++;
        tag = h;
        while (*h && *h != ',' && *h != ';' && *h != ' ')
            h++;
        te = h;
        while (*h && *h != ',') {
            if (*h == 'q' && h[1] == '=') {
                char *qe;
                double qv = strtod(h + 2, &qe);   /* q is at most 3 decimals */

                /* out-of-range or NaN q-values count as 0, never as UB */
                q = qv > 0 && qv <= 1 ? (int) (qv * 1000 + 0.5) : 0;
                h = qe;
                continue;
            }
            h++;
        }
        for (i = 0; i < 3; i++)
            if (te - tag >= 2 && !strncasecmp(tag, known[i], 2)
                && (te - tag == 2 || tag[2] == '-' || tag[2] == '_')
                && q > best_q) {
                best = known[i];
                best_q = q;
            }
    }
    return best ? best : dflt;
}
