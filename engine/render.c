/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * render.c -- XSLT rendering with a locked-down libxslt (see render.h).
 *
 * Owns: the per-process stylesheet cache, the XSLT security policy (no
 * file writes, no directories, no network; file reads only below xslt/),
 * the document loader (our safe parser options, never NOENT/DTDLOAD), the
 * transform limits, the g:msg() extension function that reads the
 * message catalogue in the language of the request being rendered, and
 * which serializer writes the result: html_out.c for the HTML pages and
 * letters, libxslt for the rest; with render_check on, both, compared.
 */
#include "render.h"

#include <libexslt/exslt.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>
#include <libxslt/documents.h>
#include <libxslt/extensions.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_out.h"
#include "i18n.h"
#include "log.h"
#include "req.h"
#include "util_file.h"
#include "xml_safe.h"

#define RENDER_MAX_STYLES 128
#define RENDER_MAX_FILE   (4 * 1024 * 1024)   /* one stylesheet or catalogue */

typedef struct {
    char             *name;
    xsltStylesheetPtr style;
} style_entry_t;

static style_entry_t        styles[RENDER_MAX_STYLES];
static int                  nstyles;
static char                 xslt_root[PATH_MAX];
static xsltSecurityPrefsPtr sec_prefs;
static render_hook_fn       render_hook;
static const char          *current_lang = "fr";
static pool_t              *current_pool;    /* the transform's, for g:msg */
static int                  render_check;    /* cfg render_check */
static size_t               html_hint = 16384;  /* last page's size */

/* --- policy ---------------------------------------------------------- */

static int
path_inside_root(const char *path)
{
    char   real[PATH_MAX];
    size_t n = strlen(xslt_root);

    if (!strncmp(path, "file://", 7))
        path += 7;
    if (realpath(path, real) == NULL)
        return 0;
    return !strncmp(real, xslt_root, n) && (real[n] == '/' || real[n] == '\0');
}

static int
check_read_file(xsltSecurityPrefsPtr sec, xsltTransformContextPtr ctxt,
                const char *value)
{
    (void) sec;
    (void) ctxt;
    return path_inside_root(value);
}

static xmlDocPtr
safe_loader(const xmlChar *uri, xmlDictPtr dict, int options, void *ctxt,
            xsltLoadType type)
{
    xmlParserCtxtPtr pctxt;
    xmlDocPtr        doc;
    pool_t          *tmp;
    en_err_t         err;
    const char      *path = (const char *) uri;
    char            *data;
    size_t           len;

    (void) options;      /* libxslt asks for NOENT|DTDATTR: we refuse both */
    (void) ctxt;
    (void) type;
    if (!path_inside_root((const char *) uri)) {
        log_event(LOG_WARN, "xslt load refused", "uri", (const char *) uri, NULL);
        return NULL;
    }
    pctxt = xmlNewParserCtxt();
    if (pctxt == NULL)
        return NULL;
    if (dict != NULL) {
        /* stylesheets must share the compiler's dictionary */
        if (pctxt->dict != NULL)
            xmlDictFree(pctxt->dict);
        pctxt->dict = dict;
        xmlDictReference(dict);
    }
    /* read the bytes ourselves: the process-wide entity loader refuses
     * every load, the document's own included (see xml_safe.c) */
    if (!strncmp(path, "file://", 7))
        path += 7;
    tmp = pool_new(0);
    if (util_read_file(tmp, path, RENDER_MAX_FILE, &data, &len, &err) != EN_OK) {
        pool_free(tmp);     /* libxslt reports the stylesheet it misses */
        xmlFreeParserCtxt(pctxt);
        return NULL;
    }
    doc = xmlCtxtReadMemory(pctxt, data, (int) len, (const char *) uri, NULL,
                            XML_SAFE_OPTIONS);
    pool_free(tmp);
    if (doc != NULL && doc->intSubset != NULL) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(pctxt);
    return doc;
}

/* g:msg(key) and g:msg(key, arg): catalogue text in the current language */
static void
ext_msg(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *key, *arg = NULL;
    pool_t  *p;

    if (nargs < 1 || nargs > 2) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    if (nargs == 2)
        arg = xmlXPathPopString(ctxt);
    key = xmlXPathPopString(ctxt);
    /* the text is copied for libxml2 at once: the transform's pool keeps
     * i18n_fmt's bytes without a pool (and a malloc) of its own per call */
    p = current_pool != NULL ? current_pool : pool_new(1024);
    xmlXPathReturnString(ctxt, xmlStrdup(BAD_CAST i18n_fmt(p, current_lang,
                                                            (const char *) key,
                                                            (const char *) arg)));
    if (p != current_pool)
        pool_free(p);
    xmlFree(key);
    xmlFree(arg);
}

