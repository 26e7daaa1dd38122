/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * field_file.c -- uploaded files: type from the bytes, size, completeness.
 *
 * Owns MIME sniffing (PDF, PNG, JPEG: the types the procedures take) and
 * the upload rules of a file field.  The name and the Content-Type the
 * browser sends are never trusted: a renamed executable sniffs as nothing
 * and is refused.  A PDF must also end with its %%EOF marker, so that an
 * upload cut short by a dropped connection is refused now rather than
 * found unreadable by an agent weeks later.  Does not store the file.
 */
#include "field_int.h"

#include <stdio.h>
#include <string.h>

#define FIELD_FILE_MAX_DEFAULT ((size_t) 10 * 1024 * 1024)
#define FIELD_PDF_TAIL         1024   /* where readers look for %%EOF */

/* The default accept list: PDF only, the format agents can archive. */
static const char *const field_accept_pdf[] = { "application/pdf", NULL };

const char *
field_sniff_mime(const unsigned char *data, size_t len)
{
    static const unsigned char png[8] = { 0x89, 'P', 'N', 'G',
                                          '\r', '\n', 0x1A, '\n' };

    if (data == NULL)
        return NULL;
    if (len >= 5 && memcmp(data, "%PDF-", 5) == 0)
        return "application/pdf";
    if (len >= sizeof(png) && memcmp(data, png, sizeof(png)) == 0)
        return "image/png";
    if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        return "image/jpeg";
    return NULL;
}

/* What the user knows a type as, for the message argument. */
static const char *
field_mime_label(const char *mime)
{
    if (strcmp(mime, "application/pdf") == 0)
        return "PDF";
    if (strcmp(mime, "image/png") == 0)
        return "PNG";
    if (strcmp(mime, "image/jpeg") == 0)
        return "JPEG";
    return mime;
}

/* "PDF", "PDF / PNG": the accepted types, for "field.file.type". */
static const char *
field_accept_label(pool_t *p, const char *const *accept)
{
    buf_t b;
    int   i;

    buf_init(&b, p);
    for (i = 0; accept[i] != NULL; i++) {
        if (i > 0)
            buf_puts(&b, " / ");
        buf_puts(&b, field_mime_label(accept[i]));
    }
    return b.data;
}

/* 10485760 -> "10 MB", 512000 -> "500 KB", else bytes: a limit as the
 * definition wrote it ("10M"), not rounded into something else. */
static const char *
field_size_label(pool_t *p, size_t n)
{
    if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
        return pool_printf(p, "%zu MB", n / (1024 * 1024));
    if (n >= 1024 && n % 1024 == 0)
        return pool_printf(p, "%zu KB", n / 1024);
    return pool_printf(p, "%zu B", n);
}

static int
field_pdf_complete(const unsigned char *data, size_t len)
{
    size_t tail = len < FIELD_PDF_TAIL ? len : FIELD_PDF_TAIL;

    return memmem(data + len - tail, tail, "%%EOF", 5) != NULL;
}

field_result_t
field_validate_file(pool_t *p, const field_rules_t *rules,
                    const unsigned char *data, size_t len)
{
    const char *const *accept;
    const char        *mime;
    size_t             cap;
    int                i;

    if (data == NULL || len == 0)
        return rules != NULL && rules->required
               ? field_fail("field.required", NULL) : field_pass("");
    accept = rules != NULL && rules->accept != NULL
             ? (const char *const *) rules->accept : field_accept_pdf;
    cap = rules != NULL && rules->max_size > 0
          ? rules->max_size : FIELD_FILE_MAX_DEFAULT;
    if (len > cap)
        return field_fail("field.file.too_large", field_size_label(p, cap));
    mime = field_sniff_mime(data, len);
    for (i = 0; mime != NULL && accept[i] != NULL; i++)
        if (strcmp(accept[i], mime) == 0)
            break;
    if (mime == NULL || accept[i] == NULL)
        return field_fail("field.file.type", field_accept_label(p, accept));
    if (strcmp(mime, "application/pdf") == 0 && !field_pdf_complete(data, len))
        return field_fail("field.file.truncated", NULL);
    return field_pass(mime);
}
