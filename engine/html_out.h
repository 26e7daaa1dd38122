/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * html_out.h -- writes the result document of an HTML stylesheet (the pages
 * and the letters) as bytes, straight into a pool buffer.
 *
 * Owns: the HTML output method as our stylesheets use it (method html,
 * indent no, encoding UTF-8), byte for byte what libxslt 1.1.35's
 * xsltSaveResultToString writes with libxml2 2.9.14's HTML serializer: the
 * DOCTYPE, the Content-Type <meta> libxml2 adds to <head>, empty elements,
 * text and attribute escaping (URI escaping of href/action/src, minimised
 * boolean attributes), raw script/style text.  tests/unit/test_html_out.c
 * holds it to libxml2's bytes; GUICHET_RENDER_CHECK=1 makes render.c
 * compare both on every page (docs/pages.md).
 *
 * Does not own: running stylesheets (render.c), any other output method
 * (xml for mails, text), which stay with libxslt.
 */
#ifndef GUICHET_HTML_OUT_H
#define GUICHET_HTML_OUT_H

#include <libxml/tree.h>
#include <libxslt/xsltInternals.h>

#include "en_err.h"
#include "pool.h"

/* 1 when style's output of result is one html_out_write writes exactly
 * as libxslt would; 0 when the caller must use xsltSaveResultToString. */
int html_out_handles(xsltStylesheetPtr style, xmlDocPtr result);

/* Appends result's serialisation to out (whose pool also holds the
 * scratch).  Like libxslt, first sets the document's Content-Type <meta>
 * (htmlSetMetaEncoding), so result is changed.  EN_INTERNAL when the
 * document is empty (libxslt gives no text then either). */
int html_out_write(xsltStylesheetPtr style, xmlDocPtr result, buf_t *out,
                   en_err_t *err);

#endif
