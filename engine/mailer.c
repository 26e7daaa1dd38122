/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * mailer.c -- the outbox drained over SMTP (see mailer.h).
 *
 * Owns: the MIME message builder (headers, RFC 2047 subjects,
 * quoted-printable bodies, multipart/alternative), turning an outbox row
 * into a document for the XSLT mail templates, the libcurl SMTP client,
 * the retry policy, and the mailer's one() of a background job (bgjob.c
 * runs the loop).  Does not decide who
 * gets mail or what it says: wf_fire.c queues rows (recipient, template,
 * language, data) in the transition's own transaction, and the templates
 * in xslt/mail/ write the words.
 *
 * One row, one transaction:
 *
 *   BEGIN
 *   SELECT ... FROM outbox WHERE status = 'pending' AND due
 *          LIMIT 1 FOR UPDATE SKIP LOCKED      -- a second mailer skips it
 *   account_mail_route: turned off by the recipient -> status 'skipped'
 *   render, send over SMTP
 *   UPDATE outbox SET status = 'sent' | attempts + 1, next_attempt_at ...
 *   COMMIT
 *
 * Delivery is at least once: a mailer killed between the SMTP "250 OK"
 * and its COMMIT sends that mail again after restart, with the same
 * Message-ID (derived from the row), so mail clients can fold the copy.
 */
#include "mailer.h"

#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "master.h"
#include "metrics.h"
#include "render.h"
#include "util_rand.h"
#include "xml_safe.h"

/* --- pure parts ------------------------------------------------------- */

long
mailer_backoff(int attempts)
{
    long s = MAILER_BACKOFF_BASE;

    if (attempts < 1)
        attempts = 1;
    while (--attempts > 0 && s < MAILER_BACKOFF_MAX)
        s *= 2;
    return s > MAILER_BACKOFF_MAX ? MAILER_BACKOFF_MAX : s;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
b64_add(buf_t *b, const unsigned char *s, size_t n)
{
    size_t i;

    for (i = 0; i + 2 < n; i += 3) {
        buf_putc(b, b64[s[i] >> 2]);
        buf_putc(b, b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)]);
        buf_putc(b, b64[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)]);
        buf_putc(b, b64[s[i + 2] & 63]);
    }
    if (n - i == 1) {
        buf_putc(b, b64[s[i] >> 2]);
        buf_putc(b, b64[(s[i] & 3) << 4]);
        buf_puts(b, "==");
    } else if (n - i == 2) {
        buf_putc(b, b64[s[i] >> 2]);
        buf_putc(b, b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)]);
        buf_putc(b, b64[(s[i + 1] & 15) << 2]);
        buf_putc(b, '=');
    }
}

/* Length of the UTF-8 sequence starting with byte c (1 for stray bytes). */
static size_t
utf8_len(unsigned char c)
{
    if (c >= 0xf0 && c < 0xf8)
        return 4;
    if (c >= 0xe0)
        return c < 0xf0 ? 3 : 1;
    if (c >= 0xc0)
        return 2;
    return 1;
}

const char *
mail_encode_header(pool_t *p, const char *text)
{
    /* 39 bytes -> 52 base64 characters + 12 of "=?UTF-8?B?" "?=" = 64,
     * which keeps "Subject: " plus one word under 78 columns */
    enum { CHUNK = 39 };
    const unsigned char *s = (const unsigned char *) (text ? text : "");
    size_t               n = strlen((const char *) s), i, start;
    int                  plain = 1;
    buf_t                b;

    for (i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7e)
            plain = 0;
    /* "=?" in plain text would read as an encoded word: encode it too */
    if (plain && strstr((const char *) s, "=?") == NULL && n <= 900)
        return pool_strdup(p, (const char *) s);
    buf_init(&b, p);
    start = 0;
    while (start < n) {
        size_t end = start, k;
        unsigned char chunk[CHUNK];
        size_t        m = 0;

        /* take whole UTF-8 sequences while they fit */
        while (end < n) {
            size_t l = utf8_len(s[end]);

            if (end + l > n)
                l = n - end;
            if (m + l > CHUNK)
                break;
            for (k = 0; k < l; k++) {
                unsigned char c = s[end + k];

                /* control characters (CR, LF, ...) become spaces */
                chunk[m++] = (c < 0x20 || c == 0x7f) ? ' ' : c;
            }
            end += l;
        }
        if (start > 0)
            buf_puts(&b, "\r\n ");
        buf_puts(&b, "=?UTF-8?B?");
        b64_add(&b, chunk, m);
        buf_puts(&b, "?=");
        start = end;
    }
    return b.data ? b.data : pool_strdup(p, "");
}

