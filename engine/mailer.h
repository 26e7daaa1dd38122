/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * mailer.h -- the mailer process: drains the outbox table over SMTP.
 *
 * A mail is queued (a row in outbox) in the same transaction as the
 * transition that caused it, so a rolled-back transition never mails.
 * The mailer claims one row at a time with FOR UPDATE SKIP LOCKED (two
 * mailers never send one row twice), renders it through its XSLT mail
 * template (xslt/mail/<template>.xsl, else xslt/mail/generic.xsl with the
 * catalogue's mail.<template>.* words) in the recipient's language, sends
 * it with libcurl, and marks it sent; a failure is retried with exponential
 * backoff and, after MAILER_MAX_ATTEMPTS, the row is marked failed (an
 * incident an administrator sees and can requeue).
 *
 * The MIME pieces are pure functions, unit-tested in test_wf_fire.c.
 */
#ifndef GUICHET_MAILER_H
#define GUICHET_MAILER_H

#include <stddef.h>
#include <time.h>

#include "bgjob.h"
#include "cfg.h"
#include "en_err.h"
#include "pool.h"

#define MAILER_BATCH          50     /* mails per round before a pause */
#define MAILER_MAX_ATTEMPTS   12     /* then status = 'failed' */
#define MAILER_BACKOFF_BASE   5      /* seconds before the 2nd attempt */
#define MAILER_BACKOFF_MAX    3600   /* never wait more than an hour */

/* Once per process: the mail stylesheets (render_init) and libcurl. */
int mailer_init(const cfg_t *cfg, en_err_t *err);

/* The mailer as a background job (bgjob.h): a child of the master when
 * cfg->mailer is set, waking every second, and `guichet mailer [--once]`;
 * one() sends one due outbox row. */
extern const bgjob_t mailer_job;

/* Whether mails of template tmpl can be written: xslt/mail/<tmpl>.xsl
 * exists, or the generic template does and the catalogue (read afresh from
 * xslt_dir/i18n) has mail.<tmpl>.subject and .body in fr, de and en.
 * Publishing a definition asks it for every mail the definition sends. */
int mailer_template_exists(const char *xslt_dir, const char *tmpl);

/* --- pure parts ------------------------------------------------------- */

/* Seconds to wait after the attempts-th failed attempt (1, 2, ...):
 * BASE * 2^(attempts-1), capped at MAX. */
long mailer_backoff(int attempts);

/* A header value as RFC 2047 encoded words when it is not plain printable
 * ASCII (UTF-8, base64, words of at most 75 characters that never split a
 * UTF-8 sequence, folded with CRLF SP); plain ASCII is returned as is.
 * CR and LF never survive: they cannot inject a header.  Lives in p. */
const char *mail_encode_header(pool_t *p, const char *text);

/* Quoted-printable (RFC 2045) of len bytes, lines broken with CRLF, soft
 * breaks keeping every line within 76 characters.  Input line breaks
 * (LF or CRLF) become CRLF.  Lives in p. */
const char *mail_qp_encode(pool_t *p, const char *text, size_t len);

/* RFC 5322 date ("Mon, 23 Nov 2026 08:53:48 +0000"). */
const char *mail_date(pool_t *p, time_t t);

/* The addr-spec of "Name <addr>" or of a bare address; NULL when it is not
 * a plausible single address (no CR/LF, spaces, commas, angle brackets
 * inside, exactly one '@' with text around it). */
const char *mail_addr_spec(pool_t *p, const char *s);
/* The display name of "Name <addr>" (unquoted), or NULL. */
const char *mail_display_name(pool_t *p, const char *s);

typedef struct {
    const char *from;          /* "Guichet <noreply@example.ch>" */
    const char *to;            /* bare address */
    const char *to_name;       /* display name or NULL */
    const char *subject;       /* UTF-8 */
    const char *text;          /* text/plain body, UTF-8 */
    const char *html;          /* text/html body, UTF-8, or NULL */
    const char *message_id;    /* "<...@...>" */
    const char *reference;     /* demand reference, or NULL */
    const char *boundary;      /* NULL: a random one */
    time_t      date;
} mail_msg_t;

/* The whole message (headers CRLF, multipart/alternative when html is set,
 * both parts quoted-printable UTF-8).  NULL when from or to is not a valid
 * address.  Lives in p. */
const char *mail_build(pool_t *p, const mail_msg_t *m, size_t *len);

#endif
