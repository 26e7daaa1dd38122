/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_xslt.c -- the stylesheets of xslt/ through the real renderer
 * (render.c, the real catalogue): every page stylesheet compiles and
 * renders in fr, de and en; the shared demand card; the typography keys
 * (French no-break space before the colon, each language's quotes); the
 * generic mail template (xslt/mail/generic.xsl) and its refusal of a
 * template name the catalogue does not know; mailer_template_exists (what
 * publishing asks of a definition's mails).
 *
 * Not here: which file the mailer picks (engine/mailer.c, exercised by the
 * integration tests' mails at the SMTP sink) and the census of catalogue
 * keys (tests/integration/test_catalogue.py).
 */
#include "test_util.h"

#include <dirent.h>
#include <libxml/tree.h>

#include "mailer.h"
#include "render.h"
#include "test_render.h"

static xmlNodePtr
new_doc(const char *root_name, xmlDocPtr *doc)
{
    xmlNodePtr root = xmlNewNode(NULL, BAD_CAST root_name);

    *doc = xmlNewDoc(BAD_CAST "1.0");
    xmlDocSetRootElement(*doc, root);
    return root;
}

static const char *
apply(pool_t *p, const char *style, xmlDocPtr doc, const char *lang)
{
    en_err_t    err;
    size_t      len;
    const char *out;

    en_clear(&err);
    out = render_apply(p, style, doc, lang, &len, &err);
    if (out == NULL)
        fail_msg("%s (%s): %s", style, lang, err.msg);
    return out;
}

/* Every stylesheet of xslt/pages compiles and renders a bare page in every language. */
static void
test_every_page_renders(void **state)
{
    static const char *langs[] = { "fr", "de", "en" };
    struct dirent    **list;
    int                n, i, j, pages = 0;

    (void) state;
    n = scandir(TEST_ROOT "/xslt/pages", &list, NULL, alphasort);
    assert_true(n > 0);
    for (i = 0; i < n; i++) {
        size_t l = strlen(list[i]->d_name);

        if (l > 4 && !strcmp(list[i]->d_name + l - 4, ".xsl")) {
            for (j = 0; j < 3; j++) {
                pool_t     *p = pool_new(0);
                xmlDocPtr   doc;
                xmlNodePtr  root = new_doc("page", &doc);
                const char *html;

                xmlSetProp(root, BAD_CAST "lang", BAD_CAST langs[j]);
                html = apply(p, pool_printf(p, "pages/%s", list[i]->d_name), doc, langs[j]);
                assert_non_null(strstr(html, pool_printf(p, "<html lang=\"%s\"", langs[j])));
                xmlFreeDoc(doc);
                pool_free(p);
            }
            pages++;
        }
        free(list[i]);
    }
    free(list);
    assert_true(pages >= 10);
}

/* A dashboard bucket and a queue, each with one demand, in lang. */
static const char *
render_lists(pool_t *p, const char *page, const char *lang, xmlDocPtr *out)
{
    xmlDocPtr  doc;
    xmlNodePtr root = new_doc("page", &doc), list, d;

    xmlSetProp(root, BAD_CAST "lang", BAD_CAST lang);
    xmlSetProp(root, BAD_CAST "name", BAD_CAST page);
    if (!strcmp(page, "dashboard")) {
        list = xmlNewChild(xmlNewChild(root, NULL, BAD_CAST "buckets", NULL), NULL,
                           BAD_CAST "bucket", NULL);
        xmlSetProp(list, BAD_CAST "name", BAD_CAST "draft");
        xmlSetProp(list, BAD_CAST "count", BAD_CAST "1");
    } else {
        xmlSetProp(xmlNewChild(root, NULL, BAD_CAST "group", NULL), BAD_CAST "id",
                   BAD_CAST "serac");
        list = xmlNewChild(root, NULL, BAD_CAST "queue", NULL);
        xmlSetProp(list, BAD_CAST "count", BAD_CAST "1");
    }
    d = xmlNewChild(list, NULL, BAD_CAST "demand", NULL);
    xmlSetProp(d, BAD_CAST "id", BAD_CAST "d-1");
    xmlSetProp(d, BAD_CAST "reference", BAD_CAST "2026-000042");
    xmlSetProp(d, BAD_CAST "title", BAD_CAST "Soutien culturel");
    xmlSetProp(d, BAD_CAST "state-label", BAD_CAST "Brouillon");
    xmlSetProp(d, BAD_CAST "progress", BAD_CAST "40");
    xmlSetProp(d, BAD_CAST "updated", BAD_CAST "30.11.2026");
    xmlSetProp(d, BAD_CAST "updated-iso", BAD_CAST "2026-11-30");
    xmlSetProp(d, BAD_CAST "applicant", BAD_CAST "Jeanne Dupont");
    xmlSetProp(d, BAD_CAST "since", BAD_CAST "29.11.2026");
    xmlSetProp(d, BAD_CAST "since-iso", BAD_CAST "2026-11-29");
    xmlSetProp(d, BAD_CAST "submitted", BAD_CAST "28.11.2026");
    *out = doc;
    return apply(p, pool_printf(p, "pages/%s.xsl", page), doc, lang);
}

/* The card is one template: the owner's view and the agent's. */
static void
test_demand_card_views(void **state)
{
    pool_t     *p = pool_new(0);
    xmlDocPtr   d1, d2;
    const char *dash = render_lists(p, "dashboard", "fr", &d1);
    const char *queue = render_lists(p, "agent_queue", "fr", &d2);

    (void) state;
    /* owner: procedure first, progress and last change, no applicant */
    assert_non_null(strstr(dash, "<a href=\"/demands/d-1\">Soutien culturel – 2026-000042</a>"));
    assert_non_null(strstr(dash, "Avancement\xc2\xa0: 40\xe2\x80\xaf%"));
    assert_non_null(strstr(dash, "datetime=\"2026-11-30\""));
    assert_null(strstr(dash, "Jeanne Dupont"));
    assert_non_null(strstr(dash, "<li class=\"demand\"><h3>"));
    /* the agents' queue is a table (h_queue.c): reference, applicant,
     * since when, submitted, a box to tick; no bar */
    assert_non_null(strstr(queue, "<td data-col=\"reference\"><a href=\"/demands/d-1\">2026-000042</a>"));
    assert_non_null(strstr(queue, "<td data-col=\"applicant\">Jeanne Dupont</td>"));
    assert_non_null(strstr(queue, "<td data-col=\"since\">29.11.2026</td>"));
    assert_non_null(strstr(queue, "28.11.2026"));
    assert_non_null(strstr(queue, "name=\"sel\""));
    assert_null(strstr(queue, "<progress"));
    xmlFreeDoc(d1);
    xmlFreeDoc(d2);
    pool_free(p);
}

/* English and German pages keep no French space before the colon. */
static void
test_colon_by_language(void **state)
{
    pool_t     *p = pool_new(0);
    xmlDocPtr   d1, d2, d3;
    const char *fr = render_lists(p, "agent_queue", "fr", &d1);
    const char *de = render_lists(p, "agent_queue", "de", &d2);
    const char *en = render_lists(p, "agent_queue", "en", &d3);

    (void) state;
    assert_non_null(strstr(fr, "Exporter cette liste\xc2\xa0: "));
    assert_non_null(strstr(de, "Diese Liste exportieren: "));
    assert_non_null(strstr(en, "Export this list: "));
    assert_null(strstr(en, " :"));
    assert_null(strstr(de, " :"));
    assert_null(strstr(en, "\xc2\xa0:"));
    assert_null(strstr(en, "«"));
    xmlFreeDoc(d1);
    xmlFreeDoc(d2);
    xmlFreeDoc(d3);
    pool_free(p);
}

static const char *
render_mail(pool_t *p, const char *tmpl, const char *lang, const char *comment)
{
    xmlDocPtr   doc;
    xmlNodePtr  root = new_doc("mail", &doc);
    const char *out;

    xmlSetProp(root, BAD_CAST "template", BAD_CAST tmpl);
    xmlSetProp(root, BAD_CAST "lang", BAD_CAST lang);
    xmlSetProp(root, BAD_CAST "base", BAD_CAST "https://guichet.example.ch");
    xmlSetProp(xmlNewChild(root, NULL, BAD_CAST "recipient", NULL), BAD_CAST "name",
               BAD_CAST "Jeanne Dupont");
    xmlNewTextChild(root, NULL, BAD_CAST "demand", BAD_CAST "d-1");
    xmlNewTextChild(root, NULL, BAD_CAST "reference", BAD_CAST "2026-000042");
    xmlNewTextChild(root, NULL, BAD_CAST "workflow", BAD_CAST "Soutien culturel");
    xmlNewTextChild(root, NULL, BAD_CAST "state", BAD_CAST "En examen");
    if (comment != NULL)
        xmlNewTextChild(root, NULL, BAD_CAST "comment", BAD_CAST comment);
    out = apply(p, "mail/generic.xsl", doc, lang);
    xmlFreeDoc(doc);
    return out;
}

/* The words come from mail.<template>.*; optional parts only when the
 * catalogue has them. */
static void
test_generic_mail(void **state)
{
    pool_t     *p = pool_new(0);
    const char *m;

    (void) state;
    m = render_mail(p, "demand-received", "fr", NULL);
    assert_non_null(strstr(m, "<subject>Demande reçue – Soutien culturel (2026-000042)</subject>"));
    assert_non_null(strstr(m, "Nous avons bien reçu votre demande « Soutien culturel »."));
    assert_non_null(strstr(m, "Vous recevrez un courriel à chaque changement de statut."));
    assert_null(strstr(m, "Étape actuelle"));        /* no mail.demand-received.state */
    assert_non_null(strstr(m, "https://guichet.example.ch/demands/d-1"));

    m = render_mail(p, "status-changed", "fr", "Il manque le budget.");
    assert_non_null(strstr(m, "Étape actuelle : En examen"));
    assert_non_null(strstr(m, "Message de l’administration :"));
    assert_non_null(strstr(m, "    «\xe2\x80\xafIl manque le budget.\xe2\x80\xaf»"));
    assert_null(strstr(m, "Connectez-vous"));       /* no mail.status-changed.next */

    m = render_mail(p, "demand-incomplete", "en", "Send the budget.");
    assert_non_null(strstr(m, "<subject>Your demand needs completing – Soutien culturel"));
    assert_non_null(strstr(m, "    “Send the budget.”"));
    assert_non_null(strstr(m, "Complete the demand in your secure space"));
    m = render_mail(p, "demand-incomplete", "de", "Budget fehlt.");
    assert_non_null(strstr(m, "    «Budget fehlt.»"));

    /* a name the catalogue does not know: no subject, so the mailer
     * refuses the row instead of mailing a key */
    m = render_mail(p, "no-such-mail", "fr", NULL);
    assert_true(strstr(m, "<subject></subject>") != NULL || strstr(m, "<subject/>") != NULL);
    pool_free(p);
}

/* Publishing asks whether a definition's mail can be written: by its own
 * file or by the generic template with the catalogue's words. */
static void
test_mail_template_exists(void **state)
{
    (void) state;
    assert_true(mailer_template_exists(TEST_ROOT "/xslt", "demand-received"));
    assert_true(mailer_template_exists(TEST_ROOT "/xslt", "status-changed"));
    assert_false(mailer_template_exists(TEST_ROOT "/xslt", "demand-recieved"));
    assert_false(mailer_template_exists(TEST_ROOT "/xslt", "../pages/error"));
    assert_false(mailer_template_exists(TEST_ROOT "/no-such-dir", "demand-received"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_page_renders),
        cmocka_unit_test(test_demand_card_views),
        cmocka_unit_test(test_colon_by_language),
        cmocka_unit_test(test_generic_mail),
        cmocka_unit_test(test_mail_template_exists),
    };

    return cmocka_run_group_tests(tests, test_render_setup, NULL);
}
