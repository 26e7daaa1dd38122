/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_req_parse.c -- what a client sends (engine/req_parse.c) and what
 * the engine answers (engine/req.c), without FastCGI.
 *
 * Parsers are table-driven where the input is one string: the table holds
 * the input, the exact result (or the exact code and message) and the
 * expected lengths, so a decoded byte too many or a pair out of order
 * fails.  Multipart bodies are written out byte by byte, CRLFs included;
 * the file part carries binary content with CRLFs, NULs and "--" inside,
 * which must come back exactly.  The response side checks the serialized
 * head to the byte.
 */
#include "test_util.h"
#include "req.h"
#include "pool.h"

static int
setup_pool(void **state)
{
    *state = pool_new(0);
    return 0;
}

static int
teardown_pool(void **state)
{
    pool_free(*state);
    return 0;
}

static size_t
kv_count(const kv_t *l)
{
    size_t n = 0;

    for (; l != NULL; l = l->next)
        n++;
    return n;
}

static const kv_t *
kv_at(const kv_t *l, size_t i)
{
    while (l != NULL && i-- > 0)
        l = l->next;
    return l;
}

/* --- percent-decoding --------------------------------------------- */

typedef struct {
    const char *in;
    size_t      in_len;     /* 0: strlen(in) */
    int         plus;
    int         rc;
    const char *out;
    size_t      out_len;
} pct_case_t;

static const pct_case_t pct_cases[] = {
    { "abc", 0, 0, EN_OK, "abc", 3 },
    { "", 0, 0, EN_OK, "", 0 },
    { "a%20b", 0, 0, EN_OK, "a b", 3 },
    { "a+b", 0, 1, EN_OK, "a b", 3 },
    { "a+b", 0, 0, EN_OK, "a+b", 3 },
    { "%2B+%2b", 0, 1, EN_OK, "+ +", 3 },
    { "%41%42%43", 0, 0, EN_OK, "ABC", 3 },
    { "caf%C3%A9", 0, 0, EN_OK, "caf\xc3\xa9", 5 },
    { "caf%c3%a9", 0, 0, EN_OK, "caf\xc3\xa9", 5 },
    { "caf\xc3\xa9 cr\xc3\xa8me", 0, 1, EN_OK, "caf\xc3\xa9 cr\xc3\xa8me", 12 },
    { "%e2%82%ac", 0, 0, EN_OK, "\xe2\x82\xac", 3 },
    { "%0a%0D", 0, 0, EN_OK, "\n\r", 2 },
    { "%FF", 0, 0, EN_OK, "\xff", 1 },
    { "100%25", 0, 0, EN_OK, "100%", 4 },
    { "%", 0, 0, EN_BADINPUT, NULL, 0 },
    { "100%", 0, 0, EN_BADINPUT, NULL, 0 },
    { "%z1", 0, 0, EN_BADINPUT, NULL, 0 },
    { "%1z", 0, 0, EN_BADINPUT, NULL, 0 },
    { "%1", 0, 0, EN_BADINPUT, NULL, 0 },
    { "a%1", 0, 0, EN_BADINPUT, NULL, 0 },
    { "%00", 0, 0, EN_BADINPUT, NULL, 0 },
    { "ab%00cd", 0, 0, EN_BADINPUT, NULL, 0 },
    { "%%41", 0, 0, EN_BADINPUT, NULL, 0 },
    { "% 1", 0, 0, EN_BADINPUT, NULL, 0 },
    { "a\0b", 3, 0, EN_BADINPUT, NULL, 0 },          /* raw NUL */
    { "%41%4", 0, 0, EN_BADINPUT, NULL, 0 },
    /* only the first n bytes are read */
    { "%41%42", 3, 0, EN_OK, "A", 1 },
    { "ab%4", 2, 0, EN_OK, "ab", 2 },
};

static void
test_percent_decode(void **state)
{
    size_t i;

    for (i = 0; i < sizeof(pct_cases) / sizeof(pct_cases[0]); i++) {
        const pct_case_t *t = &pct_cases[i];
        size_t            n = t->in_len ? t->in_len : strlen(t->in);
        char             *out = NULL;
        size_t            len = 12345;
        int               rc = req_percent_decode(*state, t->in, n, t->plus, &out, &len);

        if (rc != t->rc)
            fail_msg("case %zu \"%s\": rc %d, want %d", i, t->in, rc, t->rc);
        if (rc != EN_OK)
            continue;
        if (len != t->out_len || memcmp(out, t->out, len + 1) != 0)
            fail_msg("case %zu \"%s\": got \"%s\" (%zu bytes), want \"%s\" (%zu)", i,
                     t->in, out, len, t->out, t->out_len);
    }
}

static void
test_percent_decode_null_len(void **state)
{
    char *out = NULL;

    assert_int_equal(req_percent_decode(*state, "x%79z", 5, 0, &out, NULL), EN_OK);
    assert_string_equal(out, "xyz");
}

/* --- urlencoded ---------------------------------------------------- */

typedef struct {
    const char *in;
    size_t      max;
    int         rc;
    const char *key;        /* error: message key */
    const char *msg;        /* error: message */
    const char *pairs[12];  /* ok: name, value, name, value, ..., NULL */
} url_case_t;

