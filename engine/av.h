/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * av.h -- every uploaded file is scanned by ClamAV's daemon before it is
 * stored (clamd's INSTREAM command over its unix socket).
 *
 * The settings (docs/runtime.md, "Virus scanning"):
 *   av = clamd            (the default) scan with the clamd at clamd_socket;
 *                         an empty clamd_socket refuses every upload
 *   av = off              store uploads unscanned: development without
 *                         clamd only, and refused unless dev = yes
 *   clamd_socket = PATH   clamd's LocalSocket
 *   clamd_timeout = 30s   the whole exchange (connect, send, reply)
 *
 * Fail closed: whatever keeps a file from being declared clean (no socket,
 * clamd down or slow, an ERROR or unreadable reply, clamd's own size limit)
 * refuses the upload.
 */
#ifndef GUICHET_AV_H
#define GUICHET_AV_H

#include <stddef.h>

#include "cfg.h"
#include "en_err.h"

#define AV_CHUNK      65536     /* bytes per INSTREAM chunk */
#define AV_REPLY_MAX  1024      /* a longer reply is not clamd's */

typedef enum {
    AV_CLEAN,         /* "stream: OK" */
    AV_INFECTED,      /* "stream: NAME FOUND": what = NAME */
    AV_TOO_LARGE,     /* "INSTREAM size limit exceeded. ERROR" */
    AV_ERROR,         /* "... ERROR": what = clamd's words */
    AV_BAD_REPLY      /* truncated, empty or not clamd's: what = its start */
} av_verdict_t;

/* Takes the scanning settings of cfg for this process (and the workers it
 * forks).  Refuses (EN_BADINPUT, err->msg naming the setting) an unknown
 * av mode, av = off without dev = yes, and a socket path too long for a
 * unix socket.  Until it has succeeded, every scan fails closed. */
int av_configure(const cfg_t *cfg, en_err_t *err);

/* Reads one reply of a z-command (NUL-terminated) of len bytes.  what
 * (cap bytes, always NUL-terminated) receives the signature name or
 * clamd's message, control characters replaced.  Pure. */
av_verdict_t av_parse_reply(const char *reply, size_t len, char *what, size_t cap);

/* Scans len bytes (their size already checked against the field's own
 * limit by field_validate_file: no more is ever streamed).  label (the
 * field's name) is for the log only.
 *   EN_OK           clean (or av = off: logged as unscanned)
 *   EN_BADINPUT     infected: key "av.infected"; the signature
 *                   goes to err->detail and the log, never to the user
 *   EN_UNAVAILABLE  not scanned (no socket, clamd down, timeout, ERROR,
 *                   bad reply, clamd's size limit): key
 *                   "av.unavailable"; the reason in detail */
int av_scan(en_err_t *err, const char *label, const unsigned char *data, size_t len);

#endif
