/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * util_rand.c -- random bytes from the kernel (see util_rand.h).
 *
 * getrandom(2) without flags blocks only until the kernel's pool is first
 * seeded (early boot), then never fails for lack of entropy; a read is
 * cut short only by a signal (EINTR: go on) or for more than 32 MiB.
 */
#include "util_rand.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

int
util_random(void *buf, size_t n, en_err_t *err)
{
    unsigned char *b = buf;
    size_t         got = 0;

    while (got < n) {
        ssize_t r = getrandom(b + got, n - got, 0);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return en_set(err, EN_INTERNAL, "err.internal", "no random bytes: %s",
                          r < 0 ? strerror(errno) : "none returned");
        got += (size_t) r;
    }
    return EN_OK;
}

int
util_random_hex(pool_t *p, size_t n, const char **out, en_err_t *err)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char    *raw = pool_alloc(p, n);
    char             *s = pool_alloc(p, 2 * n + 1);
    size_t            i;

    *out = NULL;
    if (util_random(raw, n, err) != EN_OK)
        return err->code;
    for (i = 0; i < n; i++) {
        s[2 * i] = hex[raw[i] >> 4];
        s[2 * i + 1] = hex[raw[i] & 15];
    }
    s[2 * n] = '\0';
    *out = s;
    return EN_OK;
}