static const url_case_t url_cases[] = {
    { "a=1&b=2&c=3", 10, EN_OK, NULL, NULL, { "a", "1", "b", "2", "c", "3", NULL } },
    { "c=3&a=1&b=2", 10, EN_OK, NULL, NULL, { "c", "3", "a", "1", "b", "2", NULL } },
    { "", 10, EN_OK, NULL, NULL, { NULL } },
    { "&&&", 10, EN_OK, NULL, NULL, { NULL } },
    { "&a=1&&b=2&", 10, EN_OK, NULL, NULL, { "a", "1", "b", "2", NULL } },
    { "flag", 10, EN_OK, NULL, NULL, { "flag", "", NULL } },
    { "flag&x=", 10, EN_OK, NULL, NULL, { "flag", "", "x", "", NULL } },
    { "a=1&a=2", 10, EN_OK, NULL, NULL, { "a", "1", "a", "2", NULL } },
    { "a=b=c", 10, EN_OK, NULL, NULL, { "a", "b=c", NULL } },
    { "x=a%3Db%26c", 10, EN_OK, NULL, NULL, { "x", "a=b&c", NULL } },
    { "q=caf%C3%A9+cr%C3%A8me", 10, EN_OK, NULL, NULL,
      { "q", "caf\xc3\xa9 cr\xc3\xa8me", NULL } },
    { "na+me=v+w", 10, EN_OK, NULL, NULL, { "na me", "v w", NULL } },
    { "%5Bk%5D=1", 10, EN_OK, NULL, NULL, { "[k]", "1", NULL } },
    /* max_params counts pairs, not empty separators */
    { "a&&b&&c", 3, EN_OK, NULL, NULL, { "a", "", "b", "", "c", "", NULL } },
    { "a=1&b=2&c=3&d=4", 3, EN_TOOLARGE, "err.too_many_params",
      "too many parameters (at most 3)", { NULL } },
    { "a=%zz", 10, EN_BADINPUT, "err.bad_request",
      "bad percent-encoding in parameter \"a\"", { NULL } },
    { "ok=1&b=%00", 10, EN_BADINPUT, "err.bad_request",
      "bad percent-encoding in parameter \"b\"", { NULL } },
    { "%zz=1", 10, EN_BADINPUT, "err.bad_request",
      "bad percent-encoding in a parameter name", { NULL } },
    { "v=100%", 10, EN_BADINPUT, "err.bad_request",
      "bad percent-encoding in parameter \"v\"", { NULL } },
};

static void
test_urlencoded(void **state)
{
    size_t i;

    for (i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
        const url_case_t *t = &url_cases[i];
        kv_t             *list = (kv_t *) 1;
        en_err_t          err = { 0 };
        int               rc = req_parse_urlencoded(*state, t->in, strlen(t->in), t->max,
                                                    &list, &err);
        size_t            k;

        if (rc != t->rc)
            fail_msg("case %zu \"%s\": rc %d, want %d (%s)", i, t->in, rc, t->rc, err.msg);
        if (rc != EN_OK) {
            assert_int_equal(err.code, t->rc);
            assert_string_equal(err.key, t->key);
            assert_string_equal(err.msg, t->msg);
            continue;
        }
        for (k = 0; t->pairs[2 * k] != NULL; k++) {
            const kv_t *kv = kv_at(list, k);

            if (kv == NULL)
                fail_msg("case %zu \"%s\": pair %zu missing", i, t->in, k);
            if (strcmp(kv->name, t->pairs[2 * k]) || strcmp(kv->value, t->pairs[2 * k + 1])
                || kv->len != strlen(t->pairs[2 * k + 1]))
                fail_msg("case %zu \"%s\": pair %zu is \"%s\"=\"%s\" (%zu), want \"%s\"=\"%s\"",
                         i, t->in, k, kv->name, kv->value, kv->len, t->pairs[2 * k],
                         t->pairs[2 * k + 1]);
        }
        if (kv_count(list) != k)
            fail_msg("case %zu \"%s\": %zu pairs, want %zu", i, t->in, kv_count(list), k);
    }
}

static void
test_urlencoded_kv_get(void **state)
{
    kv_t    *list = NULL;
    en_err_t err = { 0 };

    assert_int_equal(req_parse_urlencoded(*state, "a=1&b=2&a=3", 11, 10, &list, &err), EN_OK);
    assert_string_equal(kv_get(list, "a"), "1");        /* first wins */
    assert_string_equal(kv_get(list, "b"), "2");
    assert_null(kv_get(list, "c"));
    assert_null(kv_get(NULL, "a"));
    /* only n bytes are read */
    assert_int_equal(req_parse_urlencoded(*state, "a=1&b=2", 3, 10, &list, &err), EN_OK);
    assert_int_equal(kv_count(list), 1);
    assert_string_equal(list->value, "1");
}

static char *
repeat(pool_t *p, const char *prefix, char c, size_t n)
{
    size_t pl = strlen(prefix);
    char  *s = pool_alloc(p, pl + n + 1);

    memcpy(s, prefix, pl);
    memset(s + pl, c, n);
    s[pl + n] = '\0';
    return s;
}

