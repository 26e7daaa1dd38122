/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * render.h -- pages as XML documents turned into HTML by XSLT.
 *
 * A handler describes its page as an XML tree (render_begin gives the root
 * <page> with the common parts: language, base URL, request id, who is
 * logged in, the CSRF token), adds its own elements with render_text and
 * friends (text is always escaped by libxml2), then calls render_finish,
 * which applies xslt/pages/<name>.xsl, compiled once per worker.
 *
 * User data only ever becomes text or attribute values in the input
 * document: never a stylesheet, never an XPath expression.
 */
#ifndef GUICHET_RENDER_H
#define GUICHET_RENDER_H

#include <libxml/tree.h>

#include "cfg.h"
#include "en_err.h"
#include "pool.h"

/* Pages are built for a request (req.h); mails (render_apply) need none,
 * so the mailer does not see the request's definition. */
typedef struct req req_t;

/* Once per process, after fork: i18n catalogue, XSLT security policy,
 * loader and extension functions.  Stylesheets compile on first use. */
int render_init(const cfg_t *cfg, en_err_t *err);
/* Compiles the page stylesheets now (workers call it at start so the
 * first request pays nothing; `guichet check` calls it to vet them). */
int render_preload(en_err_t *err);

/* Called by render_begin to add who is asking (set by the session layer). */
typedef void (*render_hook_fn)(req_t *r, xmlNodePtr root);
void render_set_hook(render_hook_fn fn);

xmlNodePtr render_begin(req_t *r, const char *page);
xmlNodePtr render_node(xmlNodePtr parent, const char *name);
xmlNodePtr render_text(xmlNodePtr parent, const char *name, const char *text);
void       render_attr(xmlNodePtr node, const char *name, const char *value);
/* Applies the page's stylesheet and sets the response (status, HTML). */
int        render_finish(req_t *r, int status);

/* A complete error page (status, message key from the catalogue and an
 * optional detail already safe to show).  Falls back to plain text if the
 * stylesheet itself fails. */
int        render_error(req_t *r, int status, const char *key, const char *detail);

/* Applies stylesheet `name` (relative to xslt/, e.g. "mail/submitted.xsl")
 * to doc in lang and returns the serialised output in p (for mails). */
const char *render_apply(pool_t *p, const char *name, xmlDocPtr doc,
                         const char *lang, size_t *len, en_err_t *err);

#endif
