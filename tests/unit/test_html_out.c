/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_html_out.c -- engine/html_out.c against its oracle: for documents
 * made by real XSLT transforms, the bytes html_out_write gives must equal
 * those of libxslt's xsltSaveResultToString (libxml2's HTML serializer).
 *
 * Covers: doctype variants, the Content-Type <meta> (added, kept, none
 * without <head>), HTML 4 empty elements (with children too), childless
 * elements, text and attribute escaping with hostile strings (markup,
 * quotes, non-ASCII, invalid UTF-8, control bytes, ]]>, </script>, &{ and
 * <!-- in values), URI attributes, boolean attributes, namespaces (svg,
 * xml:lang), comments, processing instructions, disable-output-escaping,
 * and every page and letter stylesheet of xslt/ on a small page document.
 * Which stylesheets it takes over (html_out_handles) is checked too.
 *
 * HTML_OUT_BENCH=1 also times both serializers on a ~60 KB page
 * (HTML_OUT_ROUNDS times, 300 by default).
 *
 * Not here: the engine's self-check (render_check), run by the
 * integration tests (tests/integration/test_render_check.py).
 */
#include "test_util.h"

#include <dirent.h>
#include <libxml/parser.h>
#include <libxslt/transform.h>
#include <libxslt/xsltutils.h>
#include <time.h>

#include "html_out.h"
#include "render.h"
#include "test_render.h"

/* --- the oracle -------------------------------------------------------- */

static xsltStylesheetPtr
style_from(const char *text)
{
    xmlDocPtr         d = xmlReadMemory(text, (int) strlen(text), "test.xsl", NULL, 0);
    xsltStylesheetPtr s;

    assert_non_null(d);
    s = xsltParseStylesheetDoc(d);
    assert_non_null(s);
    return s;
}

/* Transforms doc twice (libxml2 changes the result's <meta>: each side
 * gets an untouched one) and asserts both serializations are equal.
 * Returns the bytes, in p. */
static const char *
same_bytes(pool_t *p, xsltStylesheetPtr s, xmlDocPtr in, const char *what)
{
    xmlDocPtr out1 = xsltApplyStylesheet(s, in, NULL);
    xmlDocPtr out2 = xsltApplyStylesheet(s, in, NULL);
    xmlChar  *text = NULL;
    int       n = 0;
    buf_t     b;
    en_err_t  err;
    size_t    i;

    assert_non_null(out1);
    assert_non_null(out2);
    assert_true(html_out_handles(s, out1));
    buf_init(&b, p);
    en_clear(&err);
    assert_int_equal(html_out_write(s, out1, &b, &err), EN_OK);
    assert_int_equal(xsltSaveResultToString(&text, &n, out2, s), 0);
    assert_non_null(text);
    for (i = 0; i < b.len && i < (size_t) n && b.data[i] == (char) text[i]; i++)
        ;
    if (i != b.len || i != (size_t) n)
        fail_msg("%s: differs at byte %zu\nlibxml2:  [%.80s]\nhtml_out: [%.80s]",
                 what, i, (const char *) text + i, b.data + i);
    xmlFree(text);
    xmlFreeDoc(out1);
    xmlFreeDoc(out2);
    return b.data;
}

#define STYLE_HEAD \
    "<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"

/* --- hostile strings in every place ------------------------------------- */

static const char *const hostile[] = {
    "plain",
    "",
    "<b>bold</b> & &amp; \"double\" 'single'",
    "x]]>y",
    "</script><script>alert(1)</script>",
    "</style><p>",
    "é ü – « guillemets » 日本 😀",
    " \t\n /a b?c=d&e=f#g%20h",
    "\t leading blanks then é/ü?x=1&y=2",
    "ctrl\x01\x02\x08\x0b\x0c\x0e\x1f\x7f end\r\n",
    "&{foo} then &{ unclosed",
    "&{",
    "<!-- c --> x <!--> y <!-- open",
    "\"both' quotes\"",
    "only \"dq\"",
    "only 'sq'",
    "javascript:alert(\"x\")",
    "\xff\xfe invalid UTF-8 \xc3",
    "a{b}c ~*'()!-_. @/:=?;#%&,+<> []|\\^`",
    "mailto:a@b.ch?subject=Demande n° 12",
    NULL
};