static void
test_urlencoded_limits(void **state)
{
    pool_t  *p = *state;
    kv_t    *list = NULL;
    en_err_t err = { 0 };
    char    *s;
    size_t   i;
    buf_t    b;

    /* a value over REQ_MAX_FIELD */
    s = repeat(p, "v=", 'x', REQ_MAX_FIELD + 1);
    assert_int_equal(req_parse_urlencoded(p, s, strlen(s), 10, &list, &err), EN_TOOLARGE);
    assert_string_equal(err.key, "err.too_large");
    assert_string_equal(err.msg, "parameter value too long");
    /* a name of REQ_MAX_NAME is fine, one more is not */
    s = repeat(p, "", 'n', REQ_MAX_NAME);
    assert_int_equal(req_parse_urlencoded(p, s, strlen(s), 10, &list, &err), EN_OK);
    assert_int_equal(strlen(list->name), REQ_MAX_NAME);
    s = repeat(p, "", 'n', REQ_MAX_NAME + 1);
    assert_int_equal(req_parse_urlencoded(p, s, strlen(s), 10, &list, &err), EN_BADINPUT);
    assert_string_equal(err.msg, "parameter name too long");
    /* REQ_MAX_PARAMS pairs pass with that bound, one more does not */
    buf_init(&b, p);
    for (i = 0; i < REQ_MAX_PARAMS; i++)
        buf_printf(&b, "%sp%zu=%zu", i ? "&" : "", i, i);
    assert_int_equal(req_parse_urlencoded(p, b.data, b.len, REQ_MAX_PARAMS, &list, &err),
                     EN_OK);
    assert_int_equal(kv_count(list), REQ_MAX_PARAMS);
    assert_string_equal(kv_at(list, 511)->name, "p511");
    assert_string_equal(kv_at(list, 511)->value, "511");
    buf_puts(&b, "&one=more");
    assert_int_equal(req_parse_urlencoded(p, b.data, b.len, REQ_MAX_PARAMS, &list, &err),
                     EN_TOOLARGE);
    assert_string_equal(err.msg, "too many parameters (at most 512)");
}

/* BUG (reported to the lead, not fixed here): req_parse.c:112 compares
 * start + len - eq (the value length plus one, for the '=') with
 * REQ_MAX_FIELD, so a value of exactly REQ_MAX_FIELD bytes is refused
 * with EN_TOOLARGE, whereas req.h says only a value *longer* than
 * REQ_MAX_FIELD is refused (and multipart accepts exactly REQ_MAX_FIELD).
 * Expected: EN_OK. */
static void
test_urlencoded_value_at_limit(void **state)
{
    kv_t    *list = NULL;
    en_err_t err = { 0 };
    char    *s = repeat(*state, "v=", 'x', REQ_MAX_FIELD);

    assert_int_equal(req_parse_urlencoded(*state, s, strlen(s), 10, &list, &err), EN_OK);
    assert_int_equal(list->len, REQ_MAX_FIELD);
}

/* --- cookies ------------------------------------------------------- */

typedef struct {
    const char *in;
    const char *pairs[14];
} cookie_case_t;

static const cookie_case_t cookie_cases[] = {
    { "a=1; b=2", { "a", "1", "b", "2", NULL } },
    { "a=1;b=2", { "a", "1", "b", "2", NULL } },
    { "  a=1 ;\tb=2\t;;  c=3  ", { "a", "1", "b", "2", "c", "3", NULL } },
    { "sid=\"abc def\"; x=\"\"", { "sid", "abc def", "x", "", NULL } },
    { "q=\"", { "q", "\"", NULL } },               /* a lone quote is a value */
    { "q=\"abc", { "q", "\"abc", NULL } },
    { "e=; f=", { "e", "", "f", "", NULL } },
    { "a=1=2", { "a", "1=2", NULL } },
    { "novalue; =x; ok=1; also;", { "ok", "1", NULL } },
    { "dup=first; dup=second", { "dup", "first", "dup", "second", NULL } },
    { "", { NULL } },
    { " ; ; ", { NULL } },
    { "lang=de; guichet_sid=0123abcd; csrf=tok%3D", {
        "lang", "de", "guichet_sid", "0123abcd", "csrf", "tok%3D", NULL } },
};

static void
test_cookies(void **state)
{
    size_t i;

    for (i = 0; i < sizeof(cookie_cases) / sizeof(cookie_cases[0]); i++) {
        const cookie_case_t *t = &cookie_cases[i];
        kv_t                *list = (kv_t *) 1;
        en_err_t             err = { 0 };
        size_t               k;

        if (req_parse_cookies(*state, t->in, &list, &err) != EN_OK)
            fail_msg("case %zu \"%s\": refused: %s", i, t->in, err.msg);
        for (k = 0; t->pairs[2 * k] != NULL; k++) {
            const kv_t *kv = kv_at(list, k);

            if (kv == NULL || strcmp(kv->name, t->pairs[2 * k])
                || strcmp(kv->value, t->pairs[2 * k + 1])
                || kv->len != strlen(t->pairs[2 * k + 1]))
                fail_msg("case %zu \"%s\": cookie %zu is \"%s\"=\"%s\", want \"%s\"=\"%s\"",
                         i, t->in, k, kv ? kv->name : "(none)", kv ? kv->value : "",
                         t->pairs[2 * k], t->pairs[2 * k + 1]);
        }
        if (kv_count(list) != k)
            fail_msg("case %zu \"%s\": %zu cookies, want %zu", i, t->in, kv_count(list), k);
    }
}

