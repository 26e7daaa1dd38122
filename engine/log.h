/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * log.h -- structured logging: one JSON object per line on stderr.
 *
 * log_event() takes alternating key/value C strings ending in NULL; values
 * are JSON-escaped here, so callers never build JSON by hand.
 */
#ifndef GUICHET_LOG_H
#define GUICHET_LOG_H

#include <stddef.h>

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level_t;

void log_set_level(const char *name);       /* "debug".."error" */
void log_set_process(const char *role);     /* "master", "worker", ... */

/* log_event(LOG_INFO, "worker started", "slot", "3", NULL) */
void log_event(log_level_t lvl, const char *msg, ...)
        __attribute__((sentinel));
/* printf-style message, no extra fields */
void log_msg(log_level_t lvl, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Appends s as a JSON string (with quotes) to out of size cap; returns the
 * length it wanted (like snprintf).  Exposed for the request log line. */
size_t log_json_str(char *out, size_t cap, const char *s);

/* Like log_json_str, but always writes a whole, closed JSON string that
 * fits in room bytes (a too-long s is cut at a character boundary) and
 * returns the bytes written, never more than room - 1. */
size_t log_json_str_fit(char *out, size_t room, const char *s);

/* Writes the current UTC time as "2026-11-23T08:37:27.478Z" into out. */
void log_timestamp(char *out, size_t cap);

/* Writes a preformatted line (without newline) atomically. */
void log_raw(const char *line, size_t len);

#endif
