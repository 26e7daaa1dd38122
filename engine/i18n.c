/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * i18n.c -- loading and looking up the message catalogue (see i18n.h).
 *
 * One hash table per process, keyed "lang\x1fkey", filled at start (and
 * in each new worker after a reload).  Texts are copied out of the parsed
 * documents, which are freed once read.
 */
#include "i18n.h"

#include <dirent.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml_safe.h"

static xmlHashTablePtr i18n_table;
static const char     *i18n_langs[] = { "fr", "de", "en" };

int
i18n_lang_ok(const char *lang)
{
    int i;

    for (i = 0; lang != NULL && i < 3; i++)
        if (!strcmp(lang, i18n_langs[i]))
            return 1;
    return 0;
}

static void
free_entry(void *payload, const xmlChar *name)
{
    (void) name;
    free(payload);
}

void
i18n_free(void)
{
    if (i18n_table != NULL)
        xmlHashFree(i18n_table, free_entry);
    i18n_table = NULL;
}

static void
put(const char *lang, const char *key, const char *text)
{
    char  k[320];
    char *old;

    snprintf(k, sizeof(k), "%s\x1f%s", lang, key);
    old = xmlHashLookup(i18n_table, (const xmlChar *) k);
    if (old != NULL)
        xmlHashRemoveEntry(i18n_table, (const xmlChar *) k, free_entry);
    xmlHashAddEntry(i18n_table, (const xmlChar *) k, strdup(text));
}

static int
load_file(const char *path, en_err_t *err)
{
    pool_t    *p = pool_new(0);
    xmlDocPtr  doc = xml_safe_read_file(p, path, err);
    xmlNodePtr root, m, t;
    int        rc = EN_OK;

    if (doc == NULL) {
        pool_free(p);
        return err->code;
    }
    root = xmlDocGetRootElement(doc);
    if (root == NULL || xmlStrcmp(root->name, BAD_CAST "messages") != 0) {
        rc = en_set(err, EN_BADINPUT, "err.i18n", "%s:1: root element must be <messages>", path);
        goto out;
    }
    for (m = root->children; m != NULL; m = m->next) {
        xmlChar *key;

        if (m->type != XML_ELEMENT_NODE)
            continue;
        key = xmlGetProp(m, BAD_CAST "key");
        if (xmlStrcmp(m->name, BAD_CAST "m") != 0 || key == NULL) {
            rc = en_set(err, EN_BADINPUT, "err.i18n", "%s:%ld: expected <m key=\"...\">",
                        path, xmlGetLineNo(m));
            xmlFree(key);
            goto out;
        }
        for (t = m->children; t != NULL; t = t->next) {
            xmlChar *text;

            if (t->type != XML_ELEMENT_NODE)
                continue;
            if (!i18n_lang_ok((const char *) t->name)) {
                rc = en_set(err, EN_BADINPUT, "err.i18n", "%s:%ld: unknown language <%s>",
                            path, xmlGetLineNo(t), t->name);
                xmlFree(key);
                goto out;
            }
            text = xmlNodeGetContent(t);
            put((const char *) t->name, (const char *) key, (const char *) text);
            xmlFree(text);
        }
        xmlFree(key);
    }
out:
    pool_free(p);
    return rc;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

int
i18n_load(const char *dir, en_err_t *err)
{
    struct dirent **list;
    int             n, i, rc = EN_OK;

    i18n_free();
    i18n_table = xmlHashCreate(512);
    n = scandir(dir, &list, NULL, by_name);
    if (n < 0)
        return en_set(err, EN_NOTFOUND, "err.i18n", "%s:0: cannot read the catalogue folder", dir);
    for (i = 0; i < n; i++) {
        size_t l = strlen(list[i]->d_name);

        if (rc == EN_OK && l > 4 && !strcmp(list[i]->d_name + l - 4, ".xml")) {
            char path[1024];

            snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
            rc = load_file(path, err);
        }
        free(list[i]);
    }
    free(list);
    return rc;
}

static const char *
lookup(const char *lang, const char *key)
{
    char k[320];

    if (i18n_table == NULL || key == NULL)
        return NULL;
    snprintf(k, sizeof(k), "%s\x1f%s", lang, key);
    return xmlHashLookup(i18n_table, (const xmlChar *) k);
}

int
i18n_has(const char *lang, const char *key)
{
    return lookup(lang, key) != NULL;
}

const char *
i18n_get(const char *lang, const char *key)
{
    const char *t = lookup(i18n_lang_ok(lang) ? lang : "fr", key);

    if (t == NULL)
        t = lookup("fr", key);
    return t != NULL ? t : (key ? key : "");
}

const char *
i18n_fmt(pool_t *p, const char *lang, const char *key, const char *arg)
{
    const char *t = i18n_get(lang, key), *at;
    buf_t       b;

    if ((at = strstr(t, "{arg}")) == NULL)
        return t;
    buf_init(&b, p);
    while (at != NULL) {
        buf_add(&b, t, (size_t) (at - t));
        buf_puts(&b, arg ? arg : "");
        t = at + 5;
        at = strstr(t, "{arg}");
    }
    buf_puts(&b, t);
    return b.data;
}
