/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * html_out.c -- the HTML output method, written straight into a pool
 * buffer (see html_out.h).
 *
 * Owns: the rules of libxml2 2.9.14's HTML serializer for a result
 * document as libxslt 1.1.35 hands it over with indent="no" and UTF-8
 * output, restated here in one pass: no intermediate strings per text or
 * attribute, element facts looked up once per name and kept, the bytes
 * appended to the caller's buffer.  What libxml2 knows of an element (is
 * it empty, may its end tag be left out) is asked of libxml2 itself
 * (htmlTagLookup), and the Content-Type <meta> is set by libxml2's own
 * htmlSetMetaEncoding, so only the writing is ours.
 *
 * Does not own: indented output, other encodings, other methods (the
 * caller falls back to libxslt for those: html_out_handles says 0).
 */
#include "html_out.h"

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parserInternals.h>
#include <libxslt/imports.h>
#include <string.h>
#include <strings.h>

/* --- what libxml2 knows of an element name ---------------------------- */

#define TAG_EMPTY     1     /* no end tag, children never written */
#define TAG_KEEP_OPEN 2     /* without children: start tag only */

#define TAG_SLOTS     256   /* power of two */
#define TAG_NAME_MAX  24

typedef struct {
    unsigned char len;      /* 0: free slot */
    unsigned char flags;
    char          name[TAG_NAME_MAX];   /* ASCII lower case */
} tag_slot_t;

/* per process: names are the same few dozen on every page */
static tag_slot_t tag_cache[TAG_SLOTS];
static int        tag_count;

static int
tag_flags_of(const xmlChar *name)
{
    const htmlElemDesc *info = htmlTagLookup(name);
    int                 f = 0;

    if (info == NULL)
        return 0;
    if (info->empty)
        f |= TAG_EMPTY;
    /* libxml2 closes html and body even when it could leave them open */
    if (info->saveEndTag && strcmp(info->name, "html") != 0
        && strcmp(info->name, "body") != 0)
        f |= TAG_KEEP_OPEN;
    return f;
}

/* htmlTagLookup compares names without case: so does the cache */
static int
tag_flags(const xmlChar *name)
{
    unsigned int h = 2166136261u;
    size_t       n, i;
    char         low[TAG_NAME_MAX];
    tag_slot_t  *s;

    for (n = 0; name[n] != '\0'; n++) {
        unsigned char c = name[n];

        if (n == TAG_NAME_MAX)
            return tag_flags_of(name);
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char) (c - 'A' + 'a');
        low[n] = (char) c;
        h = (h ^ c) * 16777619u;
    }
    for (i = h & (TAG_SLOTS - 1);; i = (i + 1) & (TAG_SLOTS - 1)) {
        s = &tag_cache[i];
        if (s->len == 0)
            break;
        if (s->len == n && !memcmp(s->name, low, n))
            return s->flags;
    }
    if (n == 0 || tag_count >= TAG_SLOTS / 2)
        return tag_flags_of(name);
    s->flags = (unsigned char) tag_flags_of(name);
    memcpy(s->name, low, n);
    s->len = (unsigned char) n;
    tag_count++;
    return s->flags;
}

/* --- small writers ------------------------------------------------------ */

/* Appends without the NUL buf_add writes each time: html_out_write ends
 * the text once, at the end (buf_reserve keeps room for it). */