/* every context a value can land in, under html/head/body */
static const char hostile_style[] =
    STYLE_HEAD
    "<xsl:output method='html' encoding='UTF-8' indent='no'"
    "            doctype-system='about:legacy-compat'/>"
    "<xsl:template match='/'>"
    "<html lang='fr'><head><meta name='viewport' content='width=device-width'/>"
    "<title><xsl:value-of select='in/v[1]'/></title>"
    "<style><xsl:value-of select='in/v[1]'/></style></head>"
    "<body>"
    "<xsl:for-each select='in/v'>"
    "<p class='{.}' title='{.}' data-x='{.}'><xsl:value-of select='.'/></p>"
    "<a href='{.}' name='{.}' id='{.}'>a<xsl:value-of select='.'/></a>"
    "<A HREF='{.}' NAME='{.}'>A</A>"
    "<img src='{.}' alt='{.}'/>"
    "<form action='{.}' method='post'><input name='{.}' value='{.}'/>"
    "<textarea name='t'><xsl:value-of select='.'/></textarea></form>"
    "<script type='text/plain'><xsl:value-of select='.'/></script>"
    "<style><xsl:value-of select='.'/></style>"
    "<pre><xsl:value-of select='.' disable-output-escaping='yes'/></pre>"
    "<xsl:if test=\"not(contains(., '--')) and substring(., string-length(.)) != '-'\">"
    "<xsl:comment><xsl:value-of select='.'/></xsl:comment></xsl:if>"
    "<xsl:processing-instruction name='pi'><xsl:value-of select='.'/>"
    "</xsl:processing-instruction>"
    "<option value='{.}'><xsl:attribute name='selected'><xsl:value-of select='.'/>"
    "</xsl:attribute>o</option>"
    "<span xml:lang='{.}'><xsl:value-of select='.'/></span>"
    "</xsl:for-each>"
    "</body></html>"
    "</xsl:template></xsl:stylesheet>";

static xmlDocPtr
hostile_doc(void)
{
    xmlDocPtr  d = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "in");
    int        i;

    xmlDocSetRootElement(d, root);
    /* the tree API takes the bytes as they are: control bytes and invalid
     * UTF-8 reach the serializer as a bug elsewhere would let them */
    for (i = 0; hostile[i] != NULL; i++)
        xmlAddChild(xmlNewChild(root, NULL, BAD_CAST "v", NULL),
                    xmlNewText(BAD_CAST hostile[i]));
    return d;
}

static void
test_hostile_values(void **state)
{
    pool_t           *p = pool_new(0);
    xsltStylesheetPtr s = style_from(hostile_style);
    xmlDocPtr         in = hostile_doc();
    const char       *html;

    (void) state;
    html = same_bytes(p, s, in, "hostile values");
    /* the oracle is not vacuous: the rules show in the bytes */
    assert_non_null(strstr(html, "<!DOCTYPE html>\n<html lang=\"fr\"><head>"
                                 "<meta http-equiv=\"Content-Type\" "
                                 "content=\"text/html; charset=UTF-8\">"));
    assert_non_null(strstr(html, "&lt;b&gt;bold&lt;/b&gt; &amp; &amp;amp;"));
    assert_non_null(strstr(html, "<script type=\"text/plain\"></script><script>"));
    assert_non_null(strstr(html, "href=\"/a%20b?c=d&amp;e=f#g%20h\""));
    assert_non_null(strstr(html, "<option value=\"plain\" selected>"));
    assert_non_null(strstr(html, "title='only \"dq\"'"));
    assert_non_null(strstr(html, "title=\"&quot;both' quotes&quot;\""));
    assert_non_null(strstr(html, "<textarea name=\"t\"></textarea>"));
    assert_non_null(strstr(html, ">ctrl\x7f end\r\n</p>"));
    assert_null(strstr(html, "</img>"));
    xmlFreeDoc(in);
    xsltFreeStylesheet(s);
    pool_free(p);
}

/* --- elements ------------------------------------------------------------ */

