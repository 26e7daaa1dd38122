/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * util_file.h -- reading a whole file into a pool: the one way the engine
 * does it (configuration, stylesheets, catalogues, workflow definitions,
 * migrations, files named on the command line).
 *
 * Owns the limit check and the errors of reading; each caller names its
 * own limit and decides what the bytes mean.
 */
#ifndef GUICHET_UTIL_FILE_H
#define GUICHET_UTIL_FILE_H

#include <stddef.h>

#include "en_err.h"
#include "pool.h"

/* Reads the file at path, at most max bytes, into p.  On EN_OK *data is
 * the content followed by a NUL (not counted in *len; the content itself
 * may hold NULs) and lives in p.  Errors, with "PATH:0: ..." in err->msg:
 * EN_NOTFOUND when it cannot be opened (errno's words after "cannot open:"),
 * EN_TOOLARGE when it holds more than max bytes, EN_INTERNAL when reading
 * fails.  An empty file is EN_OK with *len 0. */
int util_read_file(pool_t *p, const char *path, size_t max, char **data, size_t *len,
                   en_err_t *err);

#endif