static void
test_cookies_limits(void **state)
{
    pool_t  *p = *state;
    kv_t    *list = (kv_t *) 1;
    en_err_t err = { 0 };
    buf_t    b;
    int      i;

    assert_int_equal(req_parse_cookies(p, NULL, &list, &err), EN_OK);
    assert_null(list);
    buf_init(&b, p);
    for (i = 0; i < REQ_MAX_COOKIES; i++)
        buf_printf(&b, "c%d=%d; ", i, i);
    assert_int_equal(req_parse_cookies(p, b.data, &list, &err), EN_OK);
    assert_int_equal(kv_count(list), REQ_MAX_COOKIES);
    assert_string_equal(kv_get(list, "c63"), "63");
    buf_puts(&b, "one=more");
    assert_int_equal(req_parse_cookies(p, b.data, &list, &err), EN_TOOLARGE);
    assert_string_equal(err.key, "err.too_many_cookies");
    assert_string_equal(err.msg, "too many cookies");
    /* an oversized value or name is dropped, the rest kept */
    buf_init(&b, p);
    buf_puts(&b, "big=");
    for (i = 0; i < 4097; i++)
        buf_putc(&b, 'v');
    buf_puts(&b, "; ");
    for (i = 0; i < REQ_MAX_NAME + 1; i++)
        buf_putc(&b, 'n');
    buf_puts(&b, "=1; small=ok");
    assert_int_equal(req_parse_cookies(p, b.data, &list, &err), EN_OK);
    assert_int_equal(kv_count(list), 1);
    assert_string_equal(list->name, "small");
    assert_string_equal(list->value, "ok");
}

/* --- multipart ----------------------------------------------------- */

/* binary file content: NUL, CR LF, "--", a near-boundary, CRLF at the end */
static const char file_bytes[] =
    "\x00\x01\x02\r\n--\r\n-\r\n--XY\r\n\xff\xfe" "--XyZ\r\n\r\n"
    "\r\n-XyZ \r\n--xyz\r\n";

static const char mp_body[] =
    "This preamble is ignored.\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n"
    "\r\n"
    "Bonjour \xc3\xa0 tous\r\n"
    "--XyZ\r\n"
    "content-disposition: form-data; name=note\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "line1\r\nline2\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"doc\"; filename=\"C:\\dossier\\rapport 1.bin\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n";
static const char mp_tail[] =
    "\r\n--XyZ\r\n"
    "Content-Disposition: form-data; name=\"empty\"\r\n"
    "\r\n"
    "\r\n--XyZ--\r\n"
    "epilogue, ignored\r\n";

static char *
mp_full(pool_t *p, size_t *len)
{
    size_t a = sizeof(mp_body) - 1, f = sizeof(file_bytes) - 1, t = sizeof(mp_tail) - 1;
    char  *s = pool_alloc(p, a + f + t + 1);

    memcpy(s, mp_body, a);
    memcpy(s + a, file_bytes, f);
    memcpy(s + a + f, mp_tail, t);
    s[a + f + t] = '\0';
    *len = a + f + t;
    return s;
}

static void
test_multipart_fields_and_file(void **state)
{
    size_t    len;
    char     *body = mp_full(*state, &len);
    kv_t     *fields = NULL;
    upload_t *files = NULL;
    en_err_t  err = { 0 };

    assert_int_equal(req_parse_multipart(*state, "multipart/form-data; boundary=XyZ", body,
                                         len, &fields, &files, &err), EN_OK);
    assert_int_equal(kv_count(fields), 3);
    assert_string_equal(kv_at(fields, 0)->name, "title");
    assert_string_equal(kv_at(fields, 0)->value, "Bonjour \xc3\xa0 tous");
    assert_int_equal(kv_at(fields, 0)->len, 15);
    assert_string_equal(kv_at(fields, 1)->name, "note");
    assert_string_equal(kv_at(fields, 1)->value, "line1\r\nline2");   /* CRLF inside kept */
    assert_int_equal(kv_at(fields, 1)->len, 12);
    assert_string_equal(kv_at(fields, 2)->name, "empty");
    assert_string_equal(kv_at(fields, 2)->value, "");
    assert_int_equal(kv_at(fields, 2)->len, 0);
    assert_non_null(files);
    assert_null(files->next);
    assert_string_equal(files->field, "doc");
    /* browsers send backslashes as they are (HTML form-data encoding) */
    assert_string_equal(files->filename, "C:\\dossier\\rapport 1.bin");
    assert_string_equal(files->content_type, "application/octet-stream");
    assert_int_equal(files->len, sizeof(file_bytes) - 1);
    assert_memory_equal(files->data, file_bytes, sizeof(file_bytes) - 1);
    /* file data points into the body, not copied */
    assert_ptr_equal(files->data, (const unsigned char *) body + sizeof(mp_body) - 1);
}