const char *
mail_qp_encode(pool_t *p, const char *text, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *) text;
    buf_t                b;
    size_t               i, col = 0;

    buf_init(&b, p);
    buf_add(&b, "", 0);
    for (i = 0; i < len; i++) {
        unsigned char c = s[i];
        char          enc[4];
        size_t        w;
        int           eol;

        if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
            continue;                  /* the LF that follows breaks the line */
        if (c == '\n') {
            buf_puts(&b, "\r\n");
            col = 0;
            continue;
        }
        eol = i + 1 == len || s[i + 1] == '\n'
              || (s[i + 1] == '\r' && i + 2 < len && s[i + 2] == '\n');
        if ((c >= 33 && c <= 126 && c != '=')
            || ((c == ' ' || c == '\t') && !eol)) {
            enc[0] = (char) c;
            enc[1] = '\0';
            w = 1;
        } else {
            enc[0] = '=';
            enc[1] = hex[c >> 4];
            enc[2] = hex[c & 15];
            enc[3] = '\0';
            w = 3;
        }
        /* a soft break "=" must fit in 76 columns too */
        if (col + w > 75) {
            buf_puts(&b, "=\r\n");
            col = 0;
        }
        /* a line starting with "." is harmless (SMTP dot-stuffing is done by
         * libcurl), but "From " at the start of a line gets mangled by some
         * mbox tools: encode that F */
        if (col == 0 && c == 'F' && i + 4 < len && !strncmp((const char *) s + i, "From ", 5)) {
            buf_puts(&b, "=46");
            col = 3;
            continue;
        }
        buf_puts(&b, enc);
        col += w;
    }
    return b.data;
}

const char *
mail_date(pool_t *p, time_t t)
{
    static const char *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;

    gmtime_r(&t, &tm);
    return pool_printf(p, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                       tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
                       tm.tm_min, tm.tm_sec);
}

const char *
mail_addr_spec(pool_t *p, const char *s)
{
    const char *lt, *gt, *at, *c;
    size_t      n;

    if (s == NULL)
        return NULL;
    lt = strrchr(s, '<');
    if (lt != NULL) {
        gt = strchr(lt, '>');
        if (gt == NULL || gt[1] != '\0')
            return NULL;
        s = lt + 1;
        n = (size_t) (gt - s);
    } else {
        n = strlen(s);
    }
    if (n == 0 || n > 254)
        return NULL;
    at = NULL;
    for (c = s; c < s + n; c++) {
        if ((unsigned char) *c <= 0x20 || *c == 0x7f || *c == '<' || *c == '>'
            || *c == ',' || *c == ';' || *c == '"' || *c == '(' || *c == ')'
            || *c == '\\')
            return NULL;
        if (*c == '@') {
            if (at != NULL)
                return NULL;
            at = c;
        }
    }
    if (at == NULL || at == s || at == s + n - 1)
        return NULL;
    return pool_strndup(p, s, n);
}

const char *
mail_display_name(pool_t *p, const char *s)
{
    const char *lt = s ? strrchr(s, '<') : NULL;
    const char *a, *e;

    if (lt == NULL)
        return NULL;
    a = s;
    e = lt;
    while (a < e && isspace((unsigned char) *a))
        a++;
    while (e > a && isspace((unsigned char) e[-1]))
        e--;
    if (e - a >= 2 && *a == '"' && e[-1] == '"') {
        a++;
        e--;
    }
    return e > a ? pool_strndup(p, a, (size_t) (e - a)) : NULL;
}

