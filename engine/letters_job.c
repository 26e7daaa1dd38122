/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * letters_job.c -- the background job that typesets queued letters (see
 * letters.h and bgjob.h).  Never runs in a web worker.
 *
 * One letter, one transaction:
 *
 *   BEGIN
 *   letters_claim()           the oldest queued letter that is due, locked
 *   the letter's XML          <letter> with recipient, data, procedure...
 *   xslt/letters/<T>.xsl      -> one HTML page with its print CSS inline
 *                                (texts: g:msg keys of xslt/i18n/letters.xml)
 *   WeasyPrint                -> PDF, in a child process with a time limit,
 *                                every URL refused (nothing is fetched)
 *   letter_rendered()         PDF stored as a document of the demand, the
 *                                code removed from the letter's data
 *   COMMIT                    (or letter_failed(): attempts + 1, backoff,
 *                                'failed' after LETTERS_MAX_ATTEMPTS)
 *
 * Owns: the letter's document (what a template reads) and the call of the
 * typesetter.  Does not own: the SQL (letters.c), the words and the layout
 * (xslt/letters/), who gets a letter (the fx_ effects that queue them).
 */
#include "letters.h"

#include <ctype.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "pool_json.h"
#include "render.h"
#include "util_run.h"
#include "wf_def.h"
#include "wf_store.h"

/* The typesetter: HTML on stdin, PDF on stdout, the page count on stderr.
 * base_url None and a url_fetcher that refuses everything: a letter is
 * made of its HTML and inline CSS alone, nothing is fetched. */
static const char typeset_py[] =
    "import sys\n"
    "from weasyprint import HTML\n"
    "def refuse(url, *args, **kwargs):\n"
    "    raise ValueError('a letter fetches nothing: ' + url[:80])\n"
    "html = sys.stdin.buffer.read().decode('utf-8')\n"
    "doc = HTML(string=html, base_url=None, url_fetcher=refuse).render()\n"
    "doc.write_pdf(sys.stdout.buffer)\n"
    "sys.stderr.write('pages %d\\n' % len(doc.pages))\n";

static int
template_ok(const char *s)
{
    size_t n = 0;

    if (s == NULL || !(islower((unsigned char) *s) || isdigit((unsigned char) *s)))
        return 0;
    for (; *s; s++, n++)
        if (!islower((unsigned char) *s) && !isdigit((unsigned char) *s) && *s != '-'
            && *s != '_')
            return 0;
    return n <= 63;
}

/* An element name from a JSON key: [a-z][a-z0-9_-]*, else skipped. */
static int
key_ok(const char *s)
{
    size_t n = 0;

    if (s == NULL || !islower((unsigned char) *s))
        return 0;
    for (; *s; s++, n++)
        if (!islower((unsigned char) *s) && !isdigit((unsigned char) *s) && *s != '-'
            && *s != '_')
            return 0;
    return n <= 64;
}

/* The scalar members of o as children of parent (objects and arrays are
 * not letter material and are left out). */
static void
scalars(xmlNodePtr parent, json_t *o)
{
    const char *k;
    json_t     *v;
    char        num[64];

    json_object_foreach(o, k, v) {
        const char *text = NULL;

        if (!key_ok(k))
            continue;
        if (json_is_string(v))
            text = json_string_value(v);
        else if (json_is_integer(v)) {
            snprintf(num, sizeof(num), "%lld", (long long) json_integer_value(v));
            text = num;
        } else if (json_is_real(v)) {
            snprintf(num, sizeof(num), "%.2f", json_real_value(v));
            text = num;
        }
        if (text != NULL)
            xmlNewTextChild(parent, NULL, BAD_CAST k, BAD_CAST text);
    }
}

static const char *
jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void
free_doc(void *d)
{
    xmlFreeDoc(d);
}

/* The document a letter template reads:
 *   <letter template lang date reference created base>
 *     <recipient><name/><attention/><care_of/><street/><house_number/>
 *                <post_box/><postcode/><locality/><country/></recipient>
 *     <data>one element per scalar of letters.data</data>
 *     <procedure>its title</procedure> <state>its label</state>
 *     <transition>the label of the step that asked</transition>
 *   </letter> */
