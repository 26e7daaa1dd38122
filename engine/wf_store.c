/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_store.c -- publishing definitions and the per-process cache (see
 * wf_store.h).
 *
 * Owns the only SQL that writes `definitions` (through wf_publish()) and the
 * process-lifetime pools the cached definitions live in.  Does not parse
 * or check the language: wf_def.c does (wf_load_memory).
 */
#include "wf_store.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "letters.h"
#include "log.h"
#include "mailer.h"
#include "util_file.h"
#include "util_hash.h"
#include "wf_check.h"
#include "xml_safe.h"

#define STORE_MAX_FILE (4 * 1024 * 1024)

/*
 * One (key, version) the process has loaded. A published version never
 * changes, so a version that failed to parse or check fails for good: it is
 * kept too, with def NULL and the first diagnostic in `failure`, and answered
 * from here, so a broken definition costs one query and one log line per
 * process instead of both on every page that names it.
 */
typedef struct store_entry {
    char               *key;
    int                 version;
    const wf_def_t     *def;       /* NULL: the version does not load */
    pool_t             *pool;      /* def's own pool, for the process's life */
    const char         *failure;   /* when def is NULL: why (the detail) */
    struct store_entry *next;
} store_entry_t;

typedef struct current_entry {
    char                 *key;
    int                   version;
    struct current_entry *next;
} current_entry_t;

static pool_t          *store_pool;     /* process lifetime */
static store_entry_t   *store_defs;
static current_entry_t *store_current;

/* --- publishing ------------------------------------------------------------ */

/* The text column needs UTF-8 without NUL. */
static int
utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];
        size_t        k, l;

        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        l = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (l == 0 || i + l > n || (l == 2 && c < 0xc2))
            return 0;
        for (k = 1; k < l; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
        i += l;
    }
    return 1;
}

static int
is_definition_file(const struct dirent *e)
{
    size_t n = strlen(e->d_name);

    return e->d_name[0] != '.' && n > 4 && !strcmp(e->d_name + n - 4, ".xml");
}

typedef struct {
    const char *xslt_dir;
    FILE *out, *err_out;      /* NULL: log only */
    int   published, unchanged, refused;
    int   version;            /* of the last file published or unchanged */
} report_t;

static void
refuse(report_t *rep, const char *path, const char *text)
{
    log_event(LOG_ERROR, "workflow refused; its previous version keeps serving",
              "file", path, "error", text, NULL);
    if (rep->err_out != NULL)
        fprintf(rep->err_out, "%s\n", text);
}

/* Every mail a definition sends needs its template (xslt/mail/NAME.xsl, or
 * the generic one with the catalogue's mail.NAME.* words: the mailer's
 * rule, mailer_template_exists): refused here rather than found missing by
 * the mailer, mail after mail. */
static int
missing_templates(pool_t *p, report_t *rep, const char *path, const wf_def_t *def)
{
    size_t i, j;
    int    n = 0;

    for (i = 0; i < def->n_transitions; i++)
        for (j = 0; j < def->transitions[i].n_mails; j++) {
            const wf_mail_t *m = &def->transitions[i].mails[j];
            const char      *f = pool_printf(p, "%s/mail/%s.xsl", rep->xslt_dir, m->template);

            if (!mailer_template_exists(rep->xslt_dir, m->template)) {
                refuse(rep, path, pool_printf(p, "%s:%d: mail template \"%s\" does not "
                                                 "exist (no %s, no mail.%s.subject and "
                                                 ".body in the catalogue)", path, m->line,
                                              m->template, f, m->template));
                n++;
            }
        }
    /* the same for letters: print-letter's template is xslt/letters/T.xsl */
    for (i = 0; i < def->n_transitions; i++)
        for (j = 0; j < def->transitions[i].n_effects; j++) {
            const wf_effect_t *e = &def->transitions[i].effects[j];
            size_t             k;

            if (strcmp(e->action, "print-letter") != 0)
                continue;
            for (k = 0; k < e->n_args; k++)
                if (!strcmp(e->args[k].name, "template")
                    && !letters_template_exists(rep->xslt_dir, e->args[k].value)) {
                    refuse(rep, path, pool_printf(p, "%s:%d: letter template \"%s\" does "
                                                     "not exist (no %s/letters/%s.xsl)",
                                                  path, e->line, e->args[k].value,
                                                  rep->xslt_dir, e->args[k].value));
                    n++;
                }
        }
    return n;
}