/* A display name as a header phrase: encoded words when needed, else a
 * quoted string (so commas and dots are safe). */
static const char *
phrase(pool_t *p, const char *name)
{
    const char *enc = mail_encode_header(p, name);
    buf_t       b;

    if (!strncmp(enc, "=?", 2))
        return enc;
    buf_init(&b, p);
    buf_putc(&b, '"');
    for (; *enc; enc++) {
        if (*enc == '"' || *enc == '\\')
            buf_putc(&b, '\\');
        buf_putc(&b, *enc);
    }
    buf_putc(&b, '"');
    return b.data;
}

/* "=_" never occurs in quoted-printable output: a safe boundary prefix */
static int
mail_boundary(pool_t *p, const char **out, en_err_t *err)
{
    const char *rnd;

    if (util_random_hex(p, 12, &rnd, err) != EN_OK)
        return err->code;
    *out = pool_printf(p, "=_guichet_%s", rnd);
    return EN_OK;
}

const char *
mail_build(pool_t *p, const mail_msg_t *m, size_t *len)
{
    const char *from = mail_addr_spec(p, m->from);
    const char *to = mail_addr_spec(p, m->to);
    const char *from_name = mail_display_name(p, m->from);
    const char *boundary;
    buf_t       b;

    if (from == NULL || to == NULL)
        return NULL;
    buf_init(&b, p);
    buf_printf(&b, "Date: %s\r\n", mail_date(p, m->date));
    if (from_name != NULL)
        buf_printf(&b, "From: %s <%s>\r\n", phrase(p, from_name), from);
    else
        buf_printf(&b, "From: %s\r\n", from);
    if (m->to_name != NULL && *m->to_name)
        buf_printf(&b, "To: %s <%s>\r\n", phrase(p, m->to_name), to);
    else
        buf_printf(&b, "To: %s\r\n", to);
    buf_printf(&b, "Subject: %s\r\n", mail_encode_header(p, m->subject));
    if (m->message_id != NULL && mail_addr_spec(p, m->message_id) != NULL)
        buf_printf(&b, "Message-ID: %s\r\n", m->message_id);
    if (m->reference != NULL && *m->reference)
        buf_printf(&b, "X-Guichet-Reference: %s\r\n", mail_encode_header(p, m->reference));
    buf_puts(&b, "Auto-Submitted: auto-generated\r\n");
    buf_puts(&b, "MIME-Version: 1.0\r\n");
    if (m->html == NULL) {
        buf_puts(&b, "Content-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        buf_puts(&b, mail_qp_encode(p, m->text ? m->text : "", m->text ? strlen(m->text) : 0));
        buf_puts(&b, "\r\n");
    } else {
        boundary = m->boundary;
        if (boundary == NULL && mail_boundary(p, &boundary, NULL) != EN_OK)
            return NULL;
        buf_printf(&b, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n",
                   boundary);
        buf_puts(&b, "This is a message in MIME format.\r\n");
        buf_printf(&b, "\r\n--%s\r\n", boundary);
        buf_puts(&b, "Content-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        buf_puts(&b, mail_qp_encode(p, m->text ? m->text : "", m->text ? strlen(m->text) : 0));
        buf_printf(&b, "\r\n--%s\r\n", boundary);
        buf_puts(&b, "Content-Type: text/html; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        buf_puts(&b, mail_qp_encode(p, m->html, strlen(m->html)));
        buf_printf(&b, "\r\n--%s--\r\n", boundary);
    }
    if (len != NULL)
        *len = b.len;
    return b.data;
}

/* --- rendering ----------------------------------------------------------- */

static int
xml_name_ok(const char *s)
{
    if (s == NULL || !(isalpha((unsigned char) *s) || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char) *s) && *s != '-' && *s != '_' && *s != '.')
            return 0;
    return 1;
}

/* A localised value is an object whose keys are all languages. */
static const char *
localised(json_t *v, const char *lang)
{
    const char *k;
    json_t     *x;

    if (!json_is_object(v) || json_object_size(v) == 0)
        return NULL;
    json_object_foreach(v, k, x)
        if ((strcmp(k, "fr") && strcmp(k, "de") && strcmp(k, "en")) || !json_is_string(x))
            return NULL;
    if ((x = json_object_get(v, lang)) != NULL && *json_string_value(x))
        return json_string_value(x);
    if ((x = json_object_get(v, "fr")) != NULL)
        return json_string_value(x);
    json_object_foreach(v, k, x)
        return json_string_value(x);
    return NULL;
}

static void
json_to_xml(xmlNodePtr parent, const char *name, json_t *v, const char *lang,
            int depth)
{
    char        num[64];
    const char *text = NULL;
    xmlNodePtr  node;

    if (!xml_name_ok(name) || depth > 8)
        return;
    if (json_is_string(v))
        text = json_string_value(v);
    else if (json_is_integer(v)) {
        snprintf(num, sizeof(num), "%lld", (long long) json_integer_value(v));
        text = num;
    } else if (json_is_real(v)) {
        snprintf(num, sizeof(num), "%g", json_real_value(v));
        text = num;
    } else if (json_is_boolean(v))
        text = json_is_true(v) ? "yes" : "no";
    else if ((text = localised(v, lang)) == NULL && json_is_object(v)) {
        const char *k;
        json_t     *x;

        node = xmlNewChild(parent, NULL, BAD_CAST name, NULL);
        json_object_foreach(v, k, x)
            json_to_xml(node, k, x, lang, depth + 1);
        return;
    } else if (json_is_array(v)) {
        size_t  i;
        json_t *x;

        node = xmlNewChild(parent, NULL, BAD_CAST name, NULL);
        json_array_foreach(v, i, x)
            json_to_xml(node, "item", x, lang, depth + 1);
        return;
    }
    if (text != NULL)
        xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
}

static void
free_doc(void *d)
{
    xmlFreeDoc(d);
}

typedef struct {
    const char *subject, *text, *html;
} rendered_t;

static const char *
node_text(pool_t *p, xmlNodePtr n)
{
    xmlChar    *c = xmlNodeGetContent(n);
    const char *s = pool_strdup(p, c ? (const char *) c : "");

    xmlFree(c);
    return s;
}

/* Collapses runs of whitespace (a subject is one line). */
static const char *
one_line(pool_t *p, const char *s)
{
    buf_t b;
    int   sp = 0;

    buf_init(&b, p);
    buf_add(&b, "", 0);
    while (isspace((unsigned char) *s))
        s++;
    for (; *s; s++) {
        if (isspace((unsigned char) *s)) {
            sp = 1;
            continue;
        }
        if (sp)
            buf_putc(&b, ' ');
        sp = 0;
        buf_putc(&b, *s);
    }
    return b.data;
}

/* Trims the blank lines the template's indentation leaves around. */
static const char *
trim_block(pool_t *p, const char *s)
{
    const char *e;

    while (*s == '\n' || *s == '\r' || *s == ' ')
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char) e[-1]))
        e--;
    return pool_printf(p, "%.*s\n", (int) (e - s), s);
}