static const char elements_style[] =
    STYLE_HEAD
    "<xsl:output method='html' encoding='UTF-8' indent='no'"
    "            doctype-system='about:legacy-compat'/>"
    "<xsl:template match='/'>"
    "<html><head><title>t</title>"
    "<meta http-equiv='Content-Type' content='text/html; charset=utf-8'/>"
    "<link rel='stylesheet' href='/a.css'/><base href='/'/>"
    "<script src='/x.js'></script><script>if (a &lt; b &amp;&amp; c) {}</script>"
    "</head><body>"
    "<div></div><span></span><p></p><td></td><li></li><option></option>"
    "<dt></dt><dd></dd><tr></tr><th></th><tbody></tbody><colgroup></colgroup>"
    "<thead></thead><tfoot></tfoot><body></body><html></html><head></head>"
    "<br/><hr/><img/><input/><col/><area/><param/><basefont/><isindex/>"
    "<frame/><embed/><meta/><link/><base/><wbr/><source/><track/><keygen/>"
    "<br>text inside br</br><img><b>child</b></img><input>x</input>"
    "<hr><xsl:comment>c</xsl:comment></hr>"
    "<BR/><Img Src='é'/><DIV></DIV><unknown-tag></unknown-tag><Unknown/>"
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1 1'>"
    "<path d='M0 0'/><br/><g><title>é</title></g></svg>"
    "<x:y xmlns:x='urn:x' x:a='1' href='é é'><x:br/></x:y>"
    "<textarea></textarea><select><option selected='selected' value=''>v</option>"
    "<option disabled='' checked='checked' readonly='no' multiple='x' nowrap='1'"
    " noshade='1' noresize='1' defer='1' compact='1' declare='1' ismap='1'"
    " nohref='1' hidden='hidden' required='required'>w</option></select>"
    "<a name='é x'>n</a><input name='é x'/><iframe src=' x'></iframe>"
    "<button formaction='é'>b</button>"
    "<xsl:element name='p'><xsl:attribute name='class'/></xsl:element>"
    "<xsl:text disable-output-escaping='yes'>&lt;raw&gt;&amp;</xsl:text>"
    "</body></html>"
    "</xsl:template></xsl:stylesheet>";

static void
test_elements(void **state)
{
    pool_t           *p = pool_new(0);
    xsltStylesheetPtr s = style_from(elements_style);
    xmlDocPtr         in = hostile_doc();
    const char       *html;

    (void) state;
    html = same_bytes(p, s, in, "elements");
    assert_non_null(strstr(html, "<br><img><input>"));
    assert_non_null(strstr(html, "<div></div>"));
    assert_non_null(strstr(html, "<p class=\"\"></p><raw>&</body></html>\n"));
    xmlFreeDoc(in);
    xsltFreeStylesheet(s);
    pool_free(p);
}

/* --- the document's frame: doctypes, meta, no head, no html ----------- */

static const char *const outputs[] = {
    "<xsl:output method='html' encoding='UTF-8' indent='no'"
    " doctype-system='about:legacy-compat'/>",
    "<xsl:output method='html' encoding='UTF-8' indent='no'/>",
    "<xsl:output method='html' indent='no'/>",
    "<xsl:output method='html' encoding='utf-8' indent='no'"
    " doctype-public='-//W3C//DTD HTML 4.01//EN'"
    " doctype-system='http://www.w3.org/TR/html4/strict.dtd'/>",
    "<xsl:output method='html' encoding='UTF-8' indent='no'"
    " doctype-public='-//W3C//DTD HTML 4.01//EN'/>",
    "<xsl:output method='html' encoding='UTF-8' indent='no'"
    " doctype-system='x.dtd'/>",
    "<xsl:output method='html' encoding='UTF-8' indent='no'"
    " doctype-system='a\"b'/>",
    NULL
};

static const char *const bodies[] = {
    "<html><head><title>t</title></head><body>b</body></html>",
    "<html><head></head><body/></html>",
    "<html><head><meta http-equiv='content-type' content='text/html'/></head></html>",
    "<html><body><p>no head</p></body></html>",
    "<p>no html</p><xsl:comment>after</xsl:comment>",
    "<head><title>head alone</title></head>",
    "<xsl:comment>first</xsl:comment><html><head/></html>text at the end",
    "just text &amp; more",
    "<html/>",
    NULL
};