static int
publish_one(pool_t *p, report_t *rep, const char *path, char **seen_keys, int nseen)
{
    en_err_t        err;
    wf_diag_t       diags;
    wf_diag_item_t *it;
    wf_def_t       *def = NULL;
    const char     *sha, *v[4];
    char           *data;
    size_t          len;
    PGresult       *res;
    int             i, rc;

    en_clear(&err);
    if (util_read_file(p, path, STORE_MAX_FILE, &data, &len, &err) != EN_OK) {
        refuse(rep, path, err.msg);
        return -1;
    }
    if (!utf8_ok((const unsigned char *) data, len)) {
        refuse(rep, path, pool_printf(p, "%s:0: not UTF-8 text (definitions are stored "
                                         "as UTF-8)", path));
        return -1;
    }
    wf_diag_init(&diags, p);
    rc = wf_load_memory(p, data, len, path, &def, &diags);
    for (it = diags.first; it != NULL; it = it->next)
        if (it->severity == WF_WARNING) {
            log_event(LOG_WARN, "workflow warning", "file", path, "warning",
                      wf_diag_text(p, it), NULL);
            if (rep->err_out != NULL)
                fprintf(rep->err_out, "%s\n", wf_diag_text(p, it));
        }
    if (rc != EN_OK || def == NULL || diags.errors > 0) {
        int n = 0;

        for (it = diags.first; it != NULL; it = it->next)
            if (it->severity == WF_ERROR) {
                refuse(rep, path, wf_diag_text(p, it));
                n++;
            }
        if (n == 0)
            refuse(rep, path, pool_printf(p, "%s:0: definition not loaded", path));
        return -1;
    }
    if (missing_templates(p, rep, path, def) > 0)
        return -1;
    for (i = 0; i < nseen; i++)
        if (!strcmp(seen_keys[i], def->id)) {
            refuse(rep, path, pool_printf(p, "%s:%d: workflow id \"%s\" is already "
                                             "defined by another file", path,
                                          def->line, def->id));
            return -1;
        }
    seen_keys[nseen] = pool_strdup(p, def->id);
    sha = util_sha256_hex(p, data, len);
    v[0] = def->id;
    v[1] = sha;
    v[2] = data;
    v[3] = path;
    res = db_exec(p, &err, "SELECT def_version, is_new FROM wf_publish($1, $2, $3, $4)",
                  4, v);
    if (res == NULL || PQntuples(res) != 1) {
        log_event(LOG_ERROR, "workflow not published: database error", "file", path,
                  "error", err.msg, "detail", err.detail, NULL);
        if (rep->err_out != NULL)
            fprintf(rep->err_out, "%s:0: not published: %s (%s)\n", path, err.msg,
                    err.detail);
        return -2;
    }
    rep->version = atoi(db_val(res, 0, 0));
    if (!strcmp(db_val(res, 0, 1), "t")) {
        rep->published++;
        log_event(LOG_INFO, "workflow published", "workflow", def->id, "version",
                  db_val(res, 0, 0), "file", path, "sha256", sha, NULL);
        if (rep->out != NULL)
            fprintf(rep->out, "%s: version %s published (%s)\n", def->id,
                    db_val(res, 0, 0), path);
    } else {
        rep->unchanged++;
        log_event(LOG_DEBUG, "workflow unchanged", "workflow", def->id, "version",
                  db_val(res, 0, 0), NULL);
        if (rep->out != NULL)
            fprintf(rep->out, "%s: version %s unchanged\n", def->id, db_val(res, 0, 0));
    }
    return 0;
}