/* The template choice.  A mail whose body really differs has its own
 * xslt/mail/<tmpl>.xsl; every other one is xslt/mail/generic.xsl, which
 * takes its words from the catalogue keys mail.<tmpl>.* (subject and body
 * at least).  mail_stylesheet picks for the mailer, mailer_template_exists
 * vets a definition's template names when it is published. */
static int
has_own_stylesheet(const char *xslt_dir, const char *tmpl)
{
    char path[1024];

    snprintf(path, sizeof(path), "%s/mail/%s.xsl", xslt_dir, tmpl);
    return access(path, R_OK) == 0;
}

static const char *
mail_stylesheet(pool_t *p, const cfg_t *cfg, const char *tmpl)
{
    if (has_own_stylesheet(cfg->xslt_dir, tmpl))
        return pool_printf(p, "mail/%s.xsl", tmpl);
    return "mail/generic.xsl";
}

int
mailer_template_exists(const char *xslt_dir, const char *tmpl)
{
    static const char *langs[] = { "fr", "de", "en" };
    char                dir[1024], key[256];
    en_err_t            err;
    int                 i;

    if (tmpl == NULL || strchr(tmpl, '/') != NULL || strlen(tmpl) > 200)
        return 0;
    if (has_own_stylesheet(xslt_dir, tmpl))
        return 1;
    snprintf(dir, sizeof(dir), "%s/mail/generic.xsl", xslt_dir);
    if (access(dir, R_OK) != 0)
        return 0;
    /* read afresh: a reload must see the keys added with a new mail */
    snprintf(dir, sizeof(dir), "%s/i18n", xslt_dir);
    en_clear(&err);
    if (i18n_load(dir, &err) != EN_OK)
        return 0;
    for (i = 0; i < 3; i++) {
        snprintf(key, sizeof(key), "mail.%s.subject", tmpl);
        if (!i18n_has(langs[i], key))
            return 0;
        snprintf(key, sizeof(key), "mail.%s.body", tmpl);
        if (!i18n_has(langs[i], key))
            return 0;
    }
    return 1;
}