static void
test_frames(void **state)
{
    pool_t    *p = pool_new(0);
    xmlDocPtr  in = hostile_doc();
    int        i, j;
    char       text[2048], what[64];

    (void) state;
    for (i = 0; outputs[i] != NULL; i++)
        for (j = 0; bodies[j] != NULL; j++) {
            xsltStylesheetPtr s;

            snprintf(text, sizeof(text), STYLE_HEAD "%s<xsl:template match='/'>%s"
                     "</xsl:template></xsl:stylesheet>", outputs[i], bodies[j]);
            snprintf(what, sizeof(what), "output %d, body %d", i, j);
            s = style_from(text);
            same_bytes(p, s, in, what);
            xsltFreeStylesheet(s);
        }
    xmlFreeDoc(in);
    pool_free(p);
}

/* --- which stylesheets are ours ----------------------------------------- */

static int
handles(const char *output)
{
    char              text[1024];
    xsltStylesheetPtr s;
    xmlDocPtr         in = hostile_doc(), out;
    int               r;

    snprintf(text, sizeof(text), STYLE_HEAD "%s<xsl:template match='/'>"
             "<html><body>x</body></html></xsl:template></xsl:stylesheet>", output);
    s = style_from(text);
    out = xsltApplyStylesheet(s, in, NULL);
    assert_non_null(out);
    r = html_out_handles(s, out);
    xmlFreeDoc(out);
    xmlFreeDoc(in);
    xsltFreeStylesheet(s);
    return r;
}

static void
test_handles(void **state)
{
    (void) state;
    assert_true(handles("<xsl:output method='html' encoding='UTF-8' indent='no'/>"));
    assert_true(handles("<xsl:output method='html' indent='no'/>"));
    /* indented output, other encodings, other methods: libxslt's */
    assert_false(handles("<xsl:output method='html' encoding='UTF-8'/>"));
    assert_false(handles("<xsl:output method='html' indent='yes'/>"));
    assert_false(handles("<xsl:output method='html' encoding='ISO-8859-1' indent='no'/>"));
    assert_false(handles("<xsl:output method='xml' indent='no'/>"));
    assert_false(handles("<xsl:output method='text'/>"));
}

/* --- the real stylesheets ------------------------------------------------ */

static xmlDocPtr
page_doc(const char *name, const char *lang)
{
    xmlDocPtr  d = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "page"), u;

    xmlDocSetRootElement(d, root);
    xmlSetProp(root, BAD_CAST "name", BAD_CAST name);
    xmlSetProp(root, BAD_CAST "lang", BAD_CAST lang);
    xmlSetProp(root, BAD_CAST "base", BAD_CAST "https://guichet.example.ch");
    xmlSetProp(root, BAD_CAST "path", BAD_CAST "/x?a=1&b=é");
    xmlSetProp(root, BAD_CAST "request-id", BAD_CAST "r-1");
    u = xmlNewChild(root, NULL, BAD_CAST "user", NULL);
    xmlSetProp(u, BAD_CAST "name", BAD_CAST "Zoë \"Z\" <Müller> & fils");
    xmlSetProp(u, BAD_CAST "csrf", BAD_CAST "tok");
    xmlNewTextChild(root, NULL, BAD_CAST "detail", BAD_CAST "</script> é & <");
    return d;
}

static void
same_for_file(pool_t *p, const char *rel, const char *page)
{
    static const char *const langs[] = { "fr", "de", "en", NULL };
    char              path[512];
    xsltStylesheetPtr s;
    int               i;

    snprintf(path, sizeof(path), "%s/xslt/%s", TEST_ROOT, rel);
    s = xsltParseStylesheetFile(BAD_CAST path);
    if (s == NULL)
        fail_msg("%s does not compile", path);
    for (i = 0; langs[i] != NULL; i++) {
        xmlDocPtr in = page_doc(page, langs[i]);
        xmlDocPtr probe = xsltApplyStylesheet(s, in, NULL);

        /* a page stylesheet that fails on this bare document is covered
         * by the integration runs instead (render_check) */
        if (probe != NULL) {
            xmlFreeDoc(probe);
            same_bytes(p, s, in, path);
        }
        xmlFreeDoc(in);
    }
    xsltFreeStylesheet(s);
}

