/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * letters.c -- the letters table's statements (see letters.h): what the
 * letters job claims and records, what the print queue lists, a letter's
 * PDF, the print run joined into one PDF, "marquer comme envoyé".
 *
 * Owns: the SQL on letters (state changes are the plpgsql functions of
 * sql/0023_letters.sql, one round trip each) and the join of the print
 * run's PDFs (pdfunite from poppler-utils, through util_run, in a private
 * temporary directory).  Does not own: rendering (letters_job.c), who may
 * see the queue (authz, AZ_PRINT_LETTERS), the pages (h_letters.c).
 */
#include "letters.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "pool_json.h"
#include "util_file.h"
#include "util_run.h"
#include "wf_demand.h"

int
letters_template_exists(const char *xslt_dir, const char *tmpl)
{
    char        path[1024];
    const char *c;

    if (tmpl == NULL || *tmpl == '\0' || strlen(tmpl) > 63)
        return 0;
    for (c = tmpl; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
            return 0;
    if (!strcmp(tmpl, "common"))
        return 0;                       /* the frame, not a letter */
    snprintf(path, sizeof(path), "%s/letters/%s.xsl", xslt_dir, tmpl);
    return access(path, R_OK) == 0;
}

long
letters_backoff(int attempts)
{
    long s = LETTERS_BACKOFF_BASE;

    if (attempts < 1)
        attempts = 1;
    while (--attempts > 0 && s < LETTERS_BACKOFF_MAX)
        s *= 2;
    return s > LETTERS_BACKOFF_MAX ? LETTERS_BACKOFF_MAX : s;
}

/* --- the job's statements -------------------------------------------------------- */

static db_stmt_t claim_stmt = DB_STMT("letters_claim", 0,
    "SELECT json_build_object("
    "         'id', l.id, 'template', l.template, 'lang', l.lang,"
    "         'recipient', l.recipient,"
    "         'data', l.data || letter_local_expiry(l.data), 'attempts', l.attempts,"
    "         'reference', d.reference, 'workflow', d.workflow_key,"
    "         'version', d.definition_version,"
    "         'created', to_char(l.created_at AT TIME ZONE 'Europe/Zurich', 'YYYY-MM-DD'),"
    "         'today', to_char(now() AT TIME ZONE 'Europe/Zurich', 'YYYY-MM-DD'))"
    "  FROM letters l LEFT JOIN demands d ON d.id = l.demand_id"
    " WHERE l.status = 'queued' AND l.next_attempt_at <= now()"
    " ORDER BY l.next_attempt_at, l.id LIMIT 1"
    "   FOR UPDATE OF l SKIP LOCKED");

json_t *
letters_claim(pool_t *p, en_err_t *err)
{
    json_t *j = db_query_json(p, err, &claim_stmt, NULL);

    if (j == NULL && err->code == EN_NOTFOUND)
        en_clear(err);
    return j;
}

int
letters_record_pdf(pool_t *p, en_err_t *err, long long id, const char *filename,
                   const char *pdf, size_t len)
{
    char        ids[24];
    const char *v[3] = { ids, pdf, filename };
    int         lengths[3] = { 0, (int) len, 0 }, formats[3] = { 0, 1, 0 };

    snprintf(ids, sizeof(ids), "%lld", id);
    if (db_exec_bin(p, err, "SELECT letter_rendered($1::bigint, $2::bytea, $3)", 3, v,
                    lengths, formats) == NULL)
        return err->code;
    return EN_OK;
}

int
letters_record_failure(pool_t *p, en_err_t *err, long long id, int attempts,
                       const char *why, int *final)
{
    char        ids[24], wait[24], max[16];
    const char *v[4] = { ids, why, wait, max };
    PGresult   *res;

    snprintf(ids, sizeof(ids), "%lld", id);
    snprintf(wait, sizeof(wait), "%ld", letters_backoff(attempts));
    snprintf(max, sizeof(max), "%d", LETTERS_MAX_ATTEMPTS);
    res = db_exec(p, err, "SELECT letter_failed($1::bigint, $2, $3::int, $4::int)", 4, v);
    if (res == NULL)
        return err->code;
    *final = PQntuples(res) == 1 && !strcmp(db_val(res, 0, 0), "failed");
    return EN_OK;
}

/* --- the print queue ------------------------------------------------------------- */

static db_stmt_t queue_stmt = DB_STMT("letters_queue", 1,
    "SELECT coalesce(json_agg(json_build_object("
    "         'id', l.id, 'reference', d.reference, 'demand', l.demand_id,"
    "         'template', l.template,"
    "         'recipient', l.recipient->>'name', 'locality',"
    "         concat_ws(' ', l.recipient->>'postcode', l.recipient->>'locality'),"
    "         'created', to_char(l.created_at AT TIME ZONE 'Europe/Zurich',"
    "                            'DD.MM.YYYY HH24:MI'),"
    "         'rendered', to_char(l.rendered_at AT TIME ZONE 'Europe/Zurich',"
    "                             'DD.MM.YYYY HH24:MI'),"
    "         'status', l.status, 'attempts', l.attempts, 'error', l.last_error,"
    "         'document', l.document_id)"
    "       ORDER BY l.created_at, l.id), '[]')"
    "  FROM (SELECT * FROM letters WHERE status IN ('queued', 'rendered', 'failed')"
    "         ORDER BY created_at, id LIMIT $1::int) l"
    "  LEFT JOIN demands d ON d.id = l.demand_id");

json_t *
letters_queue(pool_t *p, en_err_t *err)
{
    char        lim[16];
    const char *v[1] = { lim };

    snprintf(lim, sizeof(lim), "%d", LETTERS_QUEUE_LIMIT);
    return db_query_json(p, err, &queue_stmt, v);
}

static db_stmt_t pdf_stmt = DB_STMT("letters_pdf", 1,
    "SELECT document_id FROM letters"
    " WHERE id = $1::bigint AND document_id IS NOT NULL AND status IN ('rendered', 'sent')");

int
letters_pdf(pool_t *p, en_err_t *err, long long id, const char **filename,
            unsigned char **bytes, size_t *len)
{
    char        ids[24];
    const char *v[1] = { ids };
    PGresult   *res;

    snprintf(ids, sizeof(ids), "%lld", id);
    if ((res = db_exec_prepared(p, err, &pdf_stmt, v)) == NULL)
        return err->code;
    if (PQntuples(res) != 1)
        return en_set(err, EN_NOTFOUND, "err.notfound", "letter %lld has no PDF", id);
    return wf_document_content(p, err, db_val(res, 0, 0), filename, bytes, len);
}

static db_stmt_t run_stmt = DB_STMT("letters_print_run", 0,
    "SELECT document_id FROM letters"
    " WHERE status = 'rendered' AND document_id IS NOT NULL"
    " ORDER BY created_at, id");

/* Removes the print run's temporary files (pool cleanup). */
typedef struct {
    char  *dir;
    char **files;
    size_t n;
} run_dir_t;

static void
run_dir_free(void *arg)
{
    run_dir_t *d = arg;
    size_t     i;

    for (i = 0; i < d->n; i++)
        if (d->files[i] != NULL)
            unlink(d->files[i]);
    rmdir(d->dir);
}

static int
write_file(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wbx");
    int   ok;

    if (f == NULL)
        return -1;
    ok = fwrite(b, 1, n, f) == n;
    if (fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

int
letters_print_run(pool_t *p, en_err_t *err, const cfg_t *cfg, unsigned char **bytes,
                  size_t *len, int *count)
{
    PGresult    *res;
    run_dir_t   *d;
    const char **argv;
    char        *tmpl, *out;
    size_t       outlen;
    int          n, i, rc;
    const char  *tmpdir = getenv("TMPDIR");
    util_run_t   run;

    (void) cfg;
    *bytes = NULL;
    *len = 0;
    *count = 0;
    if ((res = db_exec_prepared(p, err, &run_stmt, NULL)) == NULL)
        return err->code;
    n = PQntuples(res);
    if (n == 0)
        return en_set(err, EN_NOTFOUND, "letters.none_to_print", "no letter to print");
    tmpl = pool_printf(p, "%s/guichet-letters-XXXXXX",
                       tmpdir != NULL && *tmpdir ? tmpdir : "/tmp");
    if (mkdtemp(tmpl) == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "no temporary directory: %s",
                      strerror(errno));
    d = pool_alloc(p, sizeof(*d));
    d->dir = tmpl;
    d->n = 0;
    d->files = pool_alloc(p, sizeof(char *) * (size_t) (n + 1));
    pool_on_free(p, run_dir_free, d);
    /* pdfunite IN... OUT: the joined file goes to a path of ours too */
    argv = pool_alloc(p, sizeof(char *) * (size_t) (n + 3));
    argv[0] = "pdfunite";
    for (i = 0; i < n; i++) {
        const char    *fname;
        unsigned char *b;
        size_t         bl;

        if ((rc = wf_document_content(p, err, db_val(res, i, 0), &fname, &b, &bl)) != EN_OK)
            return rc;
        d->files[d->n] = pool_printf(p, "%s/%04d.pdf", tmpl, i);
        if (write_file(d->files[d->n], b, bl) != 0)
            return en_set(err, EN_INTERNAL, "err.internal", "cannot write %s: %s",
                          d->files[d->n], strerror(errno));
        argv[i + 1] = d->files[d->n++];
    }
    d->files[d->n] = pool_printf(p, "%s/all.pdf", tmpl);
    argv[n + 1] = d->files[d->n++];
    argv[n + 2] = NULL;
    memset(&run, 0, sizeof(run));
    run.argv = argv;
    run.timeout_s = 60;
    run.max_output = 65536;
    if ((rc = util_run(p, err, &run, &out, &outlen)) != EN_OK)
        return rc;
    if ((rc = util_read_file(p, argv[n + 1], (size_t) n * LETTERS_MAX_PDF,
                             (char **) bytes, len, err)) != EN_OK)
        return rc;
    *count = n;
    return EN_OK;
}

int
letters_mark_sent(pool_t *p, en_err_t *err, const principal_t *who, const char *group,
                  const long long *ids, size_t n, const char *request_id, int *sent)
{
    json_t     *c = pool_json(p, json_object()), *a = json_array();
    const char *v[1];
    PGresult   *res;
    size_t      i;

    *sent = 0;
    json_object_set_new(c, "letters", a);
    for (i = 0; i < n; i++)
        json_array_append_new(a, json_integer(ids[i]));
    json_object_set_new(c, "actor", json_string(who->person_id));
    json_object_set_new(c, "role", json_string(pool_printf(p, "agent:%s", group)));
    if (request_id != NULL)
        json_object_set_new(c, "request_id", json_string(request_id));
    if ((v[0] = pool_json_dumps(p, c, JSON_COMPACT)) == NULL)
        return en_set(err, EN_INTERNAL, "err.internal", "no memory");
    res = db_exec(p, err, "SELECT (letters_mark_sent($1::jsonb)->>'sent')::int", 1, v);
    if (res == NULL)
        return err->code;
    *sent = atoi(db_val(res, 0, 0));
    log_event(LOG_INFO, "letters marked sent", "count", db_val(res, 0, 0), "request_id",
              request_id ? request_id : "", NULL);
    return EN_OK;
}