typedef struct {
    const char *ctype;
    const char *body;
    int         rc;
    const char *msg;
    const char *field;      /* ok: name of the only field; NULL: none at all */
    const char *value;      /* ok: its value */
} mp_case_t;

#define PART(name) "Content-Disposition: form-data; name=\"" name "\"\r\n\r\n"

static const mp_case_t mp_cases[] = {
    /* boundary forms */
    { "multipart/form-data; boundary=\"a:b c\"",
      "--a:b c\r\n" PART("f") "v\r\n--a:b c--\r\n", EN_OK, NULL, "f", "v" },
    { "Multipart/Form-Data;boundary=abc",
      "--abc\r\n" PART("f") "v\r\n--abc--", EN_OK, NULL, "f", "v" },
    { "multipart/form-data; charset=utf-8; boundary=abc",
      "--abc\r\n" PART("f") "v\r\n--abc--", EN_OK, NULL, "f", "v" },
    { "multipart/form-data; boundary=abc; charset=utf-8",
      "--abc\r\n" PART("f") "v\r\n--abc--", EN_OK, NULL, "f", "v" },
    { "multipart/form-data; boundary=abc", "--abc--\r\n", EN_OK, NULL, NULL, NULL },
    /* refusals */
    { NULL, "--abc--", EN_BADINPUT, "not multipart/form-data", NULL, NULL },
    { "application/x-www-form-urlencoded", "a=1", EN_BADINPUT,
      "not multipart/form-data", NULL, NULL },
    { "multipart/form-data", "--abc--", EN_BADINPUT, "bad multipart boundary", NULL, NULL },
    { "multipart/form-data; boundary=", "----", EN_BADINPUT, "bad multipart boundary",
      NULL, NULL },
    { "multipart/form-data; boundary=\"\"", "----", EN_BADINPUT, "bad multipart boundary",
      NULL, NULL },
    { "multipart/form-data; boundary=\"abc", "--abc--", EN_BADINPUT,
      "bad multipart boundary", NULL, NULL },
    { "multipart/form-data; boundary="
      "12345678901234567890123456789012345678901234567890123456789012345678901",
      "--x--", EN_BADINPUT, "bad multipart boundary", NULL, NULL },
    { "multipart/form-data; boundary=abc", "no delimiter at all", EN_BADINPUT,
      "multipart body has no parts", NULL, NULL },
    { "multipart/form-data; boundary=abc", "--abc\r\n" PART("f") "value without end",
      EN_BADINPUT, "multipart part not terminated", NULL, NULL },
    { "multipart/form-data; boundary=abc",
      "--abc\r\nContent-Disposition: form-data; name=\"f\"\r\n", EN_BADINPUT,
      "malformed multipart headers", NULL, NULL },
    { "multipart/form-data; boundary=abc", "--abc\r\n" PART("f") "v\r\n--abc",
      EN_BADINPUT, "malformed multipart delimiter", NULL, NULL },
    { "multipart/form-data; boundary=abc", "--abcX\r\n" PART("f") "v\r\n--abc--",
      EN_BADINPUT, "malformed multipart delimiter", NULL, NULL },
    /* bare LF line ends are not multipart */
    { "multipart/form-data; boundary=abc",
      "--abc\nContent-Disposition: form-data; name=\"f\"\n\nv\n--abc--\n", EN_BADINPUT,
      "malformed multipart delimiter", NULL, NULL },
    { "multipart/form-data; boundary=abc",
      "--abc\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\nv\r\n--abc--",
      EN_BADINPUT, "multipart part without a name", NULL, NULL },
    { "multipart/form-data; boundary=abc",
      "--abc\r\nContent-Type: text/plain\r\n\r\nv\r\n--abc--",
      EN_BADINPUT, "multipart part without a name", NULL, NULL },
    { "multipart/form-data; boundary=abc", "--abc\r\n" PART("") "v\r\n--abc--",
      EN_BADINPUT, "multipart part without a name", NULL, NULL },
    { "multipart/form-data; boundary=abc",
      "--abc\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nv\r\n--abc--",
      EN_BADINPUT, "multipart part without a name", NULL, NULL },
};

static void
test_multipart_cases(void **state)
{
    size_t i;

    for (i = 0; i < sizeof(mp_cases) / sizeof(mp_cases[0]); i++) {
        const mp_case_t *t = &mp_cases[i];
        kv_t            *fields = (kv_t *) 1;
        upload_t        *files = (upload_t *) 1;
        en_err_t         err = { 0 };
        int              rc = req_parse_multipart(*state, t->ctype, t->body, strlen(t->body),
                                                  &fields, &files, &err);

        if (rc != t->rc)
            fail_msg("case %zu: rc %d, want %d (%s)", i, rc, t->rc, err.msg);
        if (rc != EN_OK) {
            assert_string_equal(err.key, "err.bad_request");
            if (strcmp(err.msg, t->msg) != 0)
                fail_msg("case %zu: message \"%s\", want \"%s\"", i, err.msg, t->msg);
            continue;
        }
        if (t->field != NULL) {
            assert_int_equal(kv_count(fields), 1);
            assert_string_equal(fields->name, t->field);
            assert_string_equal(fields->value, t->value);
            assert_null(files);
        } else {
            assert_null(fields);
            assert_null(files);
        }
    }
}