static void
test_real_stylesheets(void **state)
{
    pool_t        *p = pool_new(0);
    DIR           *d = opendir(TEST_ROOT "/xslt/pages");
    struct dirent *e;
    int            n = 0;

    (void) state;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char   rel[300], page[256];

        if (len < 5 || strcmp(e->d_name + len - 4, ".xsl") != 0)
            continue;
        snprintf(rel, sizeof(rel), "pages/%s", e->d_name);
        snprintf(page, sizeof(page), "%.*s", (int) (len - 4), e->d_name);
        same_for_file(p, rel, page);
        n++;
    }
    closedir(d);
    assert_true(n > 30);
    same_for_file(p, "letters/letter.xsl", "letter");
    pool_free(p);
}

/* --- timing ------------------------------------------------------------- */

static const char bench_style[] =
    STYLE_HEAD
    "<xsl:output method='html' encoding='UTF-8' indent='no'"
    "            doctype-system='about:legacy-compat'/>"
    "<xsl:template match='/'>"
    "<html lang='fr'><head><meta name='viewport' content='width=device-width'/>"
    "<title>File d'attente</title><link rel='stylesheet' href='/assets/guichet.css'/>"
    "</head><body><main id='main'><table class='queue'><tbody>"
    "<xsl:for-each select='in/r'>"
    "<tr class='row'><td><input type='checkbox' name='d' value='{@n}'/></td>"
    "<td><a href='/demands/{@n}'>Demande n° <xsl:value-of select='@n'/></a></td>"
    "<td><span class='state'>En traitement – à vérifier</span></td>"
    "<td><xsl:value-of select='.'/></td>"
    "<td><time datetime='2026-11-30'>30.11.2026</time></td></tr>"
    "</xsl:for-each></tbody></table></main></body></html>"
    "</xsl:template></xsl:stylesheet>";

static double
now_us(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec * 1e6 + (double) t.tv_nsec / 1e3;
}

static void
test_bench(void **state)
{
    xsltStylesheetPtr s;
    xmlDocPtr         in, out;
    xmlNodePtr        root;
    const char       *env = getenv("HTML_OUT_BENCH");
    int               i, rounds = getenv("HTML_OUT_ROUNDS") ? atoi(getenv("HTML_OUT_ROUNDS")) : 300;
    double            t0, t_lib, t_ours;
    size_t            size = 0;
    char              n[16];

    (void) state;
    if (env == NULL || strcmp(env, "1") != 0)
        skip();
    s = style_from(bench_style);
    in = xmlNewDoc(BAD_CAST "1.0");
    root = xmlNewNode(NULL, BAD_CAST "in");
    xmlDocSetRootElement(in, root);
    for (i = 0; i < 200; i++) {
        xmlNodePtr r = xmlNewTextChild(root, NULL, BAD_CAST "r",
                                       BAD_CAST "Müller & Söhne SA, « permis »");
        snprintf(n, sizeof(n), "%d", 100000 + i);
        xmlSetProp(r, BAD_CAST "n", BAD_CAST n);
    }
    out = xsltApplyStylesheet(s, in, NULL);
    assert_non_null(out);
    t0 = now_us();
    for (i = 0; i < rounds; i++) {
        xmlChar *text = NULL;
        int      len = 0;
        pool_t  *p = pool_new(0);

        xsltSaveResultToString(&text, &len, out, s);
        pool_strndup(p, (const char *) text, (size_t) len);  /* render_apply's copy */
        size = (size_t) len;
        xmlFree(text);
        pool_free(p);
    }
    t_lib = (now_us() - t0) / rounds;
    t0 = now_us();
    for (i = 0; i < rounds; i++) {
        pool_t  *p = pool_new(0);
        buf_t    b;
        en_err_t err;

        buf_init(&b, p);
        buf_reserve(&b, size + size / 8 + 1024);
        html_out_write(s, out, &b, &err);
        pool_free(p);
    }
    t_ours = (now_us() - t0) / rounds;
    printf("html_out bench: %zu bytes: libxslt+copy %.1f us, html_out %.1f us\n",
           size, t_lib, t_ours);
    xmlFreeDoc(out);
    xmlFreeDoc(in);
    xsltFreeStylesheet(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_elements),
        cmocka_unit_test(test_frames),
        cmocka_unit_test(test_handles),
        cmocka_unit_test(test_real_stylesheets),
        cmocka_unit_test(test_bench),
    };

    return cmocka_run_group_tests(tests, test_render_setup, NULL);
}
