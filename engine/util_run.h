/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * util_run.h -- runs a program as a child process with a time limit: its
 * standard input is given, its standard output collected (up to a bound),
 * the end of its standard error kept for messages.
 *
 * For the typesetter of letters (letters_job.c) and the PDF joiner of the
 * print queue (letters.c).  No shell: argv[0] is looked up in PATH, the
 * arguments go as they are.  The child gets no descriptor of ours but the
 * three pipes, an empty signal mask, and is killed (SIGKILL) when the time
 * is up.
 *
 * Does not own: what the programs are, nor where they are configured.
 */
#ifndef GUICHET_UTIL_RUN_H
#define GUICHET_UTIL_RUN_H

#include <stddef.h>

#include "en_err.h"
#include "pool.h"

typedef struct {
    const char *const *argv;        /* NULL-terminated; argv[0] the program */
    const char        *input;       /* given on stdin (may be NULL: empty) */
    size_t             input_len;
    int                timeout_s;   /* whole run, seconds (> 0) */
    size_t             max_output;  /* stdout bytes kept; more is an error */
} util_run_t;

/* Runs it.  EN_OK when the program exited 0: *out (pool memory, NUL
 * appended) and *out_len hold its stdout.  Otherwise err says why:
 * EN_UNAVAILABLE when it could not start, timed out or was killed,
 * EN_INTERNAL when it exited non-zero or wrote too much (the last line of
 * its stderr is in the message). */
int util_run(pool_t *p, en_err_t *err, const util_run_t *run, char **out, size_t *out_len);

#endif