static void
test_multipart_file_first_name(void **state)
{
    /* filename= before name=, and an extra header: the upload is kept */
    const char *body = "--abc\r\nContent-Disposition: form-data; filename=\"x.txt\"; "
                       "name=\"f\"\r\nX-Other: 1\r\n\r\nv\r\n--abc--";
    kv_t       *fields = NULL;
    upload_t   *files = NULL;
    en_err_t    err = { 0 };

    assert_int_equal(req_parse_multipart(*state, "multipart/form-data; boundary=abc", body,
                                         strlen(body), &fields, &files, &err), EN_OK);
    assert_null(fields);
    assert_non_null(files);
    assert_string_equal(files->field, "f");
    assert_string_equal(files->filename, "x.txt");
    assert_null(files->content_type);
    assert_int_equal(files->len, 1);
    assert_memory_equal(files->data, "v", 1);
}

static void
test_multipart_nul(void **state)
{
    static const char text[] = "--b\r\n" PART("t") "a\0b\r\n--b--";
    static const char file[] = "--b\r\nContent-Disposition: form-data; name=\"f\"; "
                               "filename=\"z\"\r\n\r\na\0b\r\n--b--";
    kv_t             *fields = NULL;
    upload_t         *files = NULL;
    en_err_t          err = { 0 };

    assert_int_equal(req_parse_multipart(*state, "multipart/form-data; boundary=b", text,
                                         sizeof(text) - 1, &fields, &files, &err),
                     EN_BADINPUT);
    assert_string_equal(err.msg, "NUL byte in a form value");
    assert_int_equal(req_parse_multipart(*state, "multipart/form-data; boundary=b", file,
                                         sizeof(file) - 1, &fields, &files, &err), EN_OK);
    assert_int_equal(files->len, 3);
    assert_memory_equal(files->data, "a\0b", 3);
}

static void
test_multipart_two_files_order(void **state)
{
    const char *body =
        "--b\r\nContent-Disposition: form-data; name=\"f1\"; filename=\"one.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n%PDF-1\r\n"
        "--b\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nmiddle\r\n"
        "--b\r\nContent-Disposition: form-data; name=\"f2\"; filename=\"\"\r\n\r\n\r\n"
        "--b--\r\n";
    kv_t       *fields = NULL;
    upload_t   *files = NULL;
    en_err_t    err = { 0 };

    assert_int_equal(req_parse_multipart(*state, "multipart/form-data; boundary=b", body,
                                         strlen(body), &fields, &files, &err), EN_OK);
    assert_string_equal(kv_get(fields, "t"), "middle");
    assert_string_equal(files->field, "f1");
    assert_string_equal(files->filename, "one.pdf");
    assert_string_equal(files->content_type, "application/pdf");
    assert_int_equal(files->len, 6);
    assert_memory_equal(files->data, "%PDF-1", 6);
    assert_non_null(files->next);
    assert_string_equal(files->next->field, "f2");
    assert_string_equal(files->next->filename, "");   /* empty file input */
    assert_int_equal(files->next->len, 0);
    assert_null(files->next->next);
}

static void
test_multipart_limits(void **state)
{
    pool_t   *p = *state;
    kv_t     *fields = NULL;
    upload_t *files = NULL;
    en_err_t  err = { 0 };
    buf_t     b;
    int       i;
    char     *big;

    buf_init(&b, p);
    for (i = 0; i < REQ_MAX_PARTS; i++)
        buf_printf(&b, "--b\r\nContent-Disposition: form-data; name=\"p%d\"\r\n\r\n%d\r\n",
                   i, i);
    buf_puts(&b, "--b--\r\n");
    assert_int_equal(req_parse_multipart(p, "multipart/form-data; boundary=b", b.data, b.len,
                                         &fields, &files, &err), EN_OK);
    assert_int_equal(kv_count(fields), REQ_MAX_PARTS);
    assert_string_equal(kv_get(fields, "p63"), "63");
    b.len -= strlen("--b--\r\n");
    buf_puts(&b, "--b\r\nContent-Disposition: form-data; name=\"extra\"\r\n\r\nx\r\n--b--\r\n");
    assert_int_equal(req_parse_multipart(p, "multipart/form-data; boundary=b", b.data, b.len,
                                         &fields, &files, &err), EN_TOOLARGE);
    assert_string_equal(err.msg, "too many parts");
    /* a text value of exactly REQ_MAX_FIELD passes, one byte more does not */
    for (i = 0; i < 2; i++) {
        size_t n = REQ_MAX_FIELD + (size_t) i;
        size_t hl = strlen("--b\r\n" PART("big"));

        big = pool_alloc(p, hl + n + 9);
        memcpy(big, "--b\r\n" PART("big"), hl);
        memset(big + hl, 'x', n);
        memcpy(big + hl + n, "\r\n--b--", 8);
        err.code = 0;
        assert_int_equal(req_parse_multipart(p, "multipart/form-data; boundary=b", big,
                                             hl + n + 7, &fields, &files, &err),
                         i == 0 ? EN_OK : EN_TOOLARGE);
        if (i == 0)
            assert_int_equal(fields->len, REQ_MAX_FIELD);
        else
            assert_string_equal(err.msg, "form value too long");
    }
}

