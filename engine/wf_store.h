/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_store.h -- published workflow definitions: publishing the files of
 * workflows/ as versions in PostgreSQL, and each process's cache of the
 * definitions it runs.
 *
 * Publishing (at start, on every reload, and by `guichet publish`): each
 * workflows/NAME.xml is read, checked (wf_load_memory: schema and semantics)
 * and, when valid, handed to wf_publish(), which stores it as a new version
 * only if its sha256 differs from the newest version's.  An invalid file is
 * refused with every error in the log and its previous version keeps
 * serving.  Versions are never changed or deleted: a demand keeps the
 * version it started with until it ends.
 *
 * The cache: a definition (key, version) is read from the database and
 * parsed once per process, then kept for the process's life (published
 * versions never change).  "Current" (the version new demands start on)
 * is looked up once per process too: the master starts a new generation of
 * workers after every reload, and they see what the reload published.
 */
#ifndef GUICHET_WF_STORE_H
#define GUICHET_WF_STORE_H

#include <stdio.h>

#include "cfg.h"
#include "en_err.h"
#include "pool.h"
#include "wf_def.h"

/* The master's reload hook (master_add_reload): publishes every valid,
 * changed file of cfg->workflows_dir.  Returns 0 when every file was fine
 * (published or unchanged), -1 when one was refused or the database could
 * not be reached (everything logged). */
int wf_store_publish_dir(const cfg_t *cfg);

/* Same, reporting to out ("subsidy: version 3 published") and err_out
 * (file:line: message) for `guichet publish`.  Counts may be NULL. */
int wf_store_publish(const cfg_t *cfg, FILE *out, FILE *err_out,
                     int *n_published, int *n_unchanged, int *n_refused);

/* The file of workflows/ a procedure comes from (the base name of its
 * newest version's source, else KEY.xml), checked as `guichet check`
 * does: for the administrators' procedure page. */
typedef struct {
    const char  *path;
    const char  *sha256;    /* of the file as it is now; NULL: unreadable */
    const char  *id;        /* the workflow id it declares, when parsed */
    int          ok;        /* loads without an error */
    const char **msgs;      /* "file:line: message" (errors and warnings) */
    size_t       n_msgs;
} wf_store_file_t;

/* Fills out; EN_OK even when the file is bad or missing (out says so). */
int wf_store_check_file(pool_t *p, const cfg_t *cfg, const char *key,
                        const char *source, wf_store_file_t *out);

typedef struct {
    const char  *path;
    const char  *id;        /* the key it was published under */
    int          refused;   /* the file was refused: msgs say why */
    int          is_new;    /* a new version was stored */
    int          version;   /* the version serving now (when not refused) */
    const char **msgs;      /* every error and warning, file:line: ... */
    size_t       n_msgs;
} wf_store_published_t;

/* Publishes that one file exactly as a reload would (same checks, same
 * wf_publish).  EN_OK with out->refused when the file is wrong (the
 * running version keeps serving); EN_UNAVAILABLE without a database.
 * The caller asks the master to reload so that every worker sees it. */
int wf_store_publish_file(pool_t *p, const cfg_t *cfg, const char *key,
                          const char *source, wf_store_published_t *out);

/* Definition (key, version), loaded on first use.  NULL with err set
 * (EN_NOTFOUND, EN_UNAVAILABLE, EN_INTERNAL when a stored version no longer
 * loads).  Lives as long as the process. */
const wf_def_t *wf_store_get(en_err_t *err, const char *key, int version);

/* The newest published version of key, for new demands. */
const wf_def_t *wf_store_current(en_err_t *err, const char *key, int *version);

/* The keys whose current version this process has looked up already (no
 * query): what a page may take as published without asking.  *keys in p. */
size_t wf_store_current_keys(pool_t *p, const char ***keys);

/* The definitions this process has loaded (no query), newest loaded
 * first: *defs in p.  A version that does not load is not among them. */
size_t wf_store_loaded(pool_t *p, const wf_def_t ***defs);

/* Forgets what "current" was (the cached definitions stay: they never
 * change).  For long-lived processes that publish themselves. */
void wf_store_forget_current(void);

#endif