int
render_init(const cfg_t *cfg, en_err_t *err)
{
    char dir[PATH_MAX + 8];

    if (realpath(cfg->xslt_dir, xslt_root) == NULL)
        return en_set(err, EN_NOTFOUND, "err.render", "%s: stylesheet folder not found",
                      cfg->xslt_dir);
    snprintf(dir, sizeof(dir), "%s/i18n", xslt_root);
    if (i18n_load(dir, err) != EN_OK)
        return err->code;
    exsltRegisterAll();
    xsltSetLoaderFunc(safe_loader);
    if (sec_prefs == NULL) {
        sec_prefs = xsltNewSecurityPrefs();
        xsltSetSecurityPrefs(sec_prefs, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
        xsltSetSecurityPrefs(sec_prefs, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid);
        xsltSetSecurityPrefs(sec_prefs, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid);
        xsltSetSecurityPrefs(sec_prefs, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid);
        xsltSetSecurityPrefs(sec_prefs, XSLT_SECPREF_READ_FILE, check_read_file);
        xsltSetDefaultSecurityPrefs(sec_prefs);
    }
    xsltRegisterExtModuleFunction(BAD_CAST "msg", BAD_CAST I18N_NS, ext_msg);
    render_check = cfg->render_check;
    if (render_check)
        log_event(LOG_INFO, "render check on", NULL);
    return EN_OK;
}

void
render_set_hook(render_hook_fn fn)
{
    render_hook = fn;
}

/* --- stylesheets ------------------------------------------------------ */

static xsltStylesheetPtr
style_get(const char *name, en_err_t *err)
{
    char              path[PATH_MAX + 256];
    xsltStylesheetPtr s;
    xmlDocPtr         doc;
    int               i;

    for (i = 0; i < nstyles; i++)
        if (!strcmp(styles[i].name, name))
            return styles[i].style;
    if (strstr(name, "..") != NULL || nstyles == RENDER_MAX_STYLES) {
        en_set(err, EN_INTERNAL, "err.render", "stylesheet %s refused", name);
        return NULL;
    }
    snprintf(path, sizeof(path), "%s/%s", xslt_root, name);
    doc = safe_loader(BAD_CAST path, NULL, 0, NULL, XSLT_LOAD_START);
    if (doc == NULL) {
        en_set(err, EN_INTERNAL, "err.render", "%s: cannot load stylesheet", path);
        return NULL;
    }
    s = xsltParseStylesheetDoc(doc);    /* takes the document */
    if (s == NULL || s->errors > 0) {
        if (s != NULL)
            xsltFreeStylesheet(s);
        else
            xmlFreeDoc(doc);
        en_set(err, EN_INTERNAL, "err.render", "%s: stylesheet does not compile", path);
        return NULL;
    }
    styles[nstyles].name = strdup(name);
    styles[nstyles].style = s;
    nstyles++;
    return s;
}

int
render_preload(en_err_t *err)
{
    static const char *pages[] = { "pages/error.xsl", NULL };
    int                i;

    for (i = 0; pages[i] != NULL; i++)
        if (style_get(pages[i], err) == NULL)
            return err->code;
    return EN_OK;
}

static void
free_doc(void *d)
{
    xmlFreeDoc(d);
}

static xmlDocPtr
transform(pool_t *p, xsltStylesheetPtr style, xmlDocPtr doc, en_err_t *err)
{
    xsltTransformContextPtr t = xsltNewTransformContext(style, doc);
    xmlDocPtr               out;

    if (t == NULL) {
        en_set(err, EN_INTERNAL, "err.render", "out of memory");
        return NULL;
    }
    xsltSetCtxtSecurityPrefs(sec_prefs, t);
    xsltSetCtxtParseOptions(t, XML_SAFE_OPTIONS);
    t->maxTemplateDepth = 200;
    t->maxTemplateVars = 5000;
    if (t->xpathCtxt != NULL)
        t->xpathCtxt->opLimit = 50000000;
    out = xsltApplyStylesheetUser(style, doc, NULL, NULL, NULL, t);
    if (out == NULL || t->state != XSLT_STATE_OK) {
        if (out != NULL)
            xmlFreeDoc(out);
        xsltFreeTransformContext(t);
        en_set(err, EN_INTERNAL, "err.render", "transformation failed");
        return NULL;
    }
    xsltFreeTransformContext(t);
    pool_on_free(p, free_doc, out);
    return out;
}

/* With render_check: libxml2's bytes are the ones served, and a difference
 * is logged with where it starts (tests/integration turn this on). */
static const char *
check_against_libxslt(pool_t *p, const char *name, xsltStylesheetPtr s,
                      xmlDocPtr out, const char *mine, size_t *len)
{
    xmlChar    *text = NULL;
    int         n = 0;
    size_t      i;
    char        at[32];
    const char *res;

    if (xsltSaveResultToString(&text, &n, out, s) != 0 || text == NULL)
        return mine;
    if ((size_t) n == *len && !memcmp(text, mine, *len)) {
        xmlFree(text);
        return mine;
    }
    for (i = 0; i < *len && i < (size_t) n && mine[i] == (char) text[i]; i++)
        ;
    snprintf(at, sizeof(at), "%zu", i);
    log_event(LOG_ERROR, "render mismatch", "stylesheet", name, "offset", at,
              "libxml2", pool_strndup(p, (const char *) text + i,
                                      (size_t) n - i < 60 ? (size_t) n - i : 60),
              "html_out", pool_strndup(p, mine + i, *len - i < 60 ? *len - i : 60),
              NULL);
    res = pool_strndup(p, (const char *) text, (size_t) n);
    *len = (size_t) n;
    xmlFree(text);
    return res;
}

const char *
render_apply(pool_t *p, const char *name, xmlDocPtr doc, const char *lang,
             size_t *len, en_err_t *err)
{
    xsltStylesheetPtr s = style_get(name, err);
    xmlDocPtr         out;
    xmlChar          *text = NULL;
    int               n = 0;
    const char       *res;
    size_t            res_len;

    if (s == NULL)
        return NULL;
    current_lang = i18n_lang_ok(lang) ? lang : "fr";
    current_pool = p;
    out = transform(p, s, doc, err);
    current_pool = NULL;
    if (out == NULL)
        return NULL;
    if (html_out_handles(s, out)) {
        buf_t b;

        buf_init(&b, p);
        buf_reserve(&b, html_hint);
        if (html_out_write(s, out, &b, err) != EN_OK)
            return NULL;
        html_hint = b.len + b.len / 8 + 1024;
        res = b.data;
        res_len = b.len;
        if (render_check)
            res = check_against_libxslt(p, name, s, out, res, &res_len);
        if (len != NULL)
            *len = res_len;
        return res;
    }
    if (xsltSaveResultToString(&text, &n, out, s) != 0 || text == NULL) {
        en_set(err, EN_INTERNAL, "err.render", "serialisation failed");
        return NULL;
    }
    res = pool_strndup(p, (const char *) text, (size_t) n);
    xmlFree(text);
    if (len != NULL)
        *len = (size_t) n;
    return res;
}

/* --- page documents ----------------------------------------------------- */

xmlNodePtr
render_node(xmlNodePtr parent, const char *name)
{
    return xmlNewChild(parent, NULL, BAD_CAST name, NULL);
}

xmlNodePtr
render_text(xmlNodePtr parent, const char *name, const char *text)
{
    return xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST(text ? text : ""));
}

