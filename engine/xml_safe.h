/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * xml_safe.h -- the only way this program parses XML.
 *
 * No network, no entity expansion, no DTD loading, and a process-wide
 * external-entity loader that refuses everything (libxml2 2.9.14 has no
 * XML_PARSE_NO_XXE).  A document carrying a DOCTYPE is refused outright:
 * none of ours needs one, and it is how entity attacks begin.
 */
#ifndef GUICHET_XML_SAFE_H
#define GUICHET_XML_SAFE_H

#include <libxml/tree.h>

#include "en_err.h"
#include "pool.h"

/* The parser options every caller (libxslt included) must use. */
#define XML_SAFE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA)

/* Once per process, before any parse: installs the refusing entity loader
 * and turns off libxml2's global entity substitution. */
void xml_safe_init(void);

/* Parses a file or a memory buffer.  On success the document is owned by
 * pool p (freed with it).  On failure returns NULL and writes
 * "file:line: message" lines into err->msg/detail (first error in msg). */
xmlDocPtr xml_safe_read_file(pool_t *p, const char *path, en_err_t *err);
xmlDocPtr xml_safe_read_memory(pool_t *p, const char *data, size_t len,
                               const char *name, en_err_t *err);

/* Same, but the caller owns the document (process-lifetime objects). */
xmlDocPtr xml_safe_parse(const char *data, size_t len, const char *name,
                         en_err_t *err);

#endif