/* --- Accept-Language ----------------------------------------------- */

typedef struct {
    const char *header;
    const char *dflt;
    const char *want;
} lang_case_t;

static const lang_case_t lang_cases[] = {
    { NULL, "fr", "fr" },
    { "", "fr", "fr" },
    { "", "en", "en" },
    { "de", "fr", "de" },
    { "de-CH", "fr", "de" },
    { "de_CH", "fr", "de" },
    { "DE-ch", "fr", "de" },
    { "en-US,en;q=0.9,fr;q=0.8", "fr", "en" },
    { "fr;q=0.5, de;q=0.8", "fr", "de" },
    { "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "de", "fr" },
    { "it, de;q=0.1", "fr", "de" },
    { "it-CH, rm;q=0.9", "fr", "fr" },
    { "it", "en", "en" },
    { "*", "fr", "fr" },
    { "de;q=0, en;q=0.1", "fr", "en" },
    { "de;q=0", "fr", "fr" },
    { "english", "fr", "fr" },
    { "deu, fra", "en", "en" },
    { "en;q=0.8, de;q=0.8", "fr", "en" },            /* equal q: first wins */
    { "en; q=0.9, de", "fr", "de" },
    { "de , en;q=0.5", "fr", "de" },
    { "en;q=0.123,de;q=0.124", "fr", "de" },
    { "zh-Hant-TW;q=1.0, fr-FR;q=0.2", "de", "fr" },
    { ",,, ,en", "fr", "en" },
};

static void
test_pick_lang(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(lang_cases) / sizeof(lang_cases[0]); i++) {
        const char *got = req_pick_lang(lang_cases[i].header, lang_cases[i].dflt);

        if (got == NULL || strcmp(got, lang_cases[i].want) != 0)
            fail_msg("req_pick_lang(\"%s\", \"%s\") = \"%s\", want \"%s\"",
                     lang_cases[i].header ? lang_cases[i].header : "(null)",
                     lang_cases[i].dflt, got ? got : "(null)", lang_cases[i].want);
    }
}

/* --- the request accessors and the response (req.c) ---------------- */

static req_t *
new_req(pool_t *p, const cfg_t *cfg)
{
    req_t *r = pool_calloc(p, sizeof(*r));

    r->pool = p;
    r->cfg = cfg;
    return r;
}

static void
test_accessors(void **state)
{
    pool_t     *p = *state;
    req_t      *r = new_req(p, NULL);
    en_err_t    err = { 0 };
    char *const envp[] = { "HTTP_ACCEPT_LANGUAGE=de", "HTTP_ACCEPT=text/html",
                           "REMOTE_ADDR=", NULL };

    assert_int_equal(req_parse_urlencoded(p, "a=query&q=1", 11, 10, &r->query_params, &err),
                     EN_OK);
    assert_int_equal(req_parse_urlencoded(p, "a=form", 6, 10, &r->form, &err), EN_OK);
    assert_int_equal(req_parse_cookies(p, "sid=s1; lang=en", &r->cookies, &err), EN_OK);
    assert_string_equal(req_param(r, "a"), "form");          /* form first */
    assert_string_equal(req_param(r, "q"), "1");             /* then the query */
    assert_null(req_param(r, "zz"));
    assert_string_equal(req_cookie(r, "lang"), "en");
    assert_null(req_cookie(r, "nope"));
    assert_null(req_env(r, "HTTP_ACCEPT"));                  /* no envp yet */
    r->envp = envp;
    assert_string_equal(req_env(r, "HTTP_ACCEPT"), "text/html");
    assert_string_equal(req_env(r, "HTTP_ACCEPT_LANGUAGE"), "de");
    assert_string_equal(req_env(r, "REMOTE_ADDR"), "");
    assert_null(req_env(r, "HTTP"));
    assert_null(req_env(r, "HTTP_ACCEPT_LANG"));
}

static void
test_headers_refuse_crlf(void **state)
{
    req_t *r = new_req(*state, NULL);

    req_header(r, "X-A", "1");
    req_header(r, "X-Split", "a\r\nSet-Cookie: evil=1");
    req_header(r, "X-LF", "a\nb");
    req_header(r, "X-CR", "a\rb");
    req_header(r, "X-B", "two words");
    assert_int_equal(kv_count(r->headers), 2);
    assert_string_equal(r->headers->name, "X-A");
    assert_string_equal(r->headers->value, "1");
    assert_string_equal(r->headers->next->name, "X-B");
    assert_string_equal(r->headers->next->value, "two words");
    assert_int_equal(r->headers->next->len, 9);
    assert_ptr_equal(r->headers_tail, r->headers->next);
}