static xmlDocPtr
letter_doc(pool_t *p, const cfg_t *cfg, json_t *l)
{
    xmlDocPtr       doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr      root = xmlNewNode(NULL, BAD_CAST "letter"), n;
    json_t         *data = json_object_get(l, "data");
    const char     *lang = jstr(l, "lang"), *key = jstr(l, "workflow");
    const wf_def_t *def = NULL;
    en_err_t        e;

    pool_on_free(p, free_doc, doc);
    xmlDocSetRootElement(doc, root);
    xmlSetProp(root, BAD_CAST "template", BAD_CAST jstr(l, "template"));
    xmlSetProp(root, BAD_CAST "lang", BAD_CAST(lang ? lang : "fr"));
    xmlSetProp(root, BAD_CAST "date", BAD_CAST(jstr(l, "today") ? jstr(l, "today") : ""));
    xmlSetProp(root, BAD_CAST "created", BAD_CAST(jstr(l, "created") ? jstr(l, "created")
                                                                     : ""));
    xmlSetProp(root, BAD_CAST "base", BAD_CAST cfg->base_url);
    if (jstr(l, "reference") != NULL)
        xmlSetProp(root, BAD_CAST "reference", BAD_CAST jstr(l, "reference"));
    n = xmlNewChild(root, NULL, BAD_CAST "recipient", NULL);
    scalars(n, json_object_get(l, "recipient"));
    n = xmlNewChild(root, NULL, BAD_CAST "data", NULL);
    scalars(n, data);
    /* the procedure's own words, from the version the demand follows */
    en_clear(&e);
    if (key != NULL)
        def = wf_store_get(&e, key, (int) json_integer_value(json_object_get(l, "version")));
    if (def != NULL) {
        const char             *state = jstr(data, "state"), *tid = jstr(data, "transition");
        const wf_state_t       *s = state ? wf_state_find(def, state) : NULL;
        const wf_transition_t  *t = tid ? wf_transition_find(def, tid) : NULL;
        const char             *v;

        if ((v = wf_i18n_get(&def->title, lang)) != NULL)
            xmlNewTextChild(root, NULL, BAD_CAST "procedure", BAD_CAST v);
        if (s != NULL && (v = wf_i18n_get(&s->label, lang)) != NULL)
            xmlNewTextChild(root, NULL, BAD_CAST "state", BAD_CAST v);
        if (t != NULL && (v = wf_i18n_get(&t->label, lang)) != NULL)
            xmlNewTextChild(root, NULL, BAD_CAST "transition", BAD_CAST v);
    }
    return doc;
}

/* Typesets letter l: *pdf in the pool.  EN_OK, or err says why. */
static int
typeset(pool_t *p, en_err_t *err, const cfg_t *cfg, json_t *l, char **pdf, size_t *len)
{
    const char *tmpl = jstr(l, "template"), *lang = jstr(l, "lang"), *html;
    const char *argv[4];
    size_t      hlen;
    util_run_t  run;

    if (!template_ok(tmpl))
        return en_set(err, EN_BADINPUT, "err.internal", "bad letter template name");
    html = render_apply(p, pool_printf(p, "letters/%s.xsl", tmpl), letter_doc(p, cfg, l),
                        lang ? lang : "fr", &hlen, err);
    if (html == NULL)
        return err->code;
    argv[0] = cfg->letters_python;
    argv[1] = "-c";
    argv[2] = typeset_py;
    argv[3] = NULL;
    memset(&run, 0, sizeof(run));
    run.argv = argv;
    run.input = html;
    run.input_len = hlen;
    run.timeout_s = cfg->letters_timeout;
    run.max_output = LETTERS_MAX_PDF;
    if (util_run(p, err, &run, pdf, len) != EN_OK)
        return err->code;
    if (*len < 5 || memcmp(*pdf, "%PDF-", 5) != 0)
        return en_set(err, EN_INTERNAL, "err.internal", "the typesetter gave no PDF");
    return EN_OK;
}

static int
letters_one(const cfg_t *cfg)
{
    pool_t     *p = pool_new(0);
    en_err_t    err, terr;
    json_t     *l;
    char       *pdf = NULL, ids[24];
    size_t      len = 0;
    long long   id;
    int         attempts, rc, final = 0;
    const char *ref;

    en_clear(&err);
    en_clear(&terr);
    if (db_begin(p, &err) != EN_OK)
        goto db_fail;
    if ((l = letters_claim(p, &err)) == NULL) {
        if (err.code != EN_OK)
            goto db_fail;
        db_rollback();
        pool_free(p);
        return BGJOB_IDLE;
    }
    id = json_integer_value(json_object_get(l, "id"));
    attempts = (int) json_integer_value(json_object_get(l, "attempts")) + 1;
    ref = jstr(l, "reference");
    snprintf(ids, sizeof(ids), "%lld", id);
    rc = typeset(p, &terr, cfg, l, &pdf, &len);
    if (rc == EN_OK) {
        const char *fname = pool_printf(p, "%s-%s.pdf", jstr(l, "template"),
                                        ref ? ref : ids);

        if (letters_record_pdf(p, &err, id, fname, pdf, len) != EN_OK
            || db_commit(p, &err) != EN_OK)
            goto db_fail;
        log_event(LOG_INFO, "letter rendered", "letter_id", ids, "template",
                  jstr(l, "template"), "reference", ref ? ref : "", NULL);
        pool_free(p);
        return BGJOB_DONE;
    }
    if (letters_record_failure(p, &err, id, attempts, terr.msg, &final) != EN_OK
        || db_commit(p, &err) != EN_OK)
        goto db_fail;
    log_event(final ? LOG_ERROR : LOG_WARN,
              final ? "letter failed for good" : "letter not rendered; will retry",
              "letter_id", ids, "template", jstr(l, "template"), "error", terr.msg,
              "detail", terr.detail, NULL);
    pool_free(p);
    return BGJOB_FAILED;

db_fail:
    db_rollback();
    log_event(LOG_WARN, "letters: database problem", "error", err.msg, "detail", err.detail,
              NULL);
    pool_free(p);
    return BGJOB_DB;
}

static int
letters_init(const cfg_t *cfg, en_err_t *err)
{
    return render_init(cfg, err);
}

static int
letters_enabled(const cfg_t *cfg)
{
    return cfg->letters;
}

const bgjob_t letters_job = {
    .name = "letters",
    .done_word = "rendered",
    .batch = 10,
    .enabled = letters_enabled,
    .interval = NULL,           /* a second: the print queue should fill promptly */
    .init = letters_init,
    .fini = NULL,
    .one = letters_one,
};