void
render_attr(xmlNodePtr node, const char *name, const char *value)
{
    xmlSetProp(node, BAD_CAST name, BAD_CAST(value ? value : ""));
}

xmlNodePtr
render_begin(req_t *r, const char *page)
{
    xmlDocPtr         doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr        root;
    xsltStylesheetPtr s;
    char              style[128];
    en_err_t          err;

    /* The page's names (elements, attributes) interned in a dictionary
     * whose parent is the page stylesheet's, as libxslt does for the
     * documents it loads itself: one copy per name instead of a malloc
     * per node, and the stylesheet's name tests match by pointer. */
    en_clear(&err);
    snprintf(style, sizeof(style), "pages/%s.xsl", page);
    if (doc != NULL && (s = style_get(style, &err)) != NULL && s->dict != NULL)
        doc->dict = xmlDictCreateSub(s->dict);
    root = xmlNewDocNode(doc, NULL, BAD_CAST "page", NULL);

    pool_on_free(r->pool, free_doc, doc);
    xmlDocSetRootElement(doc, root);
    r->page_doc = doc;
    render_attr(root, "name", page);
    render_attr(root, "lang", r->lang ? r->lang : "fr");
    render_attr(root, "base", r->cfg ? r->cfg->base_url : "");
    render_attr(root, "path", r->path ? r->path : "/");
    render_attr(root, "request-id", r->request_id ? r->request_id : "");
    if (r->query != NULL && *r->query)
        render_attr(root, "query", r->query);
    if (render_hook != NULL)
        render_hook(r, root);
    return root;
}

int
render_finish(req_t *r, int status)
{
    xmlDocPtr   doc = r->page_doc;
    xmlNodePtr  root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlChar    *name;
    char        style[128];
    const char *html;
    size_t      len;
    en_err_t    err;

    if (root == NULL)
        return render_error(r, 500, "err.internal", NULL);
    name = xmlGetProp(root, BAD_CAST "name");
    snprintf(style, sizeof(style), "pages/%s.xsl", name ? (char *) name : "error");
    xmlFree(name);
    en_clear(&err);
    html = render_apply(r->pool, style, doc, r->lang, &len, &err);
    if (html == NULL) {
        log_event(LOG_ERROR, "render failed", "stylesheet", style, "error", err.msg,
                  "request_id", r->request_id ? r->request_id : "", NULL);
        if (strcmp(style, "pages/error.xsl") != 0)
            return render_error(r, 500, "err.internal", NULL);
        r->status = 500;
        req_body(r, "text/plain; charset=utf-8", "Internal error\n", 15);
        return EN_INTERNAL;
    }
    r->status = status;
    req_body(r, "text/html; charset=utf-8", html, len);
    return EN_OK;
}

int
render_error(req_t *r, int status, const char *key, const char *detail)
{
    xmlNodePtr root, e;
    char       code[8];

    root = render_begin(r, "error");
    e = render_node(root, "error");
    snprintf(code, sizeof(code), "%d", status);
    render_attr(e, "status", code);
    render_attr(e, "key", key ? key : "err.internal");
    if (detail != NULL && *detail)
        render_text(e, "detail", detail);
    return render_finish(r, status);
}