static inline void
put(buf_t *b, const char *s, size_t n)
{
    if (b->len + n >= b->cap)
        buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static void
puts_(buf_t *b, const char *s)
{
    put(b, s, strlen(s));
}

static int
is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The bytes libxml2 writes unchanged in HTML text and attribute values:
 * printable ASCII but < > &, tab, newline, carriage return, and every byte
 * from 0x80 (UTF-8 passes through).  The other control bytes are dropped. */
static unsigned char plain_byte[256];
static int           plain_ready;

static void
plain_init(void)
{
    int c;

    for (c = 0; c < 256; c++)
        plain_byte[c] = (unsigned char) ((c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                                         && c != '<' && c != '>' && c != '&' && c != 0);
    plain_ready = 1;
}

/* Bytes libxml2 copies unescaped; with quot, '"' still becomes &quot; */
static void
put_raw_quoted(buf_t *b, const xmlChar *s, size_t n, int quot)
{
    const xmlChar *q;

    while (quot && (q = memchr(s, '"', n)) != NULL) {
        put(b, (const char *) s, (size_t) (q - s));
        put(b, "&quot;", 6);
        n -= (size_t) (q - s) + 1;
        s = q + 1;
    }
    put(b, (const char *) s, n);
}

/* Text content (attr 0) or an attribute value's text (attr 1, where
 * libxml2 leaves "<!--...-->" and "&{...}" alone), escaped as libxml2's
 * xmlEncodeEntitiesReentrant does for an HTML document.  quot: also write
 * '"' as &quot; (xmlBufWriteQuotedString's rule when a value holds both
 * quote characters). */
static void
put_escaped(buf_t *b, const xmlChar *s, int attr, int quot)
{
    const xmlChar *run = s;
    const xmlChar *end;

    if (s == NULL)
        return;
    for (;;) {
        while (plain_byte[*s] && !(quot && *s == '"'))
            s++;
        put(b, (const char *) run, (size_t) (s - run));
        switch (*s) {
        case '\0':
            return;
        case '<':
            if (attr && s[1] == '!' && s[2] == '-' && s[3] == '-'
                && (end = (const xmlChar *) strstr((const char *) s, "-->")) != NULL) {
                put_raw_quoted(b, s, (size_t) (end + 3 - s), quot);
                run = s = end + 3;
                continue;
            }
            put(b, "&lt;", 4);
            break;
        case '>':
            put(b, "&gt;", 4);
            break;
        case '&':
            if (attr && s[1] == '{'
                && (end = (const xmlChar *) strchr((const char *) s, '}')) != NULL) {
                put_raw_quoted(b, s, (size_t) (end + 1 - s), quot);
                run = s = end + 1;
                continue;
            }
            put(b, "&amp;", 5);
            break;
        case '"':
            put(b, "&quot;", 6);
            break;
        default:
            break;      /* a control byte libxml2 drops */
        }
        s++;
        run = s;
    }
}

/* --- attributes ------------------------------------------------------- */

/* HTML 4's boolean attributes as libxml2 lists them: written as the name
 * alone, whatever their value */
static int
is_boolean_attr(const xmlChar *name)
{
    static const char *const names[] = {
        "checked", "compact", "declare", "defer", "disabled", "ismap",
        "multiple", "nohref", "noresize", "noshade", "nowrap", "readonly",
        "selected", NULL
    };
    int c = name[0] | 0x20, i;

    /* most names start with none of their letters: no comparison then */
    if (c != 'c' && c != 'd' && c != 'i' && c != 'm' && c != 'n' && c != 'r'
        && c != 's')
        return 0;
    for (i = 0; names[i] != NULL; i++)
        if ((names[i][0] == c) && !strcasecmp(names[i], (const char *) name))
            return 1;
    return 0;
}

/* href, action, src, and name on <a>, outside namespaces: libxml2 writes
 * their value URI-escaped */
static int
is_uri_attr(xmlAttrPtr a)
{
    const char *n = (const char *) a->name;
    int         c = n[0] | 0x20;

    if (a->ns != NULL || a->parent == NULL || a->parent->ns != NULL)
        return 0;
    if (c != 'h' && c != 'a' && c != 's' && c != 'n')
        return 0;
    return !strcasecmp(n, "href") || !strcasecmp(n, "action") || !strcasecmp(n, "src")
           || (!strcasecmp(n, "name")
               && !strcasecmp((const char *) a->parent->name, "a"));
}

/* A value's parts as libxml2 joins them (xmlNodeListGetString) */
static void
put_value(buf_t *b, xmlAttrPtr a, int quot)
{
    xmlNodePtr t;

    for (t = a->children; t != NULL; t = t->next) {
        if (t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE) {
            put_escaped(b, t->content, 1, quot);
        } else if (t->type == XML_ENTITY_REF_NODE) {
            put(b, "&", 1);
            puts_(b, (const char *) t->name);
            put(b, ";", 1);
        }
    }
}

static int
is_uri_kept(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c != '\0' && strchr("-_.!~*'()@/:=?;#%&,+<>", c) != NULL);
}

static void
put_uri_escaped(buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const char       *run = s, *end = s + n;
    char              esc[3];

    esc[0] = '%';
    for (; s < end; s++) {
        unsigned char c = (unsigned char) *s;

        if (is_uri_kept(c))
            continue;
        put(b, run, (size_t) (s - run));
        esc[1] = hex[c >> 4];
        esc[2] = hex[c & 15];
        put(b, esc, 3);
        run = s + 1;
    }
    put(b, run, (size_t) (end - run));
}

static void
put_attr(buf_t *b, buf_t *scratch, xmlAttrPtr a)
{
    xmlNodePtr t;
    int        dq = 0, sq = 0;

    put(b, " ", 1);
    if (a->ns != NULL && a->ns->prefix != NULL) {
        puts_(b, (const char *) a->ns->prefix);
        put(b, ":", 1);
    }
    puts_(b, (const char *) a->name);
    if (a->children == NULL || is_boolean_attr(a->name))
        return;
    put(b, "=", 1);
    if (is_uri_attr(a)) {
        size_t i = 0;

        scratch->len = 0;
        put_value(scratch, a, 0);
        while (i < scratch->len && is_blank((unsigned char) scratch->data[i]))
            i++;
        put(b, "\"", 1);
        put_uri_escaped(b, scratch->data + i, scratch->len - i);
        put(b, "\"", 1);
        return;
    }
    /* the quote libxml2 picks: ' when the value holds " but no ', else "
     * (with " written &quot; when it holds both) */
    for (t = a->children; t != NULL; t = t->next)
        if ((t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE)
            && t->content != NULL) {
            dq |= strchr((const char *) t->content, '"') != NULL;
            sq |= strchr((const char *) t->content, '\'') != NULL;
        }
    if (dq && !sq) {
        put(b, "'", 1);
        put_value(b, a, 0);
        put(b, "'", 1);
    } else {
        put(b, "\"", 1);
        put_value(b, a, dq);
        put(b, "\"", 1);
    }
}

/* xmlns declarations, the xml prefix's never (quoted, not escaped) */
static void
put_quoted_plain(buf_t *b, const xmlChar *s)
{
    int dq = strchr((const char *) s, '"') != NULL;
    int sq = strchr((const char *) s, '\'') != NULL;

    if (dq && !sq) {
        put(b, "'", 1);
        puts_(b, (const char *) s);
        put(b, "'", 1);
    } else {
        put(b, "\"", 1);
        put_raw_quoted(b, s, strlen((const char *) s), dq);
        put(b, "\"", 1);
    }
}

static void
put_ns_defs(buf_t *b, xmlNsPtr ns)
{
    for (; ns != NULL; ns = ns->next) {
        if (ns->type != XML_LOCAL_NAMESPACE || ns->href == NULL
            || (ns->prefix != NULL && !strcmp((const char *) ns->prefix, "xml")))
            continue;
        if (ns->prefix != NULL) {
            put(b, " xmlns:", 7);
            puts_(b, (const char *) ns->prefix);
        } else {
            put(b, " xmlns", 6);
        }
        put(b, "=", 1);
        put_quoted_plain(b, ns->href);
    }
}

/* --- nodes -------------------------------------------------------------- */

static void
put_qname(buf_t *b, xmlNodePtr n)
{
    if (n->ns != NULL && n->ns->prefix != NULL) {
        puts_(b, (const char *) n->ns->prefix);
        put(b, ":", 1);
    }
    puts_(b, (const char *) n->name);
}

static void
put_end_tag(buf_t *b, xmlNodePtr n)
{
    put(b, "</", 2);
    put_qname(b, n);
    put(b, ">", 1);
}

static int
is_raw_text_parent(xmlNodePtr parent)
{
    const char *n;

    if (parent == NULL || parent->name == NULL || parent->type != XML_ELEMENT_NODE)
        return 0;
    n = (const char *) parent->name;
    if ((n[0] | 0x20) != 's')
        return 0;
    return !strcasecmp(n, "script") || !strcasecmp(n, "style");
}

static void
put_doctype(buf_t *b, xmlDtdPtr dtd)
{
    put(b, "<!DOCTYPE ", 10);
    puts_(b, (const char *) dtd->name);
    if (dtd->ExternalID != NULL) {
        put(b, " PUBLIC ", 8);
        put_quoted_plain(b, dtd->ExternalID);
        if (dtd->SystemID != NULL) {
            put(b, " ", 1);
            put_quoted_plain(b, dtd->SystemID);
        }
    } else if (dtd->SystemID != NULL
               && strcmp((const char *) dtd->SystemID, "about:legacy-compat") != 0) {
        put(b, " SYSTEM ", 8);
        put_quoted_plain(b, dtd->SystemID);
    }
    put(b, ">\n", 2);
}

/* Writes one node's start (and, for a node without children to visit,
 * all of it).  Returns 1 when its children are to be written next. */
static int
put_node_start(buf_t *b, buf_t *scratch, xmlNodePtr n)
{
    xmlAttrPtr a;
    int        flags;

    switch (n->type) {
    case XML_ELEMENT_NODE:
        flags = n->ns == NULL ? tag_flags(n->name) : 0;
        put(b, "<", 1);
        put_qname(b, n);
        if (n->nsDef != NULL)
            put_ns_defs(b, n->nsDef);
        for (a = n->properties; a != NULL; a = a->next)
            put_attr(b, scratch, a);
        if (flags & TAG_EMPTY) {
            put(b, ">", 1);
            return 0;
        }
        if (n->children == NULL) {
            if (flags & TAG_KEEP_OPEN) {
                put(b, ">", 1);
            } else {
                put(b, "></", 3);
                put_qname(b, n);
                put(b, ">", 1);
            }
            return 0;
        }
        put(b, ">", 1);
        return 1;
    case XML_TEXT_NODE:
        if (n->content == NULL)
            return 0;
        if (n->name == xmlStringTextNoenc || is_raw_text_parent(n->parent))
            puts_(b, (const char *) n->content);
        else
            put_escaped(b, n->content, 0, 0);
        return 0;
    case XML_CDATA_SECTION_NODE:     /* libxml2 writes it as it is */
        if (n->content != NULL)
            puts_(b, (const char *) n->content);
        return 0;
    case XML_COMMENT_NODE:
        if (n->content != NULL) {
            put(b, "<!--", 4);
            puts_(b, (const char *) n->content);
            put(b, "-->", 3);
        }
        return 0;
    case XML_PI_NODE:
        if (n->name != NULL) {
            put(b, "<?", 2);
            puts_(b, (const char *) n->name);
            if (n->content != NULL) {
                put(b, " ", 1);
                puts_(b, (const char *) n->content);
            }
            put(b, ">", 1);
        }
        return 0;
    case XML_ENTITY_REF_NODE:
        put(b, "&", 1);
        puts_(b, (const char *) n->name);
        put(b, ";", 1);
        return 0;
    default:
        return 0;       /* the DTD node (written first), others: nothing */
    }
}

/* --- the document ------------------------------------------------------- */

static const xmlChar *
style_encoding(xsltStylesheetPtr style)
{
    const xmlChar *encoding;

    XSLT_GET_IMPORT_PTR(encoding, style, encoding)
    return encoding;
}

int
html_out_handles(xsltStylesheetPtr style, xmlDocPtr result)
{
    const xmlChar *method, *encoding;
    int            indent;

    if (style == NULL || result == NULL || style->methodURI != NULL
        || result->type != XML_HTML_DOCUMENT_NODE)
        return 0;
    XSLT_GET_IMPORT_PTR(method, style, method)
    XSLT_GET_IMPORT_INT(indent, style, indent)
    encoding = style_encoding(style);
    if (method != NULL && strcmp((const char *) method, "html") != 0)
        return 0;
    /* indent defaults to yes for html: only indent="no" is ours */
    if (indent != 0)
        return 0;
    return encoding == NULL || !strcasecmp((const char *) encoding, "UTF-8");
}

int
html_out_write(xsltStylesheetPtr style, xmlDocPtr result, buf_t *out,
               en_err_t *err)
{
    const xmlChar *encoding = style_encoding(style);
    xmlNodePtr     n;
    buf_t          scratch;

    if (result->children == NULL)
        return en_set(err, EN_INTERNAL, "err.render", "empty result document");
    if (result->children->type == XML_DTD_NODE && result->children->next == NULL)
        return EN_OK;       /* libxslt writes nothing either */
    if (!plain_ready)
        plain_init();
    htmlSetMetaEncoding(result, encoding != NULL ? encoding : BAD_CAST "UTF-8");
    buf_init(&scratch, out->pool);
    if (result->intSubset != NULL)
        put_doctype(out, result->intSubset);
    n = result->children;
    while (n != NULL) {
        if (put_node_start(out, &scratch, n)) {
            n = n->children;
            continue;
        }
        /* done with n: its next sibling, or close the parents it ends */
        while (n->next == NULL) {
            n = n->parent;
            if (n == NULL || n == (xmlNodePtr) result)
                goto done;
            put_end_tag(out, n);
        }
        n = n->next;
    }
done:
    put(out, "\n", 1);
    out->data[out->len] = '\0';
    return EN_OK;
}
