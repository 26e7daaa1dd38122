/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * xml_safe.c -- locked-down XML parsing (see xml_safe.h).
 *
 * Owns the external-entity loader policy and the parser options.  Parse
 * errors are collected through a per-context structured error handler, not
 * printed, so that callers can report them as `file:line: message`.
 */
#include "xml_safe.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util_file.h"

#define XML_SAFE_MAX_FILE (64 * 1024 * 1024)   /* one XML file read whole */

static xmlParserInputPtr
refuse_entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void) id;
    (void) ctxt;
    /* __xmlLoaderErr is private; returning NULL makes the parse fail with
     * "failed to load external entity", which is what we want. */
    (void) url;
    return NULL;
}

static void
silent_generic_error(void *ctx, const char *msg, ...)
{
    (void) ctx;
    (void) msg;   /* errors are collected per parse through serror */
}

void
xml_safe_init(void)
{
    xmlSetGenericErrorFunc(NULL, silent_generic_error);
    xmlInitParser();
    xmlSetExternalEntityLoader(refuse_entity_loader);
    xmlSubstituteEntitiesDefault(0);
    xmlLoadExtDtdDefaultValue = 0;
}

typedef struct {
    en_err_t   *err;
    const char *name;
    int         count;
} collect_t;

static void
collect_error(void *ctx, xmlErrorPtr e)
{
    /* libxml2 hands serror the parser context (ctxt->userData, which the
     * tree builder keeps pointing at the context); our collector rides in
     * its _private slot. */
    xmlParserCtxtPtr ctxt = ctx;
    collect_t       *c = ctxt ? ctxt->_private : NULL;
    char             line[300];
    size_t           n;

    if (c == NULL || c->err == NULL || e == NULL || e->level < XML_ERR_ERROR)
        return;
    snprintf(line, sizeof(line), "%s:%d: %s", c->name, e->line,
             e->message ? e->message : "malformed XML");
    n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (c->count++ == 0)
        en_set(c->err, EN_BADINPUT, "err.xml", "%s", line);
    else
        en_detail(c->err, "%s", line);
}

xmlDocPtr
xml_safe_parse(const char *data, size_t len, const char *name, en_err_t *err)
{
    xmlParserCtxtPtr ctxt;
    xmlDocPtr        doc;
    collect_t        c = { err, name ? name : "input", 0 };

    if (len > (size_t) 64 * 1024 * 1024) {
        en_set(err, EN_TOOLARGE, "err.xml", "%s:0: document too large", c.name);
        return NULL;
    }
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        en_set(err, EN_INTERNAL, "err.internal", "%s:0: out of memory", c.name);
        return NULL;
    }
    ctxt->sax->serror = collect_error;
    ctxt->sax->error = NULL;
    ctxt->sax->warning = NULL;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;
    ctxt->_private = &c;
    doc = xmlCtxtReadMemory(ctxt, data, (int) len, c.name, NULL,
                            XML_SAFE_OPTIONS);
    if (doc != NULL && doc->intSubset != NULL) {
        en_set(err, EN_BADINPUT, "err.xml",
               "%s:1: a DOCTYPE is not allowed in this document", c.name);
        xmlFreeDoc(doc);
        doc = NULL;
    } else if (doc == NULL && c.count == 0) {
        en_set(err, EN_BADINPUT, "err.xml", "%s:1: malformed XML", c.name);
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

static void
free_doc(void *d)
{
    xmlFreeDoc(d);
}

xmlDocPtr
xml_safe_read_memory(pool_t *p, const char *data, size_t len,
                     const char *name, en_err_t *err)
{
    xmlDocPtr doc = xml_safe_parse(data, len, name, err);

    pool_on_free(p, free_doc, doc);
    return doc;
}

xmlDocPtr
xml_safe_read_file(pool_t *p, const char *path, en_err_t *err)
{
    char  *data;
    size_t len;

    if (util_read_file(p, path, XML_SAFE_MAX_FILE, &data, &len, err) != EN_OK)
        return NULL;
    return xml_safe_read_memory(p, data, len, path, err);
}