/* Applies the template's stylesheet (mail_stylesheet) to the row's
 * document; it answers <message><subject/><text/><html>...</html></message>. */
static int
render_mail(pool_t *p, const cfg_t *cfg, const char *tmpl, const char *lang,
            const char *to_name, const char *data, rendered_t *out, en_err_t *err)
{
    xmlDocPtr    doc, res;
    xmlNodePtr   root, n;
    json_t      *j;
    json_error_t jerr;
    const char  *k, *text;
    json_t      *v;
    size_t       len;
    const char  *c;

    for (c = tmpl; *c; c++)
        if (!isalnum((unsigned char) *c) && *c != '-' && *c != '_')
            return en_set(err, EN_INTERNAL, "err.mail", "bad template name %s", tmpl);
    doc = xmlNewDoc(BAD_CAST "1.0");
    pool_on_free(p, free_doc, doc);
    root = xmlNewNode(NULL, BAD_CAST "mail");
    xmlDocSetRootElement(doc, root);
    xmlSetProp(root, BAD_CAST "template", BAD_CAST tmpl);
    xmlSetProp(root, BAD_CAST "lang", BAD_CAST lang);
    xmlSetProp(root, BAD_CAST "base", BAD_CAST cfg->base_url);
    n = xmlNewChild(root, NULL, BAD_CAST "recipient", NULL);
    xmlSetProp(n, BAD_CAST "name", BAD_CAST(to_name ? to_name : ""));
    j = json_loads(data, 0, &jerr);
    if (j == NULL)
        return en_set(err, EN_INTERNAL, "err.mail", "outbox data is not JSON: %s", jerr.text);
    json_object_foreach(j, k, v)
        json_to_xml(root, k, v, lang, 0);
    json_decref(j);
    text = render_apply(p, mail_stylesheet(p, cfg, tmpl), doc, lang, &len, err);
    if (text == NULL)
        return err->code;
    res = xml_safe_read_memory(p, text, len, tmpl, err);
    if (res == NULL)
        return err->code;
    root = xmlDocGetRootElement(res);
    out->subject = out->text = out->html = NULL;
    for (n = root ? root->children : NULL; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (!xmlStrcmp(n->name, BAD_CAST "subject"))
            out->subject = one_line(p, node_text(p, n));
        else if (!xmlStrcmp(n->name, BAD_CAST "text"))
            out->text = trim_block(p, node_text(p, n));
        else if (!xmlStrcmp(n->name, BAD_CAST "html")) {
            xmlNodePtr   h;
            xmlBufferPtr xb = xmlBufferCreate();

            for (h = n->children; h != NULL; h = h->next)
                if (h->type == XML_ELEMENT_NODE)
                    xmlNodeDump(xb, res, h, 0, 0);
            out->html = pool_printf(p, "<!DOCTYPE html>\n%s\n",
                                    (const char *) xmlBufferContent(xb));
            xmlBufferFree(xb);
        }
    }
    if (out->subject == NULL || *out->subject == '\0' || out->text == NULL)
        return en_set(err, EN_INTERNAL, "err.mail",
                      "mail %s gave no subject or no text", tmpl);
    return EN_OK;
}