static void
test_cookie_flags(void **state)
{
    pool_t *p = *state;
    cfg_t   prod = { 0 }, dev = { 0 };
    req_t  *r;

    dev.dev = 1;
    r = new_req(p, &prod);
    req_cookie_set(r, "sid", "abc", 3600);
    req_cookie_set(r, "sid", "ignored", -1);
    req_cookie_set(r, "bad", "a\r\nb", 60);                  /* dropped */
    assert_int_equal(kv_count(r->headers), 2);
    assert_string_equal(r->headers->name, "Set-Cookie");
    assert_string_equal(r->headers->value,
                        "sid=abc; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=3600");
    assert_string_equal(r->headers->next->value,
                        "sid=; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0");

    r = new_req(p, &dev);
    req_cookie_set(r, "lang", "de", 31536000);
    req_cookie_set(r, "lang", "de", -5);
    assert_string_equal(r->headers->value,
                        "lang=de; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000");
    assert_string_equal(r->headers->next->value,
                        "lang=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");

    r = new_req(p, NULL);                                     /* no cfg: Secure */
    req_cookie_set(r, "x", "1", 10);
    assert_string_equal(r->headers->value,
                        "x=1; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=10");
}

static void
test_serialize_head(void **state)
{
    pool_t *p = *state;
    cfg_t   dev = { 0 };
    req_t  *r;
    buf_t   b;

    dev.dev = 1;
    r = new_req(p, &dev);
    req_redirect(r, 303, "/demandes/42?x=1");
    req_cookie_set(r, "flash", "ok", 60);
    req_header(r, "Cache-Control", "no-store");
    assert_int_equal(r->status, 303);
    assert_string_equal(r->resp_type, "text/plain; charset=utf-8");
    assert_int_equal(r->resp_len, 0);
    buf_init(&b, p);
    req_serialize_head(r, &b);
    assert_string_equal(b.data,
                        "Status: 303 See Other\r\n"
                        "Content-Type: text/plain; charset=utf-8\r\n"
                        "Location: /demandes/42?x=1\r\n"
                        "Set-Cookie: flash=ok; Path=/; HttpOnly; SameSite=Lax; Max-Age=60\r\n"
                        "Cache-Control: no-store\r\n"
                        "\r\n");

    r = new_req(p, &dev);
    r->status = 200;
    buf_init(&b, p);
    req_serialize_head(r, &b);
    assert_string_equal(b.data, "Status: 200 OK\r\n\r\n");

    r = new_req(p, &dev);
    r->status = 422;
    req_body(r, "text/html; charset=utf-8", "<p>x</p>", 8);
    buf_init(&b, p);
    req_serialize_head(r, &b);
    assert_string_equal(b.data,
                        "Status: 422 Unprocessable Content\r\n"
                        "Content-Type: text/html; charset=utf-8\r\n\r\n");
    assert_string_equal(r->resp_body, "<p>x</p>");
    assert_int_equal(r->resp_len, 8);
}

static void
test_write_body(void **state)
{
    req_t *r = new_req(*state, NULL);
    buf_t *out;
    int    i;

    assert_null(r->out_buf);
    req_puts(r, "<html>");
    for (i = 0; i < 1000; i++)
        req_write(r, "0123456789", 10);
    req_write(r, "\0", 1);
    req_puts(r, "</html>");
    out = r->out_buf;
    assert_non_null(out);
    assert_int_equal(out->len, 6 + 10000 + 1 + 7);
    assert_memory_equal(out->data, "<html>0123456789", 16);
    assert_memory_equal(out->data + 6 + 10000, "\0</html>", 9);
}

static void
test_status_text(void **state)
{
    static const struct { int code; const char *text; } st[] = {
        { 200, "OK" }, { 201, "Created" }, { 204, "No Content" },
        { 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
        { 304, "Not Modified" }, { 400, "Bad Request" }, { 401, "Unauthorized" },
        { 403, "Forbidden" }, { 404, "Not Found" }, { 405, "Method Not Allowed" },
        { 409, "Conflict" }, { 410, "Gone" }, { 413, "Payload Too Large" },
        { 422, "Unprocessable Content" }, { 429, "Too Many Requests" },
        { 500, "Internal Server Error" }, { 502, "Bad Gateway" },
        { 503, "Service Unavailable" }, { 418, "Status" }, { 0, "Status" },
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(st) / sizeof(st[0]); i++)
        assert_string_equal(req_status_text(st[i].code), st[i].text);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_pool, teardown_pool)
    const struct CMUnitTest tests[] = {
        T(test_percent_decode),
        T(test_percent_decode_null_len),
        T(test_urlencoded),
        T(test_urlencoded_kv_get),
        T(test_urlencoded_limits),
        T(test_urlencoded_value_at_limit),
        T(test_cookies),
        T(test_cookies_limits),
        T(test_multipart_fields_and_file),
        T(test_multipart_cases),
        T(test_multipart_file_first_name),
        T(test_multipart_nul),
        T(test_multipart_two_files_order),
        T(test_multipart_limits),
        T(test_pick_lang),
        T(test_accessors),
        T(test_headers_refuse_crlf),
        T(test_cookie_flags),
        T(test_serialize_head),
        T(test_write_body),
        T(test_status_text),
    };
#undef T

    return cmocka_run_group_tests_name("req_parse", tests, NULL, NULL);
}
