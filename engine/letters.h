/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * letters.h -- letters posted to people and entities: the queue a
 * transition fills (letter_enqueue, sql/0020), the PDFs the letters job
 * makes of it (letters_job.c), and the print queue of the agents who print
 * and post them (h_letters.c).
 *
 *   transition ──> letters 'queued' ──(letters_job: XSLT -> HTML -> PDF)──>
 *   'rendered' + a document of the demand ──(print queue: marquer comme
 *   envoyé)──> 'sent' + an event "letter-sent" in the demand's history
 *   (a rendering that keeps failing: 'failed', shown in the queue)
 *
 * letters.c owns the letters table's statements; the rules of who may see
 * the queue are authz's (AZ_PRINT_LETTERS, sql/0023_letters.sql).
 */
#ifndef GUICHET_LETTERS_H
#define GUICHET_LETTERS_H

#include <jansson.h>
#include <stddef.h>

#include "bgjob.h"
#include "cfg.h"
#include "en_err.h"
#include "pool.h"
#include "principal.h"

#define LETTERS_MAX_ATTEMPTS 5          /* then 'failed' */
#define LETTERS_BACKOFF_BASE 60         /* seconds after the first failure */
#define LETTERS_BACKOFF_MAX  3600
#define LETTERS_MAX_PDF      (8 * 1024 * 1024)
#define LETTERS_QUEUE_LIMIT  500        /* rows on the print queue's page */

/* The letters job (letters_job.c), for commands.c and `guichet letters`. */
extern const bgjob_t letters_job;

/* Whether xslt_dir/letters/<tmpl>.xsl exists (a lower-case name): what a
 * definition's print-letter names is checked when it is published. */
int letters_template_exists(const char *xslt_dir, const char *tmpl);

/* Seconds to wait before the next try after `attempts` failed ones. */
long letters_backoff(int attempts);

/* --- the job's statements (one letter, inside the job's transaction) --- */

/* The letter due now, locked (FOR UPDATE SKIP LOCKED), as a JSON object:
 * id, template, lang, recipient (object), data (object), attempts,
 * reference, workflow, version, created (YYYY-MM-DD), today (YYYY-MM-DD,
 * Europe/Zurich).  NULL with err->code EN_OK when none is due; NULL with
 * err set on a database problem. */
json_t *letters_claim(pool_t *p, en_err_t *err);

/* The letter is made: the PDF stored with its demand, the letter
 * rendered, its code removed (sql letter_rendered). */
int letters_record_pdf(pool_t *p, en_err_t *err, long long id, const char *filename,
                       const char *pdf, size_t len);

/* The letter could not be made: why, and when to try again ('failed' after
 * LETTERS_MAX_ATTEMPTS).  *final says whether it gave up. */
int letters_record_failure(pool_t *p, en_err_t *err, long long id, int attempts,
                           const char *why, int *final);

/* --- the print queue ------------------------------------------------------------ */

/* The letters not yet sent, oldest first: [{id, reference, demand, template,
 * recipient, locality, created, rendered, status, attempts, error,
 * document}].  Callers asked authz (AZ_PRINT_LETTERS) first. */
json_t *letters_queue(pool_t *p, en_err_t *err);

/* The PDF of one letter (rendered or sent): EN_NOTFOUND when it has none. */
int letters_pdf(pool_t *p, en_err_t *err, long long id, const char **filename,
                unsigned char **bytes, size_t *len);

/* The print run: every rendered letter not yet sent, in the queue's order,
 * joined into one PDF (pdfunite).  *count letters; EN_NOTFOUND when there
 * is none. */
int letters_print_run(pool_t *p, en_err_t *err, const cfg_t *cfg, unsigned char **bytes,
                      size_t *len, int *count);

/* Marks the given letters sent by who (the print group's agent): each gets
 * sent_at/sent_by and its demand an event "letter-sent".  Ids not rendered
 * or unknown are skipped; *sent says how many were marked. */
int letters_mark_sent(pool_t *p, en_err_t *err, const principal_t *who, const char *group,
                      const long long *ids, size_t n, const char *request_id, int *sent);

#endif