/* --- SMTP ------------------------------------------------------------------ */

typedef struct {
    const char *data;
    size_t      len, pos;
} reader_t;

static size_t
read_cb(char *out, size_t size, size_t nitems, void *arg)
{
    reader_t *r = arg;
    size_t    n = size * nitems;

    if (n > r->len - r->pos)
        n = r->len - r->pos;
    memcpy(out, r->data + r->pos, n);
    r->pos += n;
    return n;
}

static CURL *smtp_handle;     /* reused: keeps the SMTP connection open */

/* Sends one message.  Returns EN_OK, EN_UNAVAILABLE (try again later) or
 * EN_BADINPUT (the server refused it for good: 5xx). */
static int
smtp_send(const cfg_t *cfg, const char *from, const char *to, const char *msg,
          size_t len, en_err_t *err)
{
    struct curl_slist *rcpt = NULL;
    reader_t           rd = { msg, len, 0 };
    CURLcode           rc;
    long               code = 0;
    char               ebuf[CURL_ERROR_SIZE];
    pool_t            *p = pool_new(0);

    if (smtp_handle == NULL && (smtp_handle = curl_easy_init()) == NULL) {
        pool_free(p);
        return en_set(err, EN_UNAVAILABLE, "err.mail", "curl_easy_init failed");
    }
    curl_easy_reset(smtp_handle);
    ebuf[0] = '\0';
    curl_easy_setopt(smtp_handle, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(smtp_handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(smtp_handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(smtp_handle, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(smtp_handle, CURLOPT_MAIL_FROM, pool_printf(p, "<%s>", from));
    rcpt = curl_slist_append(rcpt, pool_printf(p, "<%s>", to));
    curl_easy_setopt(smtp_handle, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(smtp_handle, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(smtp_handle, CURLOPT_READDATA, &rd);
    curl_easy_setopt(smtp_handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(smtp_handle, CURLOPT_INFILESIZE_LARGE, (curl_off_t) len);
    curl_easy_setopt(smtp_handle, CURLOPT_TIMEOUT, (long) cfg->smtp_timeout);
    curl_easy_setopt(smtp_handle, CURLOPT_CONNECTTIMEOUT,
                     (long) (cfg->smtp_timeout < 10 ? cfg->smtp_timeout : 10));
    if (!strncmp(cfg->smtp_url, "smtps://", 8))
        curl_easy_setopt(smtp_handle, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);
    if (cfg->smtp_user != NULL && *cfg->smtp_user) {
        curl_easy_setopt(smtp_handle, CURLOPT_USERNAME, cfg->smtp_user);
        curl_easy_setopt(smtp_handle, CURLOPT_PASSWORD,
                         cfg->smtp_password ? cfg->smtp_password : "");
    }
    rc = curl_easy_perform(smtp_handle);
    curl_easy_getinfo(smtp_handle, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    if (rc == CURLE_OK) {
        pool_free(p);
        return EN_OK;
    }
    /* after a failure the session may be in any state: start afresh */
    curl_easy_cleanup(smtp_handle);
    smtp_handle = NULL;
    /* the server refused the mailbox or the message for good (RFC 5321
     * 501, 550-554); anything else (no connection, timeouts, 4xx, a 500
     * from a server in trouble) is worth trying again later */
    en_set(err, code == 501 || (code >= 550 && code <= 554) ? EN_BADINPUT : EN_UNAVAILABLE,
           "err.mail", "SMTP: %s (%ld)", *ebuf ? ebuf : curl_easy_strerror(rc), code);
    pool_free(p);
    return err->code;
}

/* --- the outbox ------------------------------------------------------------- */

static const char *
message_id(pool_t *p, const char *id, const char *created, const char *from)
{
    const char *at = strrchr(from, '@');

    return pool_printf(p, "<guichet.%s.%s@%s>", id, created, at ? at + 1 : "localhost");
}

static void
count(uint64_t *(*pick)(metrics_t *))
{
    metrics_t *m = metrics_get();

    if (m != NULL)
        metrics_add(pick(m), 1);
}

static uint64_t *pick_sent(metrics_t *m) { return &m->mails_sent; }
static uint64_t *pick_failed(metrics_t *m) { return &m->mails_failed; }

/* The mailer's bgjob one(): one row claimed, rendered, sent, marked, in
 * one transaction.  BGJOB_DONE sent, BGJOB_FAILED not sent (retried later
 * or failed for good), BGJOB_IDLE nothing due, BGJOB_DB database problem. */
static int
mailer_one(const cfg_t *cfg)
{
    pool_t     *p = pool_new(0);
    en_err_t    err, serr;
    PGresult   *res;
    const char *id, *tmpl, *to, *to_name, *lang, *data, *created, *reference;
    const char *from;
    rendered_t  mail;
    mail_msg_t  m;
    const char *msg;
    size_t      len;
    int         attempts, rc;

    en_clear(&err);
    en_clear(&serr);
    memset(&mail, 0, sizeof(mail));
    if (db_begin(p, &err) != EN_OK)
        goto db_fail;
    res = db_exec(p, &err,
                  "SELECT id, template, recipient, coalesce(recipient_name, ''), lang,"
                  "       data::text, attempts,"
                  "       (extract(epoch FROM created_at) * 1000000)::bigint,"
                  "       coalesce(data->>'reference', '')"
                  "  FROM outbox"
                  " WHERE status = 'pending' AND next_attempt_at <= now()"
                  " ORDER BY next_attempt_at, id LIMIT 1"
                  "   FOR UPDATE SKIP LOCKED", 0, NULL);
    if (res == NULL)
        goto db_fail;
    if (PQntuples(res) == 0) {
        db_rollback();
        pool_free(p);
        return BGJOB_IDLE;
    }
    id = db_val(res, 0, 0);
    tmpl = db_val(res, 0, 1);
    to = db_val(res, 0, 2);
    to_name = db_val(res, 0, 3);
    lang = db_val(res, 0, 4);
    data = db_val(res, 0, 5);
    attempts = atoi(db_val(res, 0, 6)) + 1;
    created = db_val(res, 0, 7);
    reference = db_val(res, 0, 8);
    from = mail_addr_spec(p, cfg->smtp_from);
    {
        /* the recipient's choices (account.c): a kind of mail turned off
         * is recorded as skipped, never sent; the address may be their
         * contact for the demand's context */
        const char *reason;
        int         deliver;

        if (account_mail_route(p, &err, id, &deliver, &to, &reason) != EN_OK)
            goto db_fail;
        if (!deliver) {
            const char *v[2] = { id, reason };

            if (db_exec(p, &err, "UPDATE outbox SET status = 'skipped', last_error = $2"
                                 " WHERE id = $1", 2, v) == NULL
                || db_commit(p, &err) != EN_OK)
                goto db_fail;
            log_event(LOG_INFO, "mail skipped", "outbox_id", id, "template", tmpl,
                      "reason", reason, NULL);
            pool_free(p);
            return BGJOB_DONE;
        }
    }

    rc = render_mail(p, cfg, tmpl, lang, to_name, data, &mail, &serr);
    if (rc == EN_OK) {
        memset(&m, 0, sizeof(m));
        m.from = cfg->smtp_from;
        m.to = to;
        m.to_name = *to_name ? to_name : NULL;
        m.subject = mail.subject;
        m.text = mail.text;
        m.html = mail.html;
        m.message_id = message_id(p, id, created, from ? from : "localhost");
        m.reference = *reference ? reference : NULL;
        m.date = time(NULL);
        if (m.html != NULL && (rc = mail_boundary(p, &m.boundary, &serr)) != EN_OK)
            rc = EN_UNAVAILABLE;            /* no randomness now: try later */
        else if ((msg = mail_build(p, &m, &len)) == NULL || from == NULL)
            rc = en_set(&serr, EN_BADINPUT, "err.mail", "bad sender or recipient address");
        else
            rc = smtp_send(cfg, from, mail_addr_spec(p, to), msg, len, &serr);
    }
    if (rc == EN_OK) {
        const char *v[2] = { id, to };

        /* recipient: the address it really went to (a contact's, maybe) */
        if (db_exec(p, &err, "UPDATE outbox SET status = 'sent', sent_at = now(),"
                             " attempts = attempts + 1, last_error = NULL, recipient = $2"
                             " WHERE id = $1", 2, v) == NULL || db_commit(p, &err) != EN_OK)
            goto db_fail;
        count(pick_sent);
        log_event(LOG_INFO, "mail sent", "outbox_id", id, "template", tmpl,
                  "reference", reference, NULL);
    } else {
        /* a 5xx refusal or a bad address will not get better by waiting */
        int         final = rc == EN_BADINPUT || attempts >= MAILER_MAX_ATTEMPTS;
        char        att[16], wait[24];
        const char *v[4];

        snprintf(att, sizeof(att), "%d", attempts);
        snprintf(wait, sizeof(wait), "%ld", mailer_backoff(attempts));
        v[0] = id;
        v[1] = serr.msg;
        v[2] = final ? "failed" : "pending";
        v[3] = wait;
        if (db_exec(p, &err, "UPDATE outbox SET attempts = attempts + 1, last_error = $2,"
                             " status = $3,"
                             " next_attempt_at = now() + make_interval(secs => $4::int)"
                             " WHERE id = $1", 4, v) == NULL
            || db_commit(p, &err) != EN_OK)
            goto db_fail;
        count(pick_failed);
        log_event(final ? LOG_ERROR : LOG_WARN,
                  final ? "mail failed for good" : "mail not sent; will retry",
                  "outbox_id", id, "template", tmpl, "attempts", att,
                  "retry_in_s", final ? "-" : wait, "error", serr.msg,
                  "detail", serr.detail, NULL);
    }
    pool_free(p);
    return rc == EN_OK ? BGJOB_DONE : BGJOB_FAILED;

db_fail:
    db_rollback();
    log_event(LOG_WARN, "mailer: database problem", "error", err.msg, "detail",
              err.detail, NULL);
    pool_free(p);
    return BGJOB_DB;
}

int
mailer_init(const cfg_t *cfg, en_err_t *err)
{
    if (render_init(cfg, err) != EN_OK)
        return err->code;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return en_set(err, EN_INTERNAL, "err.mail", "libcurl does not initialise");
    return EN_OK;
}

static void
mailer_fini(void)
{
    if (smtp_handle != NULL)
        curl_easy_cleanup(smtp_handle);
    smtp_handle = NULL;
}

static int
mailer_enabled(const cfg_t *cfg)
{
    return cfg->mailer;
}

const bgjob_t mailer_job = {
    .name = "mailer",
    .done_word = "sent",
    .batch = MAILER_BATCH,
    .enabled = mailer_enabled,
    .interval = NULL,           /* a second: mail should leave promptly */
    .init = mailer_init,
    .fini = mailer_fini,
    .one = mailer_one,
};
