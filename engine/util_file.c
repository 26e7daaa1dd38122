/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * util_file.c -- reading a whole file into a pool (see util_file.h).
 *
 * The size from fstat sizes the buffer, but the limit is enforced on the
 * bytes actually read, so a file that grows while it is read, or one
 * without a size (a pipe, /proc), is still held to it.
 */
#include "util_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UTIL_FILE_FIRST 4096     /* buffer for a file fstat gives no size */

int
util_read_file(pool_t *p, const char *path, size_t max, char **data, size_t *len,
               en_err_t *err)
{
    struct stat st;
    char       *buf;
    size_t      cap, got = 0;
    int         fd;

    *data = NULL;
    *len = 0;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return en_set(err, EN_NOTFOUND, "err.file", "%s:0: cannot open: %s", path,
                      strerror(errno));
    if (fstat(fd, &st) != 0) {
        en_set(err, EN_INTERNAL, "err.file", "%s:0: cannot read: %s", path,
               strerror(errno));
        close(fd);
        return err->code;
    }
    if (S_ISREG(st.st_mode) && (unsigned long long) st.st_size > max) {
        close(fd);
        return en_set(err, EN_TOOLARGE, "err.file", "%s:0: larger than %zu bytes",
                      path, max);
    }
    cap = S_ISREG(st.st_mode) ? (size_t) st.st_size : UTIL_FILE_FIRST;
    if (cap > max)
        cap = max;
    /* one byte more than expected: reading it says the file grew */
    buf = pool_alloc(p, cap + 2);
    for (;;) {
        ssize_t n;

        if (got == cap + 1) {
            char  *bigger;
            size_t ncap;

            if (got > max) {
                close(fd);
                return en_set(err, EN_TOOLARGE, "err.file",
                              "%s:0: larger than %zu bytes", path, max);
            }
            ncap = cap < max / 2 ? cap * 2 + 1 : max;
            bigger = pool_alloc(p, ncap + 2);   /* the old one stays in p */
            memcpy(bigger, buf, got);
            buf = bigger;
            cap = ncap;
        }
        n = read(fd, buf + got, cap + 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            en_set(err, EN_INTERNAL, "err.file", "%s:0: cannot read: %s", path,
                   strerror(errno));
            close(fd);
            return err->code;
        }
        if (n == 0)
            break;
        got += (size_t) n;
    }
    close(fd);
    if (got > max)
        return en_set(err, EN_TOOLARGE, "err.file", "%s:0: larger than %zu bytes",
                      path, max);
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return EN_OK;
}