static int
publish_all(const cfg_t *cfg, report_t *rep)
{
    struct dirent **names = NULL;
    pool_t         *p = pool_new(0);
    en_err_t        err;
    char          **seen;
    int             n, i, rc = 0;

    en_clear(&err);
    wf_schema_forget();          /* a reload reads workflow.rng again too */
    if (db_conn(&err) == NULL && db_init(cfg->database, &err) != EN_OK) {
        log_event(LOG_ERROR, "cannot publish workflows: database not reachable",
                  "detail", err.detail, NULL);
        if (rep->err_out != NULL)
            fprintf(rep->err_out, "cannot publish: %s (%s)\n", err.msg, err.detail);
        pool_free(p);
        return -1;
    }
    n = scandir(cfg->workflows_dir, &names, is_definition_file, alphasort);
    if (n < 0) {
        log_event(LOG_ERROR, "cannot read the workflows folder", "dir",
                  cfg->workflows_dir, "error", strerror(errno), NULL);
        if (rep->err_out != NULL)
            fprintf(rep->err_out, "%s: %s\n", cfg->workflows_dir, strerror(errno));
        pool_free(p);
        return -1;
    }
    seen = pool_calloc(p, sizeof(char *) * ((size_t) n + 1));
    for (i = 0; i < n; i++) {
        const char *path = pool_printf(p, "%s/%s", cfg->workflows_dir, names[i]->d_name);
        int         r = publish_one(p, rep, path, seen, rep->published + rep->unchanged);

        if (r == -1)
            rep->refused++;
        if (r != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    pool_free(p);
    wf_store_forget_current();
    return rc;
}

int
wf_store_publish_dir(const cfg_t *cfg)
{
    report_t rep;

    memset(&rep, 0, sizeof(rep));
    rep.xslt_dir = cfg->xslt_dir;
    return publish_all(cfg, &rep);
}

int
wf_store_publish(const cfg_t *cfg, FILE *out, FILE *err_out, int *n_published,
                 int *n_unchanged, int *n_refused)
{
    report_t rep;
    int      rc;

    memset(&rep, 0, sizeof(rep));
    rep.xslt_dir = cfg->xslt_dir;
    rep.out = out;
    rep.err_out = err_out;
    rc = publish_all(cfg, &rep);
    if (n_published != NULL)
        *n_published = rep.published;
    if (n_unchanged != NULL)
        *n_unchanged = rep.unchanged;
    if (n_refused != NULL)
        *n_refused = rep.refused;
    return rc;
}

/* --- one procedure's file (the administrators' page) ---------------------- */

/* The file of workflows_dir a procedure was published from: the base name
 * of its newest version's source, else KEY.xml.  Never a path outside
 * workflows_dir: only the base name of source is kept. */
static const char *
file_of(pool_t *p, const cfg_t *cfg, const char *key, const char *source)
{
    const char *base = source != NULL ? strrchr(source, '/') : NULL;

    base = base != NULL ? base + 1 : source;
    if (base == NULL || base[0] == '\0' || base[0] == '.')
        base = pool_printf(p, "%s.xml", key);
    return pool_printf(p, "%s/%s", cfg->workflows_dir, base);
}

/* The lines a report wrote to a memory stream, one string each. */
static void
split_lines(pool_t *p, const char *text, const char ***lines, size_t *n)
{
    const char *s = text, *e;
    size_t      cap = 1;

    for (e = text; *e != '\0'; e++)
        cap += *e == '\n';
    *lines = pool_calloc(p, sizeof(char *) * (cap + 1));
    *n = 0;
    while (*s != '\0') {
        e = strchr(s, '\n');
        if (e == NULL)
            e = s + strlen(s);
        if (e > s)
            (*lines)[(*n)++] = pool_strndup(p, s, (size_t) (e - s));
        s = *e == '\n' ? e + 1 : e;
    }
}

int
wf_store_check_file(pool_t *p, const cfg_t *cfg, const char *key, const char *source,
                    wf_store_file_t *out)
{
    wf_diag_t       diags;
    wf_diag_item_t *it;
    wf_def_t       *def = NULL;
    en_err_t        err;
    char           *data;
    size_t          len, i = 0;
    int             rc;

    memset(out, 0, sizeof(*out));
    out->path = file_of(p, cfg, key, source);
    wf_diag_init(&diags, p);
    en_clear(&err);
    if (util_read_file(p, out->path, STORE_MAX_FILE, &data, &len, &err) != EN_OK) {
        out->msgs = pool_calloc(p, sizeof(char *) * 2);
        out->msgs[0] = pool_strdup(p, err.msg);
        out->n_msgs = 1;
        return EN_OK;
    }
    out->sha256 = util_sha256_hex(p, data, len);
    rc = wf_load_memory(p, data, len, out->path, &def, &diags);
    out->ok = rc == EN_OK && def != NULL && diags.errors == 0;
    out->id = def != NULL ? def->id : NULL;
    out->msgs = pool_calloc(p, sizeof(char *) * ((size_t) (diags.errors + diags.warnings) + 2));
    for (it = diags.first; it != NULL; it = it->next)
        out->msgs[i++] = wf_diag_text(p, it);
    if (!out->ok && i == 0)
        out->msgs[i++] = pool_printf(p, "%s:0: definition not loaded", out->path);
    out->n_msgs = i;
    return EN_OK;
}

int
wf_store_publish_file(pool_t *p, const cfg_t *cfg, const char *key, const char *source,
                      wf_store_published_t *out)
{
    report_t  rep;
    char     *text = NULL, *seen[2] = { NULL, NULL };
    size_t    tlen = 0;
    FILE     *mem;
    en_err_t  err;
    int       r;

    memset(out, 0, sizeof(*out));
    memset(&rep, 0, sizeof(rep));
    out->path = file_of(p, cfg, key, source);
    rep.xslt_dir = cfg->xslt_dir;
    en_clear(&err);
    if (db_conn(&err) == NULL)
        return EN_UNAVAILABLE;
    if ((mem = open_memstream(&text, &tlen)) == NULL)
        return EN_INTERNAL;
    rep.err_out = mem;
    wf_schema_forget();
    r = publish_one(p, &rep, out->path, seen, 0);
    fclose(mem);
    split_lines(p, text != NULL ? text : "", &out->msgs, &out->n_msgs);
    free(text);
    wf_store_forget_current();
    if (r == -2)
        return EN_UNAVAILABLE;
    out->refused = r != 0;
    out->is_new = rep.published > 0;
    out->version = rep.version;
    out->id = seen[0];
    return EN_OK;
}

/* --- the cache ------------------------------------------------------------- */

const wf_def_t *
wf_store_get(en_err_t *err, const char *key, int version)
{
    store_entry_t  *e;
    pool_t         *tmp, *defpool;
    PGresult       *res;
    wf_diag_t       diags;
    wf_def_t       *def = NULL;
    xmlDocPtr       doc;
    const char     *name;
    char            vs[16];
    const char     *v[2];

    for (e = store_defs; e != NULL; e = e->next)
        if (e->version == version && !strcmp(e->key, key)) {
            if (e->def == NULL) {       /* a cached failure: same answer */
                en_set(err, EN_INTERNAL, "err.wf.definition",
                       "definition %s version %d does not load", key, version);
                en_detail(err, "%s", e->failure);
            }
            return e->def;
        }
    if (store_pool == NULL)
        store_pool = pool_new(0);
    tmp = pool_new(0);
    snprintf(vs, sizeof(vs), "%d", version);
    v[0] = key;
    v[1] = vs;
    res = db_exec(tmp, err, "SELECT xml, coalesce(source, workflow_key) FROM definitions"
                            " WHERE workflow_key = $1 AND version = $2::int", 2, v);
    if (res == NULL) {
        pool_free(tmp);
        return NULL;
    }
    if (PQntuples(res) == 0) {
        pool_free(tmp);
        en_set(err, EN_NOTFOUND, "err.wf.definition", "no definition %s version %d",
               key, version);
        return NULL;
    }
    /* the definition lives in its own pool, kept for the process's life.
     * It passed the schema when it was published: it is parsed and linked
     * here, not validated against today's workflow.rng again, so that a
     * grammar grown since never strands the demands running on it.  The
     * document goes with tmp once the model is built (as wf_load_memory
     * does): the model holds copies, and a worker does not keep a DOM of
     * every procedure it has shown. */
    defpool = pool_new(0);
    wf_diag_init(&diags, tmp);
    name = pool_printf(defpool, "%s (version %d)", db_val(res, 0, 1), version);
    doc = xml_safe_read_memory(tmp, PQgetvalue(res, 0, 0),
                               (size_t) PQgetlength(res, 0, 0), name, err);
    if (doc == NULL || wf_parse_doc(defpool, doc, name, &def, &diags) != EN_OK
        || def == NULL || diags.errors > 0
        || wf_check_def(defpool, def, &diags) != EN_OK) {
        const char *first = diags.first ? wf_diag_text(tmp, diags.first)
                            : doc == NULL ? err->msg : "not loaded";

        log_event(LOG_ERROR, "a published definition does not load", "workflow", key,
                  "version", vs, "error", first, NULL);
        en_set(err, EN_INTERNAL, "err.wf.definition",
               "definition %s version %d does not load", key, version);
        en_detail(err, "%s", first);
        e = pool_calloc(store_pool, sizeof(*e));
        e->key = pool_strdup(store_pool, key);
        e->version = version;
        e->failure = pool_strdup(store_pool, first);
        e->next = store_defs;
        store_defs = e;
        pool_free(defpool);
        pool_free(tmp);
        return NULL;
    }
    pool_free(tmp);
    /* parsed and linked without an error: the runtime relies on wf_def.h's
     * promises (en_assert.h) */
    assert(wf_def_sound(def));
    e = pool_calloc(store_pool, sizeof(*e));
    e->key = pool_strdup(store_pool, key);
    e->version = version;
    e->def = def;
    e->pool = defpool;
    e->next = store_defs;
    store_defs = e;
    return def;
}

const wf_def_t *
wf_store_current(en_err_t *err, const char *key, int *version)
{
    current_entry_t *c;
    pool_t          *tmp;
    PGresult        *res;
    const char      *v[1] = { key };
    int              ver;

    for (c = store_current; c != NULL; c = c->next)
        if (!strcmp(c->key, key)) {
            if (version != NULL)
                *version = c->version;
            return wf_store_get(err, key, c->version);
        }
    tmp = pool_new(0);
    res = db_exec(tmp, err, "SELECT max(version) FROM definitions WHERE workflow_key = $1",
                  1, v);
    if (res == NULL) {
        pool_free(tmp);
        return NULL;
    }
    if (db_isnull(res, 0, 0)) {
        pool_free(tmp);
        en_set(err, EN_NOTFOUND, "err.wf.unknown", "no such procedure");
        en_detail(err, "workflow %s is not published", key);
        return NULL;
    }
    ver = atoi(db_val(res, 0, 0));
    pool_free(tmp);
    if (store_pool == NULL)
        store_pool = pool_new(0);
    c = pool_calloc(store_pool, sizeof(*c));
    c->key = pool_strdup(store_pool, key);
    c->version = ver;
    c->next = store_current;
    store_current = c;
    if (version != NULL)
        *version = ver;
    return wf_store_get(err, key, ver);
}

size_t
wf_store_current_keys(pool_t *p, const char ***keys)
{
    current_entry_t *c;
    size_t           n = 0;

    for (c = store_current; c != NULL; c = c->next)
        n++;
    *keys = pool_calloc(p, sizeof(**keys) * (n + 1));
    n = 0;
    for (c = store_current; c != NULL; c = c->next)
        (*keys)[n++] = c->key;
    return n;
}

size_t
wf_store_loaded(pool_t *p, const wf_def_t ***defs)
{
    store_entry_t *e;
    size_t         n = 0;

    for (e = store_defs; e != NULL; e = e->next)
        n += e->def != NULL;
    *defs = pool_calloc(p, sizeof(**defs) * (n + 1));
    n = 0;
    for (e = store_defs; e != NULL; e = e->next)
        if (e->def != NULL)
            (*defs)[n++] = e->def;
    return n;
}

void
wf_store_forget_current(void)
{
    store_current = NULL;     /* the entries stay in store_pool: small */
}
